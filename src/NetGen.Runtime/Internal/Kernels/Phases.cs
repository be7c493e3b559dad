using System;
using System.Runtime.InteropServices;

namespace NetGen.Internal.Kernels;

/// <summary>
/// A piece of work that threads share: part p of n computes its own rows or columns of a result, so the
/// result is the same on any number of parts. A struct that holds references to what it works on (never
/// spans, which cannot outlive a call); the one span it reads from the caller, the input, comes pinned.
/// </summary>
internal interface IPhase
{
    void Run(int part, int parts, ref float input);
}

/// <summary>
/// Hands a phase to <see cref="WorkerPool"/>. Each network keeps one runner per phase of each layer (in the
/// layer's <see cref="DenseWorkspace{TLayer}"/>), made on the phase's first call whatever the number of
/// threads, so that nothing allocates after the first call, on any thread.
/// </summary>
internal sealed class PhaseRunner<TPhase> : IParallelJob
    where TPhase : struct, IPhase
{
    private TPhase _phase;

    /// <summary>The runner in <paramref name="slot"/>, made there on first use.</summary>
    public static PhaseRunner<TPhase> In(ref object? slot) => (PhaseRunner<TPhase>)(slot ??= new PhaseRunner<TPhase>());

    /// <summary>Runs every part of <paramref name="phase"/>: on this thread alone when <paramref name="threads"/> is 1.</summary>
    public void Run(ref TPhase phase, int threads, ReadOnlySpan<float> input)
    {
        if (threads <= 1)
        {
            phase.Run(0, 1, ref MemoryMarshal.GetReference(input));
            return;
        }

        _phase = phase;
        try
        {
            WorkerPool.Run(this, threads, input, default);
        }
        finally
        {
            _phase = default; // let go of the network's buffers
        }
    }

    void IParallelJob.RunPart(int part, int parts, nint first, nint second) =>
        _phase.Run(part, parts, ref GeneratedCodeHelpers.AsRef(first));
}
