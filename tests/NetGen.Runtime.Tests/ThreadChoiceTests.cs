using System;
using System.Threading;
using NetGen.Internal;

namespace NetGen.Runtime.Tests;

/// <summary>
/// How a network's calls choose between sharing and running alone, on an imaginary clock: windows of 100 ticks,
/// calls of one sample whose cost a test sets for each way, and for the calls after each change of way (when the
/// data moves between the cores' caches).
/// </summary>
public sealed class ThreadChoiceTests
{
    private const long Window = 100;

    /// <summary>A machine as the choice sees it: the cost of a call, given the way it runs and how many calls ran that way since the last change.</summary>
    private delegate double Machine(bool alone, int callsSinceChange);

    /// <summary>The calls of a run: how many ran alone, how many shared, what they cost in all, and the way chosen at its end (a trial may be under way).</summary>
    private sealed record Run(int Alone, int Shared, double Ticks, bool EndsAlone);

    private static Run Simulate(ref ThreadChoice choice, Machine machine, int calls)
    {
        int alone = 0, shared = 0, sinceChange = 0;
        double ticks = 0;
        bool? last = null;
        for (int call = 0; call < calls; call++)
        {
            bool runsAlone = choice.Alone;
            sinceChange = runsAlone == last ? sinceChange + 1 : 0;
            last = runsAlone;
            double cost = machine(runsAlone, sinceChange);
            ticks += cost;
            if (runsAlone)
            {
                alone++;
            }
            else
            {
                shared++;
            }

            choice.Note((long)Math.Round(cost), 1);
        }

        return new Run(alone, shared, ticks, choice.ChosenAlone);
    }

    /// <summary>The cost of each call of one way: <paramref name="cost"/>, but every 40th call of that way <paramref name="stall"/>.</summary>
    private static Func<double> StallingOneIn40(double cost, double stall)
    {
        int calls = 0;
        return () => ++calls % 40 == 0 ? stall : cost;
    }

    [Fact]
    public void Calls_share_at_first()
    {
        var choice = new ThreadChoice(Window);
        Assert.False(choice.Alone);
    }

    /// <summary>
    /// The calls end up the faster way, and spend few calls the slower way: where sharing wins, trials double their
    /// period up to the longest; where running alone wins, the first trial switches and later trials grow rare.
    /// </summary>
    [Theory]
    [InlineData(15, 10, false)]
    [InlineData(10, 13, true)]
    public void The_calls_take_the_faster_way_and_trials_grow_rare(int aloneCost, int sharedCost, bool alone)
    {
        var choice = new ThreadChoice(Window);
        Run run = Simulate(ref choice, (runsAlone, _) => runsAlone ? aloneCost : sharedCost, calls: 200_000);

        Assert.Equal(alone, run.EndsAlone);
        Assert.InRange(alone ? run.Shared : run.Alone, 1, 200_000 / 50);
    }

    [Fact]
    public void A_trial_lasts_until_its_calls_stop_getting_faster()
    {
        // alone wins at 8 ticks a call against 10 shared, but only once warm: its calls start at 40 and get one tick
        // faster per call, so a trial of three windows (about ten calls) would still see them at over 30
        var choice = new ThreadChoice(Window);
        Run run = Simulate(ref choice, (alone, since) => alone ? Math.Max(8, 40 - since) : 10, calls: 100_000);

        Assert.True(run.EndsAlone);
        Assert.True(run.Alone > 90_000, $"{run.Alone} of 100,000 calls alone");
    }

    [Fact]
    public void A_choice_made_alone_goes_back_to_sharing_when_sharing_becomes_faster_despite_its_cold_start()
    {
        var choice = new ThreadChoice(Window);
        Simulate(ref choice, (alone, _) => alone ? 10 : 13, calls: 50_000);
        Assert.True(choice.Alone);

        // the machine changes: sharing now wins at 10 against 15, after cold calls that start at 6x and get faster
        // call by call (each core's share of the weights moving back into its cache)
        Run run = Simulate(ref choice, (alone, since) => alone ? 15 : Math.Max(10, 60 - (2.5 * since)), calls: 200_000);

        Assert.False(run.EndsAlone);
        Assert.True(run.Shared > 150_000, $"{run.Shared} of 200,000 calls shared");
    }

    [Fact]
    public void A_choice_follows_a_machine_that_changes_back_and_forth()
    {
        var choice = new ThreadChoice(Window);
        for (int spell = 0; spell < 6; spell++)
        {
            bool sharingWins = spell % 2 == 0;
            Run run = Simulate(ref choice, (alone, _) => alone == sharingWins ? 14 : 10, calls: 100_000);
            Assert.Equal(!sharingWins, run.EndsAlone);
            // most of each spell runs the faster way, even after a long stretch of the other made trials rare
            int faster = sharingWins ? run.Shared : run.Alone;
            Assert.True(faster > 75_000, $"spell {spell}: {faster} of 100,000 calls the faster way");
        }
    }

    /// <summary>
    /// On a machine whose other core is kept busy, sharing a call costs much more than running it alone (the wide
    /// network's per-sample training: 1.45x, one call a window). Such a verdict is not noise, so the trials space out
    /// faster than after a narrow one, and few of the first calls pay for them.
    /// </summary>
    [Fact]
    public void A_decisive_verdict_spaces_the_trials_out_faster_than_a_narrow_one()
    {
        var busy = new ThreadChoice(Window);
        Run decisive = Simulate(ref busy, (alone, _) => alone ? Window : 1.45 * Window, calls: 300);
        var narrow = new ThreadChoice(Window);
        Run close = Simulate(ref narrow, (alone, _) => alone ? Window : 1.1 * Window, calls: 300);

        Assert.True(decisive.EndsAlone);
        Assert.True(close.EndsAlone);
        Assert.True(decisive.Shared < close.Shared, $"{decisive.Shared} calls shared after decisive verdicts, {close.Shared} after narrow ones");
        Assert.InRange(decisive.Shared, ThreadChoice.FirstPeriod, ThreadChoice.FirstPeriod + (2 * ThreadChoice.LeastWindows));
    }

    /// <summary>
    /// On a machine whose other core is kept busy, most shared calls cost about what a call alone costs, but now and
    /// then a helper is descheduled mid-part and the call waits a time slice for it (784-128-10's TrainBatch of 256:
    /// 0.65 ms a call in mean against 0.59 alone, the medians within the margin). The caller pays the mean, stalls
    /// included, so the calls end up the way that does not stall, and a short trial of the other that meets no stall
    /// does not bring them back; the same the other way round.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rare_long_stalls_of_one_way_count_against_it(bool sharedCallsStall)
    {
        var choice = new ThreadChoice(Window);
        Func<double> stalling = StallingOneIn40(cost: sharedCallsStall ? 10.4 : 10, stall: 60);
        double steady = sharedCallsStall ? 10 : 10.4;
        Run run = Simulate(ref choice, (alone, _) => alone == sharedCallsStall ? steady : stalling(), calls: 100_000);

        Assert.Equal(sharedCallsStall, run.EndsAlone);
        int steadyWay = sharedCallsStall ? run.Alone : run.Shared;
        Assert.True(steadyWay > 95_000, $"{steadyWay} of 100,000 calls {(sharedCallsStall ? "alone" : "shared")}");
    }

    /// <summary>
    /// Shared calls 6% faster than calls alone, but one in forty stalls at 8x: a trial of sharing that meets no stall
    /// wins narrowly, and the stalls that follow make it lose again. Such a switch is checked soon, and undoing it
    /// spaces the trials out, so that few calls are shared.
    /// </summary>
    [Fact]
    public void A_narrow_switch_undone_by_its_check_spaces_the_trials_out()
    {
        var choice = new ThreadChoice(Window);
        Func<double> shared = StallingOneIn40(cost: 9.4, stall: 80);
        Run run = Simulate(ref choice, (alone, _) => alone ? 10 : shared(), calls: 100_000);

        Assert.True(run.EndsAlone);
        Assert.True(run.Shared < 1_000, $"{run.Shared} of 100,000 calls shared");
    }

    [Fact]
    public void Noise_within_the_margin_does_not_switch()
    {
        // both ways cost the same, give or take 3%: the calls stay shared, as they were
        var random = new Random(5);
        var choice = new ThreadChoice(Window);
        Run run = Simulate(ref choice, (_, _) => 10 * (0.97 + (0.06 * random.NextDouble())), calls: 200_000);

        Assert.False(run.EndsAlone);
        Assert.True(run.Alone < 200_000 / 20, $"{run.Alone} of 200,000 calls alone");
    }

    [Fact]
    public void Short_calls_are_judged_in_windows_not_one_by_one()
    {
        var choice = new ThreadChoice(Window);
        // eight windows of ten calls come before the first trial, whatever each call costs
        for (int call = 0; call < (ThreadChoice.FirstPeriod * 10) - 1; call++)
        {
            choice.Note(10, 1);
            Assert.False(choice.InTrial);
        }

        choice.Note(10, 1);
        Assert.True(choice.InTrial);
        Assert.True(choice.Alone);
    }

    [Fact]
    public void A_choice_never_set_up_always_shares()
    {
        ThreadChoice choice = default;
        Run run = Simulate(ref choice, (alone, _) => alone ? 1 : 100, calls: 10_000);

        Assert.Equal(0, run.Alone);
    }
}

/// <summary>A network's choices as its generated calls use them: a scope per call, in which the pool gives every product of the calling thread one thread when the choice is to run alone.</summary>
[Collection(nameof(WorkerPoolAlone))]
public sealed class ThreadChoicesTests
{
    private const long Huge = 1L << 40;

    /// <summary>Choices whose TrainSequential calls of 64 samples have learnt to run alone: shared calls cost 13 ticks a sample, alone 10.</summary>
    private static ThreadChoices AloneForSequences()
    {
        var choices = new ThreadChoices(new ThreadChoice(100));
        for (int call = 0; call < 10_000; call++)
        {
            bool alone = choices.For(CallKind.TrainSequential, 64).Alone;
            choices.Note(CallKind.TrainSequential, ticks: 64 * (alone ? 10 : 13), samples: 64);
        }

        Assert.True(choices.For(CallKind.TrainSequential, 64).Alone);
        Assert.False(choices.For(CallKind.TrainSequential, 64).InTrial);
        return choices;
    }

    private static void WithTwoThreads(Action test)
    {
        int saved = WorkerPool.MaxThreads;
        bool savedChoice = WorkerPool.ChooseByTiming;
        WorkerPool.MaxThreads = 2;
        WorkerPool.ChooseByTiming = true;
        WorkerPool.ForgetSpells();
        try
        {
            test();
        }
        finally
        {
            WorkerPool.MaxThreads = saved;
            WorkerPool.ChooseByTiming = savedChoice;
        }
    }

    [Fact]
    public void Inside_a_call_chosen_alone_every_product_runs_on_the_calling_thread() => WithTwoThreads(() =>
    {
        ThreadChoices choices = AloneForSequences();
        using (choices.Enter(CallKind.TrainSequential, 64))
        {
            Assert.Equal(1, WorkerPool.ThreadsFor(Huge));
            Assert.Equal(1, WorkerPool.ThreadsForSample(Huge));
        }

        Assert.Equal(2, WorkerPool.ThreadsFor(Huge));
    });

    [Fact]
    public void Each_kind_and_size_of_call_chooses_for_itself() => WithTwoThreads(() =>
    {
        ThreadChoices choices = AloneForSequences();
        using (choices.Enter(CallKind.Predict, 64))
        {
            Assert.Equal(2, WorkerPool.ThreadsFor(Huge));
        }

        using (choices.Enter(CallKind.TrainSequential, 1024))
        {
            Assert.Equal(2, WorkerPool.ThreadsFor(Huge));
        }
    });

    [Fact]
    public void A_call_times_itself_for_its_choice_from_its_first_product_that_could_split() => WithTwoThreads(() =>
    {
        var choices = new ThreadChoices(new ThreadChoice(1)); // windows of one tick: every timed call is one
        for (int call = 0; call < 100; call++)
        {
            using (choices.Enter(CallKind.Forward, 1))
            {
                Assert.Equal(1, WorkerPool.ThreadsFor(1)); // too small to split: nothing to time
            }
        }

        Assert.False(choices.For(CallKind.Forward, 1).InTrial);
        for (int call = 0; call < ThreadChoice.FirstPeriod; call++)
        {
            Assert.False(choices.For(CallKind.Forward, 1).InTrial);
            using (choices.Enter(CallKind.Forward, 1))
            {
                WorkerPool.ThreadsFor(Huge);
                Thread.Sleep(1);
            }
        }

        Assert.True(choices.For(CallKind.Forward, 1).InTrial);
    });

    [Fact]
    public void With_choices_off_or_one_thread_calls_share_as_before() => WithTwoThreads(() =>
    {
        ThreadChoices choices = AloneForSequences();
        WorkerPool.ChooseByTiming = false;
        using (choices.Enter(CallKind.TrainSequential, 64))
        {
            Assert.Equal(2, WorkerPool.ThreadsFor(Huge));
        }

        WorkerPool.ChooseByTiming = true;
        WorkerPool.MaxThreads = 1;
        using (choices.Enter(CallKind.TrainSequential, 64))
        {
            Assert.False(WorkerPool.CallerAlone);
        }
    });

    [Fact]
    public void A_call_inside_one_chosen_alone_stays_alone_and_leaves_it_alone() => WithTwoThreads(() =>
    {
        ThreadChoices choices = AloneForSequences();
        using (choices.Enter(CallKind.TrainSequential, 64))
        {
            using (choices.Enter(CallKind.Predict, 64))
            {
                Assert.Equal(1, WorkerPool.ThreadsFor(Huge));
            }

            Assert.Equal(1, WorkerPool.ThreadsFor(Huge));
        }

        Assert.False(WorkerPool.CallerAlone);
    });

    [Fact]
    public void Another_thread_is_not_made_alone_by_this_one_s_call() => WithTwoThreads(() =>
    {
        ThreadChoices choices = AloneForSequences();
        using (choices.Enter(CallKind.TrainSequential, 64))
        {
            int other = 0;
            var thread = new Thread(() => other = WorkerPool.ThreadsFor(Huge));
            thread.Start();
            thread.Join();
            Assert.Equal(2, other);
        }
    });
}
