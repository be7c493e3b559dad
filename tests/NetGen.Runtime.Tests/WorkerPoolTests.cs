using System;
using System.Linq;
using System.Threading;
using NetGen.Internal;

namespace NetGen.Runtime.Tests;

/// <remarks>
/// Alone in the assembly: these tests time the pool's helpers and change its settings, and other tests train
/// networks on the same pool (a job of theirs just before one of these leaves the helper awake when a test
/// needs it asleep, or starts a spell a test does not expect).
/// </remarks>
[Collection(nameof(WorkerPoolAlone))]
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

    [Fact]
    public void The_caller_takes_back_a_part_its_helper_has_not_started()
    {
        // Helpers that sleep straight after each job take tens of microseconds to wake; the caller's own
        // part takes none, so it finds the helper's part unstarted and runs it itself.
        TimeSpan spin = WorkerPool.SpinTime;
        WorkerPool.SpinTime = TimeSpan.Zero;
        try
        {
            int takenBack = 0;
            for (int run = 0; run < 200; run++)
            {
                // not while the pool runs jobs alone after a late helper (where the caller runs every part anyway)
                WaitUntilParallel();
                var job = new Recorder(2);
                WorkerPool.Run(job, 2, [1f], default);
                Assert.Equal([1, 1], job.Calls);
                takenBack += job.Threads[1] == Environment.CurrentManagedThreadId ? 1 : 0;
                Thread.Sleep(run % 10 == 0 ? 1 : 0); // and now and then a helper that has gone to sleep
            }

            Assert.True(takenBack > 0, "the caller never ran a part its helper had not started");
        }
        finally
        {
            WorkerPool.SpinTime = spin;
        }
    }

    /// <summary>Runs tiny jobs until the helper has run a part of one itself (so it is awake, not still waking).</summary>
    private static void WakeHelper()
    {
        for (int run = 0; run < 1000; run++)
        {
            var job = new Recorder(2);
            WorkerPool.Run(job, 2, [1f], default);
            if (job.Threads[1] != Environment.CurrentManagedThreadId)
            {
                return;
            }

            Thread.SpinWait(1000);
        }
    }

    /// <summary>Waits until the helpers have gone to sleep (with no spin time, they do within microseconds of a job, unless descheduled).</summary>
    private static void WaitUntilHelperSleeps() => WaitUntil(() => WorkerPool.HelpersAsleep);

    /// <summary>Waits out a spell in which the pool runs every job on its caller, because a helper was late.</summary>
    internal static void WaitUntilParallel() => WaitUntil(() => WorkerPool.ThreadsFor(long.MaxValue) >= Math.Min(2, WorkerPool.MaxThreads));

    /// <summary>Polls <paramref name="condition"/> every millisecond until it holds, for at most 5 seconds.</summary>
    private static void WaitUntil(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void A_caller_that_waited_long_for_a_descheduled_helper_runs_jobs_alone_for_a_while()
    {
        // A helper's part that takes 30 ms while the caller's takes none: the caller waits far longer than
        // its own part, as for a helper the OS has descheduled.
        int saved = WorkerPool.MaxThreads;
        TimeSpan spin = WorkerPool.SpinTime;
        WorkerPool.MaxThreads = 2;
        WorkerPool.SpinTime = TimeSpan.FromMilliseconds(200); // awake from WakeHelper to the slow job, even on a loaded machine
        try
        {
            // Each attempt from no spell (an earlier one's first round would go unjudged). Retried when the helper
            // did not run the slow part (the caller took it back), and when this thread was descheduled past the
            // spell (10 ms) before it looked: on a loaded machine both happen.
            for (int attempt = 0; ; attempt++)
            {
                WorkerPool.ForgetSpells();
                WakeHelper(); // it spins for a while after a job
                if (RunsOnHelper(new SlowPart(TimeSpan.FromMilliseconds(30))))
                {
                    bool alone = WorkerPool.ThreadsFor(long.MaxValue) == 1 && WorkerPool.ThreadsForSample(long.MaxValue) == 1;
                    var job = new Recorder(2);
                    WorkerPool.Run(job, 2, [1f], default);
                    if (alone && job.Threads[1] == Environment.CurrentManagedThreadId) // every part on the caller
                    {
                        break;
                    }
                }

                Assert.True(attempt < 20, "a helper 30 ms late never started a spell of jobs run alone");
            }

            WaitUntilParallel(); // the spell ends
            Assert.Equal(2, WorkerPool.ThreadsFor(long.MaxValue));
        }
        finally
        {
            WorkerPool.MaxThreads = saved;
            WorkerPool.SpinTime = spin;
        }
    }

    [Fact]
    public void A_wait_for_a_helper_that_had_to_be_woken_starts_no_spell()
    {
        // Helpers that sleep straight after each job: every job wakes its helper, and the OS's wake-up is no
        // sign of a busy machine (after each spell the helpers sleep, so judging it would chain the spells).
        int saved = WorkerPool.MaxThreads;
        TimeSpan spin = WorkerPool.SpinTime;
        WorkerPool.MaxThreads = 2;
        WorkerPool.SpinTime = TimeSpan.Zero;
        WorkerPool.ForgetSpells(); // no round after an earlier spell, whose jobs would go unjudged anyway
        try
        {
            int judged = 0;
            for (int attempt = 0; attempt < 20 && judged < 3; attempt++)
            {
                WaitUntilParallel();
                WaitUntilHelperSleeps();
                if (!RunsOnHelper(new SlowPart(TimeSpan.FromMilliseconds(30))))
                {
                    continue; // the caller took the part back
                }

                judged++;
                Assert.Equal(2, WorkerPool.ThreadsFor(long.MaxValue)); // a 30 ms wait, yet no spell
            }

            Assert.True(judged > 0, "the helper never ran the slow part");
        }
        finally
        {
            WorkerPool.MaxThreads = saved;
            WorkerPool.SpinTime = spin;
        }
    }

    [Fact]
    public void The_first_round_of_jobs_after_a_spell_starts_no_spell()
    {
        // A spell runs every part on the caller, which moves the helpers' data into its cache: the first round of
        // jobs after it finds the helpers cold, and their waits would start the next spell. Until the job that
        // came first after the spell comes again, a slow helper starts none; after that, it does.
        int saved = WorkerPool.MaxThreads;
        TimeSpan spin = WorkerPool.SpinTime;
        WorkerPool.MaxThreads = 2;
        WorkerPool.SpinTime = TimeSpan.FromMilliseconds(200); // awake from job to job, even on a loaded machine
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                WorkerPool.ForgetSpells();
                WakeHelper();
                if (!RunsOnHelper(new SlowPart(TimeSpan.FromMilliseconds(30))) || WorkerPool.ThreadsFor(long.MaxValue) != 1)
                {
                    Assert.True(attempt < 20, "no slow job started a spell");
                    continue; // the caller took the slow part back, or was descheduled past the spell
                }

                WaitUntilParallel(); // the spell ends
                var first = new Recorder(2);
                WorkerPool.Run(first, 2, [1f], default); // the first job after the spell
                bool judgedAnyway = !RunsOnHelper(new SlowPart(TimeSpan.FromMilliseconds(30)));
                if (judgedAnyway)
                {
                    Assert.True(attempt < 20, "the helper never ran the slow part after the spell");
                    continue;
                }

                Assert.Equal(2, WorkerPool.ThreadsFor(long.MaxValue)); // a 30 ms wait in the first round: no spell

                // The round is over, and the same wait starts a spell again. (On a loaded machine this can miss: a
                // caller that spun in its own part until a descheduled helper started, or that was itself descheduled
                // past the spell, sees no spell. Then the attempt is repeated; the first round above never judges.)
                WorkerPool.Run(first, 2, [1f], default);
                if (RunsOnHelper(new SlowPart(TimeSpan.FromMilliseconds(30))) && WorkerPool.ThreadsFor(long.MaxValue) == 1)
                {
                    break;
                }

                Assert.True(attempt < 20, "after the first round, a slow helper never started a spell");
            }
        }
        finally
        {
            WorkerPool.MaxThreads = saved;
            WorkerPool.SpinTime = spin;
            WorkerPool.ForgetSpells();
        }
    }

    /// <summary>Runs <paramref name="slow"/> on two threads; whether its slow part ran on the helper (so that the caller waited for it).</summary>
    private static bool RunsOnHelper(SlowPart slow)
    {
        WorkerPool.Run(slow, 2, [1f], default);
        return slow.HelperThread != Environment.CurrentManagedThreadId;
    }

    /// <summary>Part 1 takes <paramref name="time"/> on its helper; part 0 returns as soon as the helper has started it (so it cannot be taken back).</summary>
    private sealed class SlowPart(TimeSpan time) : IParallelJob
    {
        private volatile bool _started;

        public int HelperThread { get; private set; }

        public void RunPart(int part, int parts, nint first, nint second)
        {
            if (part == 1)
            {
                HelperThread = Environment.CurrentManagedThreadId;
                _started = true;
                Thread.Sleep(time);
                return;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!_started && clock.Elapsed < TimeSpan.FromSeconds(1))
            {
                Thread.SpinWait(10); // on the caller: part 1 is running elsewhere, or runs after this on the caller
            }
        }
    }

    [Fact]
    public void Under_contention_every_part_runs_exactly_once()
    {
        // Both cores kept busy by threads of their own: helpers get descheduled mid-wait, and the caller
        // races them for their parts. Whoever wins, each part runs once and sees the job's data.
        using var stop = new CancellationTokenSource();
        Thread[] busy = [.. Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Thread.SpinWait(100);
            }
        }) { IsBackground = true })];
        foreach (Thread thread in busy)
        {
            thread.Start();
        }

        try
        {
            for (int run = 0; run < 2000; run++)
            {
                int parts = 2 + (run % 3);
                var job = new Recorder(parts);
                WorkerPool.Run(job, parts, [run], default);
                Assert.All(job.Calls, calls => Assert.Equal(1, calls));
                Assert.All(job.FirstValues, v => Assert.Equal(run, v));
            }
        }
        finally
        {
            stop.Cancel();
            foreach (Thread thread in busy)
            {
                thread.Join();
            }
        }
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

/// <summary>Tests of the worker pool run with no other test of the assembly beside them.</summary>
[CollectionDefinition(nameof(WorkerPoolAlone), DisableParallelization = true)]
public sealed class WorkerPoolAlone;
