using System;

namespace NetGen.Tests;

/// <summary>
/// What calls allocate on this thread once warmed up, measured in rounds. The runtime itself may allocate once
/// on a thread while it compiles a path to faster code (tiering, on-stack replacement), which a single
/// measurement cannot tell from a call that allocates; a call that allocates does so in every round, so a steady
/// state allocates nothing in most of them.
/// </summary>
internal static class SteadyState
{
    /// <summary>The bytes this thread allocated during each of <paramref name="rounds"/> runs of <paramref name="round"/>.</summary>
    public static long[] AllocatedBytesPerRound(Action round, int rounds = 5)
    {
        var bytes = new long[rounds];
        for (int i = 0; i < rounds; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            bytes[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return bytes;
    }

    /// <summary>The rounds as a message: "bytes allocated per round: 0, 0, 312, 0, 0".</summary>
    public static string Describe(long[] rounds) => $"bytes allocated per round: {string.Join(", ", rounds)}";
}
