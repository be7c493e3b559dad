using System;
using System.Diagnostics;

namespace NetGen.Internal;

/// <summary>
/// Decides, for one kind of call of one network, whether its calls share their work with helper threads or run on
/// the calling thread alone, from what each way cost per sample on this machine, now. Calls are timed in windows
/// of at least a minimum duration (one call, or many short ones). The calls run the way chosen (shared at first);
/// now and then they try the other way for a trial, which lasts while its windows keep getting faster: after a
/// switch, the first calls pay for moving each core's share of the weights into its cache (the first split calls
/// of a 784-1024-1024-10 network after a stretch alone took 1.5-6x their steady time, for a varying number of
/// calls), so a trial cut short would judge the cold calls. The mean of the trial's last windows is then weighed
/// against the chosen way's moving mean, and the other way is chosen if it was faster by a margin. A trial that
/// changes nothing makes the next one wait twice as long (up to the longest period), so that a machine where one
/// way clearly wins pays for few trials. A decisive verdict (one way at least 15% faster) is not noise: a trial that
/// lost by that much makes the next wait four times as long, and a switch that won by that much doubles the period.
/// A switch that won by less is checked by a trial back soon, with the period as it was, to catch a switch made on
/// noise or on a trial too short to meet a rare stall; a check that undoes it spaces the trials out as a trial that
/// changed nothing does. Trials are what the choice pays where the chosen way is right: with the other core kept
/// busy, the wide network's shared calls took 1.45x its calls alone, and before the decisive rule 28 of its first
/// 300 calls ran shared.
/// </summary>
/// <remarks>
/// <para>
/// This is what makes two threads never slower than one where the pool's spells cannot see it: where a helper's
/// share costs more than it saves although it is never late (cores far apart, a host that slows one of them), as
/// on a 2-core Zen 5 VM whose 784-128-10 per-sample training ran at 132,000 samples/s split against 176,000
/// alone. Not thread-safe: one per kind of call of a network, used by the thread that calls it.
/// </para>
/// <para>
/// Means, not medians, because the caller pays the mean. With the other core kept busy, most of 784-128-10's shared
/// TrainBatch calls of 256 samples took about what a call alone took, but about one in a hundred waited several
/// milliseconds for a helper the OS had descheduled mid-part: 0.65 ms a call in mean against 0.59 alone, medians
/// within the margin, and a choice by medians kept sharing for whole runs.
/// </para>
/// </remarks>
internal struct ThreadChoice
{
    /// <summary>Windows in the chosen way before the first trial, and after a trial that switched.</summary>
    internal const int FirstPeriod = 8;

    /// <summary>The most windows between two trials.</summary>
    internal const int LongestPeriod = 1024;

    /// <summary>The fewest windows of a trial, and of the chosen way before one.</summary>
    internal const int LeastWindows = 3;

    /// <summary>The most windows of a trial, however long its calls keep getting faster.</summary>
    internal const int MostTrialWindows = 64;

    /// <summary>A trial window is still getting faster when it takes less than this share of the best window before it.</summary>
    internal const double Improving = 0.97;

    /// <summary>The other way is chosen when its trial took less than this share of the chosen way's time per sample.</summary>
    internal const double Margin = 0.95;

    /// <summary>A verdict is decisive when the slower way took at least this multiple of the faster one's time per sample.</summary>
    internal const double Decisive = 1.15;

    /// <summary>How many of the chosen way's windows its moving mean weighs (once it has had that many): enough to hold a stall that comes once in dozens of windows.</summary>
    internal const int ChosenMemory = 32;

    private readonly long _windowTicks;

    // the window being timed
    private long _ticks;
    private long _samples;

    // the way chosen, and the one the calls run now (the other during a trial)
    private bool _chosenAlone;
    private bool _trial;

    // the chosen way's time per sample: the mean of its windows since it was chosen, and once it has had
    // ChosenMemory of them, a moving mean that forgets the older ones little by little
    private double _chosenMean;
    private int _chosenWindows;

    // whether the chosen way's windows are still left out of its mean, as the first of the process and those after
    // a trial are while they keep getting faster, and how they are getting faster
    private bool _settling;
    private Warming _settlingWarming;

    // how the trial's windows are getting faster, and the last ones (the last three judge it)
    private Warming _trialWarming;
    private Recent _trialRecent;

    // windows in the chosen way until the next trial, and the period it was set from
    private int _untilTrial;
    private int _period;

    // whether the next trial checks a switch made on a narrow win
    private bool _checking;

    /// <summary>A choice that times its calls in windows of at least <paramref name="windowTicks"/>.</summary>
    public ThreadChoice(long windowTicks)
    {
        _windowTicks = windowTicks;
        _untilTrial = FirstPeriod;
        _period = FirstPeriod;
        Settle();
    }

    /// <summary>Windows of at least 2 ms of calls: long enough to hold several per-sample calls of a large network, short enough for trials of a few milliseconds.</summary>
    public static ThreadChoice ForStopwatch() => new(Stopwatch.Frequency / 500);

    /// <summary>Whether the next call runs alone.</summary>
    public readonly bool Alone => _trial ? !_chosenAlone : _chosenAlone;

    /// <summary>Whether the way chosen, which the calls take outside trials, is alone (for tests).</summary>
    internal readonly bool ChosenAlone => _chosenAlone;

    /// <summary>Whether a trial of the other way is under way (for tests).</summary>
    internal readonly bool InTrial => _trial;

    /// <summary>Notes a call of <paramref name="samples"/> samples that took <paramref name="ticks"/>, run as <see cref="Alone"/> said.</summary>
    public void Note(long ticks, int samples)
    {
        if (_windowTicks == 0)
        {
            return; // default: never set up, as for a network copied before its first call
        }

        _ticks += ticks;
        _samples += Math.Max(samples, 1);
        if (_ticks < _windowTicks)
        {
            return;
        }

        double perSample = (double)_ticks / _samples;
        _ticks = 0;
        _samples = 0;
        if (_trial)
        {
            EndTrialWindow(perSample);
        }
        else
        {
            NoteChosen(perSample);
            if (--_untilTrial <= 0 && _chosenWindows >= LeastWindows)
            {
                _trial = true;
                _trialWarming = Warming.Start();
                _trialRecent = default;
            }
        }
    }

    /// <summary>
    /// Adds a window of the chosen way to its mean, unless it is one of those that come first, or after a trial, and
    /// keep getting faster: the calls after a change of way pay for moving each core's share of the data into its
    /// cache (or, first of all, for the JIT), which is what the change cost, not what the way costs.
    /// </summary>
    private void NoteChosen(double perSample)
    {
        if (_settling)
        {
            if (_settlingWarming.StillImproving(perSample))
            {
                return;
            }

            _settling = false;
        }

        _chosenWindows++;
        _chosenMean += (perSample - _chosenMean) / Math.Min(_chosenWindows, ChosenMemory);
    }

    private void Settle()
    {
        _settling = true;
        _settlingWarming = Warming.Start();
    }

    private void EndTrialWindow(double perSample)
    {
        bool improving = _trialWarming.StillImproving(perSample);
        _trialRecent.Add(perSample);
        if (_trialWarming.Windows < LeastWindows || improving)
        {
            return;
        }

        _trial = false;
        double trial = _trialRecent.Mean();
        double chosen = _chosenMean;
        bool decisive = Math.Max(trial, chosen) >= Decisive * Math.Min(trial, chosen);
        bool checking = _checking;
        _checking = false;
        if (trial < Margin * chosen)
        {
            // the other way wins: it is the chosen one now, its mean from the trial's last windows
            _chosenAlone = !_chosenAlone;
            _chosenMean = trial;
            _chosenWindows = LeastWindows;
            if (!checking && !decisive)
            {
                // a narrow win may be luck (a trial too short to meet the rare stall that the chosen way's mean holds):
                // try back soon, with the period as it was
                _checking = true;
                _untilTrial = FirstPeriod;
                return;
            }

            // a decisive win is not luck; a check that undoes a narrow switch found it was: either way, the trials
            // space out, as after a trial that changed nothing
            _period = Math.Min(_period * (checking && decisive ? 4 : 2), LongestPeriod);
        }
        else
        {
            _period = Math.Min(_period * (decisive ? 4 : 2), LongestPeriod);
            Settle();
        }

        _untilTrial = _period;
    }

    /// <summary>A run of windows after a change of way, which get faster while the cores' caches fill: the best so far, and how many.</summary>
    private struct Warming
    {
        private double _best;

        public int Windows { get; private set; }

        public static Warming Start() => new() { _best = double.MaxValue };

        /// <summary>Notes a window; whether it took less than <see cref="Improving"/> of the best before it, within <see cref="MostTrialWindows"/> windows.</summary>
        public bool StillImproving(double perSample)
        {
            bool improving = perSample < Improving * _best;
            _best = Math.Min(_best, perSample);
            Windows++;
            return improving && Windows < MostTrialWindows;
        }
    }

    /// <summary>The last <see cref="LeastWindows"/> windows' times per sample, and their mean.</summary>
    private struct Recent
    {
        private double _a, _b, _c;
        private int _count;

        public void Add(double value)
        {
            switch (_count++ % LeastWindows)
            {
                case 0: _a = value; break;
                case 1: _b = value; break;
                default: _c = value; break;
            }
        }

        /// <summary>The mean of the windows held (at most the last <see cref="LeastWindows"/>).</summary>
        public readonly double Mean() => _count switch
        {
            0 => 0,
            1 => _a,
            2 => (_a + _b) / 2,
            _ => (_a + _b + _c) / 3,
        };
    }
}
