using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using NetGen.Internal;

namespace NetGen.Runtime.Tests;

/// <summary>
/// The split of a batch's samples between threads: every sample once, each thread in its own rows of the buffers,
/// and each thread told to pack the weights on its first slice only.
/// </summary>
[Collection(nameof(WorkerPoolAlone))]
public sealed class SampleSplitTests
{
    private const int InputSize = 3;
    private const int OutputSize = 2;

    /// <summary>What the fake network saw: one entry per slice.</summary>
    private sealed class Log
    {
        public ConcurrentQueue<(int Thread, int FirstSample, int BufferRow, int Rows, bool WeightsPacked)> Slices { get; } = new();

        // Rows of the buffers in use now, by the thread using them: two slices at once in one row is a race.
        public int[] RowOwners { get; } = new int[256];

        public int Overlaps;
    }

    /// <summary>A network whose outputs are its inputs' first value and its sample's index, taken slowly enough that the threads meet.</summary>
    private static void Forward(Log log, ReadOnlySpan<float> inputs, Span<float> outputs, int bufferRow, int rows, bool weightsPacked)
    {
        int thread = Environment.CurrentManagedThreadId;
        for (int r = bufferRow; r < bufferRow + rows; r++)
        {
            if (Interlocked.CompareExchange(ref log.RowOwners[r], thread, 0) != 0)
            {
                Interlocked.Increment(ref log.Overlaps);
            }
        }

        Thread.SpinWait(20_000); // tens of microseconds a slice: helpers wake and claim slices meanwhile
        log.Slices.Enqueue((thread, (int)inputs[0], bufferRow, rows, weightsPacked));
        for (int s = 0; s < rows; s++)
        {
            outputs[s * OutputSize] = inputs[s * InputSize];
            outputs[(s * OutputSize) + 1] = inputs[(s * InputSize) + 1];
        }

        for (int r = bufferRow; r < bufferRow + rows; r++)
        {
            Volatile.Write(ref log.RowOwners[r], 0);
        }
    }

    [Theory]
    [InlineData(1, 700)]
    [InlineData(2, 700)]
    [InlineData(3, 700)]
    [InlineData(2, 5)]
    public void Every_sample_runs_once_in_its_threads_own_rows(int threads, int count)
    {
        int saved = WorkerPool.MaxThreads;
        WorkerPool.MaxThreads = threads;
        try
        {
            // until a run of many slices has had helpers take some (they may be asleep, or the machine busy, at first)
            int wanted = count > 64 ? Math.Min(threads, 2) : 1;
            int threadsSeen = 0;
            for (int attempt = 0; attempt < 10 && threadsSeen < wanted; attempt++)
            {
                threadsSeen = RunAndCheck(threads, count);
            }

            Assert.True(threadsSeen >= wanted, $"{threadsSeen} threads took slices, expected at least {wanted}");
        }
        finally
        {
            WorkerPool.MaxThreads = saved;
        }
    }

    /// <summary>One run of <paramref name="count"/> samples on up to <paramref name="threads"/> threads, checked; returns how many threads took slices.</summary>
    private static int RunAndCheck(int threads, int count)
    {
        var log = new Log();
        var split = new SampleSplit<Log>(static (log, inputs, outputs, bufferRow, rows, weightsPacked) => Forward(log, inputs, outputs, bufferRow, rows, weightsPacked), InputSize, OutputSize);
        float[] inputs = new float[count * InputSize];
        for (int s = 0; s < count; s++)
        {
            inputs[s * InputSize] = s;
            inputs[(s * InputSize) + 1] = -s;
        }

        float[] outputs = new float[count * OutputSize];
        int bufferRows = Math.Min(count, 256);
        split.Run(log, inputs, outputs, bufferRows, threads);

        for (int s = 0; s < count; s++)
        {
            Assert.Equal(s, outputs[s * OutputSize]);
            Assert.Equal(-s, outputs[(s * OutputSize) + 1]);
        }

        var slices = log.Slices.ToArray();
        Assert.Equal(count, slices.Sum(slice => slice.Rows)); // with every output right, no sample ran twice
        Assert.Equal(0, log.Overlaps);
        Assert.All(slices, slice => Assert.InRange(slice.BufferRow + slice.Rows, 1, bufferRows));

        // each thread packs once, on its first slice, and keeps its rows of the buffers
        foreach (var byThread in slices.GroupBy(slice => slice.Thread))
        {
            Assert.Single(byThread, slice => !slice.WeightsPacked);
            Assert.Single(byThread.Select(slice => slice.BufferRow).Distinct());
        }

        return slices.Select(slice => slice.Thread).Distinct().Count();
    }
}
