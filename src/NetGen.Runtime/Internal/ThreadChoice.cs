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
/// calls), so a trial cut short would judge the cold calls. The trial's last windows are then weighed against the
/// chosen way's recent ones, and the other way is chosen if it was faster by a margin. A trial that changes
/// nothing makes the next one wait twice as long (up to the longest period), so that a machine where one way
/// clearly wins pays for few trials; a switch brings the next trial back soon, to catch a switch made on noise.
/// A decisive verdict (one way at least a quarter faster) is not noise: a trial that lost by that much makes the
/// next wait four times as long, and a switch that won by that much doubles the period instead of resetting it.
/// Trials are what the choice pays where the chosen way is right: with the other core kept busy, the wide
/// network's shared calls took 1.45x its calls alone, and before this rule 28 of its first 300 calls ran shared.
/// </summary>
/// <remarks>
/// This is what makes two threads never slower than one where the pool's spells cannot see it: where a helper's
/// share costs more than it saves although it is never late (cores far apart, a host that slows one of them), as
/// on a 2-core Zen 5 VM whose 784-128-10 per-sample training ran at 132,000 samples/s split against 176,000
/// alone. Not thread-safe: one per kind of call of a network, used by the thread that calls it.
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

    private readonly long _windowTicks;

    // the window being timed
    private long _ticks;
    private long _samples;

    // the way chosen, and the one the calls run now (the other during a trial)
    private bool _chosenAlone;
    private bool _trial;

    // the chosen way's last five windows (time per sample a window)
    private Recent _recent;

    // the trial's windows: how many, the best so far, the last ones (the last three judge it)
    private int _trialWindows;
    private double _trialBest;
    private Recent _trialRecent;

    // windows in the chosen way until the next trial, and the period it was set from
    private int _untilTrial;
    private int _period;

    /// <summary>A choice that times its calls in windows of at least <paramref name="windowTicks"/>.</summary>
    public ThreadChoice(long windowTicks)
    {
        _windowTicks = windowTicks;
        _untilTrial = FirstPeriod;
        _period = FirstPeriod;
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
            _recent.Add(perSample);
            if (--_untilTrial <= 0 && _recent.Count >= LeastWindows)
            {
                _trial = true;
                _trialWindows = 0;
                _trialBest = double.MaxValue;
                _trialRecent = default;
            }
        }
    }

    private void EndTrialWindow(double perSample)
    {
        bool improving = perSample < Improving * _trialBest;
        _trialWindows++;
        _trialBest = Math.Min(_trialBest, perSample);
        _trialRecent.Add(perSample);
        if (_trialWindows < LeastWindows || (improving && _trialWindows < MostTrialWindows))
        {
            return;
        }

        _trial = false;
        double trial = _trialRecent.Median(LeastWindows);
        double chosen = _recent.Median(5);
        if (trial < Margin * chosen)
        {
            // the other way wins: it is the chosen one now, its trial windows its recent ones; try back soon,
            // unless it won by too much to be noise
            _chosenAlone = !_chosenAlone;
            _recent = _trialRecent;
            _period = trial * Decisive <= chosen ? Math.Min(_period * 2, LongestPeriod) : FirstPeriod;
        }
        else
        {
            _period = Math.Min(_period * (trial >= Decisive * chosen ? 4 : 2), LongestPeriod);
        }

        _untilTrial = _period;
    }

    /// <summary>The last five windows' times per sample, and the median of the newest of them.</summary>
    private struct Recent
    {
        private double _a, _b, _c, _d, _e;

        public int Count { get; private set; }

        public void Add(double value)
        {
            switch (Count++ % 5)
            {
                case 0: _a = value; break;
                case 1: _b = value; break;
                case 2: _c = value; break;
                case 3: _d = value; break;
                default: _e = value; break;
            }

            if (Count == 10)
            {
                Count = 5; // keeps the ring's position mod 5 and the count at "full"
            }
        }

        /// <summary>The median of the newest <paramref name="newest"/> windows held (at most five); the upper one of an even count.</summary>
        public readonly double Median(int newest)
        {
            int n = Math.Min(Math.Min(Count, 5), newest);
            Span<double> ring = [_a, _b, _c, _d, _e];
            Span<double> values = stackalloc double[5];
            for (int age = 0; age < n; age++)
            {
                values[age] = ring[(Count - 1 - age + 10) % 5];
            }

            values = values[..n];
            values.Sort();
            return values[n / 2];
        }
    }
}
