using System;
using System.Diagnostics;

namespace NetGen.Internal;

/// <summary>
/// Decides when <see cref="WorkerPool"/> runs its jobs on the calling thread alone for a while (a spell),
/// from what each parallel job gave and cost. A job is late when the caller waited for its helpers much
/// longer than its own part took: a helper was descheduled, because other work keeps the cores busy. Helpers
/// on time save the caller their parts (its own part's time, for each of them); waiting costs what it
/// lasts. A late job starts a spell; the spell doubles (up to the longest) unless the helpers saved since the
/// last late job at least twice what this one cost, and is the shortest otherwise. Jobs on time whose waits
/// cost more than their parts save (tiny parts, a helper slow to start) start one too, once that loss passes
/// the late mark. A spell lasts at most a fixed multiple of the wait that started it: a spell of S costs about
/// S / 3 where two threads would have gained 1.5x, so a hiccup of a millisecond (a VM's hypervisor taking the
/// helper's core) must not buy hundreds of milliseconds alone, while a descheduled helper on a busy machine,
/// which waits a time slice of several milliseconds, still buys spells of 100 ms or more. So on a machine
/// where a second thread loses more than it gains, the pool ends up alone, probing now and then; where it
/// gains, spells stay short and rare.
/// </summary>
/// <remarks>Not thread-safe: only the thread that holds the pool notes its jobs.</remarks>
internal struct SoloSpells
{
    private readonly long _shortestTicks, _longestTicks, _lateTicks, _maxCreditTicks, _waitMultiple;
    private long _lastSpellTicks;

    // What helpers saved the caller since the last spell, net of the waits, at most _maxCreditTicks: a long
    // good run must not hide for long that the machine has become busy.
    private long _savedTicks;

    /// <summary>
    /// Spells from <paramref name="shortestTicks"/> to <paramref name="longestTicks"/>, and at most
    /// <paramref name="waitMultiple"/> times the wait that starts one (never under the shortest); a job is late
    /// past <paramref name="lateTicks"/> of waiting (and half the caller's part).
    /// </summary>
    public SoloSpells(long shortestTicks, long longestTicks, long lateTicks, long maxCreditTicks, long waitMultiple)
    {
        _shortestTicks = shortestTicks;
        _longestTicks = longestTicks;
        _lateTicks = lateTicks;
        _maxCreditTicks = maxCreditTicks;
        _waitMultiple = waitMultiple;
        _lastSpellTicks = shortestTicks;
    }

    /// <summary>
    /// The spells the pool uses: 5 ms to 640 ms and at most 32 times the wait, late past 100 us (and half the
    /// caller's part), at most 50 ms of credit. On a 2-core Zen 3 VM whose hypervisor took a core for about a
    /// millisecond a dozen times a second, uncapped spells kept 784-128-10's two-thread Predict alone for 0.2-1.4 s
    /// of a 2 s run (345,000-372,000 samples/s); capped, 382,000-598,000, and no slower with the other core busy.
    /// </summary>
    public static SoloSpells ForStopwatch() => new(
        shortestTicks: Stopwatch.Frequency / 200,
        longestTicks: Stopwatch.Frequency * 64 / 100,
        lateTicks: Stopwatch.Frequency / 10_000,
        maxCreditTicks: Stopwatch.Frequency / 20,
        waitMultiple: 32);

    /// <summary>
    /// Notes a parallel job: the caller's own part took <paramref name="ownTicks"/>, then it waited
    /// <paramref name="waitTicks"/> for its <paramref name="helpers"/> helpers. Returns how long to run alone
    /// from now, or 0 to go on in parallel.
    /// </summary>
    public long Note(long ownTicks, long waitTicks, int helpers)
    {
        long saved = Math.Min(_savedTicks + (ownTicks * helpers) - waitTicks, _maxCreditTicks);
        bool late = waitTicks > _lateTicks + (ownTicks / 2);
        if (!late && saved > -_lateTicks)
        {
            _savedTicks = saved;
            return 0;
        }

        // saved is net of this wait: the helpers saved less than twice what it cost when saved < waitTicks
        long spell = saved < waitTicks ? Math.Min(_lastSpellTicks * 2, _longestTicks) : _shortestTicks;
        spell = Math.Min(spell, Math.Max(_shortestTicks, _waitMultiple * waitTicks));
        _lastSpellTicks = spell;
        _savedTicks = 0;
        return spell;
    }
}
