using System;
using System.Linq;
using System.Threading;
using NetGen.Internal;

namespace NetGen.Runtime.Tests;

public sealed class WorkerPoolTests
{
    private sealed class Recorder(int parts) : IParallelJob
    {
        public int[] Calls { get; } = new int[parts];

        public int[] Threads { get; } = new int[parts];

        public float[] FirstValues { get; } = new float[parts];

        public int Failing { get; init; } = -1;

        public void RunPart(int part, int parts, nint first, nint second)
        {
            Interlocked.Increment(ref Calls[part]);
            Threads[part] = Environment.CurrentManagedThreadId;
            FirstValues[part] = GeneratedCodeHelpers.AsRef(first);
            if (part == Failing)
            {
                throw new InvalidOperationException($"part {part} failed");
            }
        }
    }

    [Fact]
    public void Every_part_runs_once_and_sees_the_pinned_span()
    {
        var job = new Recorder(3);
        float[] data = [42f, 1f];

        WorkerPool.Run(job, 3, data, default);

        Assert.All(job.Calls, calls => Assert.Equal(1, calls));
        Assert.All(job.FirstValues, v => Assert.Equal(42f, v));
        Assert.Equal(Environment.CurrentManagedThreadId, job.Threads[0]);
    }

    [Fact]
    public void An_exception_in_a_helper_reaches_the_caller_after_every_part_is_done()
    {
        var job = new Recorder(2) { Failing = 1 };
        var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(job, 2, [1f], default));
        Assert.Equal("part 1 failed", e.Message);
        Assert.Equal([1, 1], job.Calls);

        // the pool still works afterwards
        var next = new Recorder(2);
        WorkerPool.Run(next, 2, [1f], default);
        Assert.Equal([1, 1], next.Calls);
    }

    [Theory]
    [InlineData(128, 2, 8)]
    [InlineData(10, 3, 6)]
    [InlineData(1, 2, 6)]
    [InlineData(64, 4, 1)]
    public void Split_covers_the_range_once_with_aligned_starts(int count, int parts, int align)
    {
        var ranges = Enumerable.Range(0, parts).Select(p => GeneratedCodeHelpers.Split(count, p, parts, align)).ToArray();

        Assert.Equal(count, ranges.Sum(r => r.Count));
        int next = 0;
        foreach ((int start, int length) in ranges)
        {
            Assert.True(length == 0 || start == next, $"range starting at {start} leaves a gap after {next}");
            Assert.True(length == 0 || start % align == 0);
            next = start + length;
        }
    }

    [Fact]
    public void Settings_must_be_positive_and_name_themselves()
    {
        Assert.Equal("MaxThreads", Assert.Throws<ArgumentOutOfRangeException>(() => WorkerPool.MaxThreads = 0).ParamName);
        Assert.Equal("MinWorkPerThread", Assert.Throws<ArgumentOutOfRangeException>(() => WorkerPool.MinWorkPerThread = 0).ParamName);
        Assert.Equal("MinSampleWorkPerThread", Assert.Throws<ArgumentOutOfRangeException>(() => WorkerPool.MinSampleWorkPerThread = -1).ParamName);
    }

    [Fact]
    public void A_sample_too_small_to_share_stays_on_the_calling_thread()
    {
        Assert.Equal(1, WorkerPool.ThreadsForSample(WorkerPool.MinSampleWorkPerThread - 1));
        Assert.Equal(1, WorkerPool.ThreadsFor(WorkerPool.MinWorkPerThread - 1));
    }
}
