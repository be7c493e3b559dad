using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen.Internal;

/// <summary>
/// Runs the parts of a job on the calling thread and on helper threads, one per extra core. Helpers
/// spin for a short while after each job, so that back-to-back jobs (the layers of a batch, batch after
/// batch) start within a fraction of a microsecond, then sleep. Running a job allocates nothing.
/// </summary>
/// <remarks>
/// One job runs at a time; a second thread calling <see cref="Run"/> meanwhile runs all its parts
/// itself. A part is claimed by whoever starts it first: when the caller has finished its own part, it
/// takes back every part a helper has not started (a helper the OS has descheduled, on a busy machine,
/// costs the caller nothing then but the part itself), and waits only for parts already running. When it
/// still had to wait much longer than its own part took (a helper descheduled mid-part, because other
/// work keeps the cores busy), the pool runs every part on the calling thread for a while: 5 ms, or
/// doubling up to 640 ms (and at most 32 times the wait) while such waits cost more than the helpers save
/// (<see cref="SoloSpells"/>), so that two threads are not slower than one on a busy machine. Jobs that had
/// to wake a sleeping helper, parts taken back, and the first round of jobs after a spell (whose helpers find
/// their data in the caller's cache) are not counted as waits: they tell the pool about the OS's wake-up and
/// about the spell itself, not about a busy machine. Spells see only helpers that are late; a helper on time whose
/// share still costs more than it saves is the business of the network's <see cref="ThreadChoices"/>, inside whose
/// calls chosen to run alone every product gets one thread. Generated networks split their work so that the result
/// is the same for any number of parts. Users tune it through <see cref="Parallelism"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WorkerPool
{
    // 1 while a job runs: a second caller meanwhile runs its parts itself (an Interlocked flag, which
    // unlike a contended Monitor never allocates).
    private static int s_busy;
    private static int s_maxThreads = Math.Max(1, Environment.ProcessorCount);
    private static long s_minWorkPerThread = 1L << 20;
    private static long s_minSampleWorkPerThread = 1L << 15;

    // While the clock is before s_soloUntil (Stopwatch ticks), every job runs on its calling thread alone:
    // recent jobs waited for helpers the OS had descheduled longer than the helpers saved (s_spells decides).
    private static long s_soloUntil;
    private static SoloSpells s_spells = SoloSpells.ForStopwatch();

    // A spell leaves the helpers' share of the data in the caller's cache (it ran every part), so the first round
    // of jobs after one finds the helpers cold. Where cores have caches of their own, their parts then take
    // several times the caller's: 784-1024-1024-10's per-sample training on a 2-core Zen 5 VM waited 155 us for
    // parts of 50 us, every such job was judged late, and the spells chained (1.9 s alone of every 2 s). So from
    // a spell on, no job is judged until the job that came first after it comes again (a round of a network's
    // phases: each has its own job), or RewarmJobs jobs have run. Only the thread that holds the pool reads these.
    private const int RewarmJobs = 16;
    private static int s_rewarmLeft;
    private static IParallelJob? s_firstAfterSpell;

    // One helper per extra processor, started with the pool so that no later call allocates them.
    private static Worker[] s_workers = CreateWorkers(Environment.ProcessorCount - 1, []);

    /// <summary>
    /// How many threads a job may use, the calling thread included: by default one per processor.
    /// Set 1 to keep every network on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxThreads));
            s_maxThreads = value;
        }
    }

    /// <summary>
    /// Multiply-adds a generated network's matrix product must give each thread before it is split
    /// between threads. The default, 1M (a 784-128 layer on 11 samples), is where a second thread
    /// started to pay on the 2-core machine NetGen was measured on, where each core has its own L2
    /// cache: batches of 32 and 64 of a 784-128-10 network trained about 1.5x faster on two threads.
    /// Where two logical processors share one core's caches, a higher value (8M) loses less.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static long MinWorkPerThread
    {
        get => s_minWorkPerThread;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MinWorkPerThread));
            s_minWorkPerThread = value;
        }
    }

    /// <summary>How many threads a product of <paramref name="work"/> multiply-adds uses: at most <see cref="MaxThreads"/>.</summary>
    public static int ThreadsFor(long work)
    {
        int wanted = (int)Math.Clamp(work / s_minWorkPerThread, 1, s_maxThreads);
        if (wanted == 1 || (t_call != NoCall && CouldSplitInCall()) || Solo)
        {
            return 1; // a product too small to split reads no clock
        }

        return wanted;
    }

    // What the calling thread's current call, timed for its network's ThreadChoices, does: none, shares, or
    // runs alone; and when its first product that could have split asked for threads (0 until one does).
    private const int NoCall = 0, SharedCall = 1, AloneCall = 2;
    [ThreadStatic]
    private static int t_call;
    [ThreadStatic]
    private static long t_splittableSince;

    /// <summary>
    /// Starts a call of the calling thread chosen to share or to run <paramref name="alone"/>; returns false, and
    /// starts nothing, inside another such call (which goes on deciding and timing).
    /// </summary>
    internal static bool EnterCall(bool alone)
    {
        if (t_call != NoCall)
        {
            return false;
        }

        t_call = alone ? AloneCall : SharedCall;
        t_splittableSince = 0;
        return true;
    }

    /// <summary>Ends the calling thread's call; returns when its first product that could split asked for threads, or 0 if none could.</summary>
    internal static long ExitCall()
    {
        t_call = NoCall;
        return t_splittableSince;
    }

    [ThreadStatic]
    private static bool t_onHelper;

    /// <summary>Whether the calling thread is one of the pool's helpers (whose buffers of its own outlive any one network's call).</summary>
    internal static bool OnHelperThread => t_onHelper;

    /// <summary>Whether the calling thread is inside a call chosen to run alone (for tests).</summary>
    internal static bool CallerAlone => t_call == AloneCall;

    /// <summary>In a call, a product that could split: the call's time counts from now, if not from before; whether the call runs alone.</summary>
    private static bool CouldSplitInCall()
    {
        if (t_splittableSince == 0)
        {
            t_splittableSince = Stopwatch.GetTimestamp();
        }

        return t_call == AloneCall;
    }

    /// <summary>Whether jobs run on their calling thread alone for now, because a recent one waited for a descheduled helper.</summary>
    private static bool Solo => Stopwatch.GetTimestamp() < Volatile.Read(ref s_soloUntil);

    /// <summary>
    /// Multiply-adds one sample's matrix-vector product must give each thread before it is split. Such a
    /// product is bound by the bandwidth of the cache holding the weights, and each core streams its
    /// share from its own cache, so splitting pays early. Default 32K (a 784-128 layer uses two threads).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static long MinSampleWorkPerThread
    {
        get => s_minSampleWorkPerThread;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MinSampleWorkPerThread));
            s_minSampleWorkPerThread = value;
        }
    }

    /// <summary>
    /// How many threads one sample's product of <paramref name="work"/> multiply-adds uses. It takes only
    /// helpers that are awake (spinning after a recent job), because waking a sleeping one takes longer
    /// than the product itself; sleeping helpers are woken instead, for the samples that follow.
    /// </summary>
    public static int ThreadsForSample(long work)
    {
        int wanted = (int)Math.Clamp(work / s_minSampleWorkPerThread, 1, s_maxThreads);
        if (wanted == 1 || (t_call != NoCall && CouldSplitInCall()) || Volatile.Read(ref s_busy) != 0 || Solo)
        {
            return 1;
        }

        Worker[] workers = s_workers;
        int awake = 0;
        for (int i = 0; i < Math.Min(wanted - 1, workers.Length); i++)
        {
            if (workers[i].IsAwake())
            {
                awake++;
            }
        }

        return 1 + awake;
    }

    /// <summary>
    /// Whether each kind of call of a generated network chooses, from its own timings, between sharing its products
    /// with helper threads and running alone (<see cref="ThreadChoices"/>). On by default; off, calls share as
    /// <see cref="MinWorkPerThread"/> and <see cref="MinSampleWorkPerThread"/> say.
    /// </summary>
    public static bool ChooseByTiming { get; set; } = true;

    /// <summary>How long a helper keeps spinning for the next job before it sleeps.</summary>
    public static TimeSpan SpinTime { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Whether every helper is asleep now, so that the next job must wake them (for tests).</summary>
    internal static bool HelpersAsleep => Array.TrueForAll(s_workers, worker => worker.IsAsleep);

    /// <summary>
    /// Runs <c>job.RunPart(p, parts, first, second)</c> for every part p: part 0 on this thread, the
    /// others on helpers. Returns when every part is done; rethrows the first exception of any part.
    /// <paramref name="first"/> and <paramref name="second"/> stay pinned until then.
    /// </summary>
    public static unsafe void Run(IParallelJob job, int parts, ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        ArgumentNullException.ThrowIfNull(job);
        fixed (float* a = first, b = second)
        {
            if (parts <= 1 || Solo || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
            {
                for (int part = 0; part < Math.Max(parts, 1); part++)
                {
                    job.RunPart(part, Math.Max(parts, 1), (nint)a, (nint)b);
                }

                return;
            }

            try
            {
                RunLocked(job, parts, (nint)a, (nint)b);
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }
    }

    private static void RunLocked(IParallelJob job, int parts, nint first, nint second)
    {
        Worker[] workers = EnsureWorkers(parts - 1);
        // A job that had to wake a helper says nothing about how busy the machine is: the OS's wake-up takes
        // long enough on some VMs that the caller waits for a part the helper claimed late, and after every
        // spell the helpers sleep, so judging that job would start the next, longer spell (on a 2-core Zen 3
        // VM the pool ran alone most of the time). The next job, with the helper spinning, is judged.
        bool woken = false;
        for (int i = 0; i < parts - 1; i++)
        {
            woken |= workers[i].Start(job, i + 1, parts, first, second);
        }

        bool rewarming = Rewarming(job);

        Exception? error = null;
        long started = Stopwatch.GetTimestamp();
        try
        {
            job.RunPart(0, parts, first, second);
        }
        catch (Exception e)
        {
            error = e;
        }

        // Parts a helper has not started yet, the caller takes back and runs; it waits only for the others.
        // Only those waits tell the spells anything: a part taken back costs what it would cost alone.
        long ownTicks = Stopwatch.GetTimestamp() - started;
        long waitTicks = 0;
        int helped = 0;
        for (int i = 0; i < parts - 1; i++)
        {
            long before = Stopwatch.GetTimestamp();
            if (!workers[i].TakeBackOrWait(out Exception? failure))
            {
                waitTicks += Stopwatch.GetTimestamp() - before;
                helped++;
            }

            error ??= failure;
        }

        long done = Stopwatch.GetTimestamp();
        long spell = woken || rewarming || helped == 0 ? 0 : s_spells.Note(ownTicks, waitTicks, helped);
        if (spell != 0)
        {
            Volatile.Write(ref s_soloUntil, done + spell);
            s_rewarmLeft = RewarmJobs;
            s_firstAfterSpell = null;
        }

        if (error is not null)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary>Whether <paramref name="job"/> runs in the first round of jobs after a spell, with the helpers' data still in the caller's cache.</summary>
    private static bool Rewarming(IParallelJob job)
    {
        if (s_rewarmLeft == 0)
        {
            return false;
        }

        if (ReferenceEquals(job, s_firstAfterSpell) || --s_rewarmLeft == 0)
        {
            s_rewarmLeft = 0;
            s_firstAfterSpell = null; // let go of it
            return false;
        }

        s_firstAfterSpell ??= job;
        return true;
    }

    /// <summary>Forgets the spells so far: no spell runs, and the next job is judged (for tests that start a spell of their own).</summary>
    internal static void ForgetSpells()
    {
        Volatile.Write(ref s_soloUntil, 0);
        s_spells = SoloSpells.ForStopwatch();
        s_rewarmLeft = 0;
        s_firstAfterSpell = null;
    }

    /// <summary>The helpers for <paramref name="count"/> parts besides the caller's; more than one per processor only if MaxThreads asks for them.</summary>
    private static Worker[] EnsureWorkers(int count)
    {
        if (s_workers.Length < count)
        {
            s_workers = CreateWorkers(count, s_workers);
        }

        return s_workers;
    }

    private static Worker[] CreateWorkers(int count, Worker[] existing)
    {
        var workers = new Worker[Math.Max(count, existing.Length)];
        Array.Copy(existing, workers, existing.Length);
        for (int i = existing.Length; i < workers.Length; i++)
        {
            workers[i] = new Worker(i + 1);
        }

        return workers;
    }

    /// <summary>One helper thread and the job it is given. Helpers live as long as the process.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A helper and its event live until the process exits.")]
    private sealed class Worker
    {
        // Idle -> Posted (the caller publishes a part) -> Running (the helper claims it) -> Done -> Idle;
        // or Posted -> Idle when the caller claims it back first. Claims are compare-exchanges, so a part
        // runs exactly once.
        private const int Idle = 0, Posted = 1, Running = 2, Done = 3;

        private readonly ManualResetEventSlim _wake = new(false);
        private IParallelJob? _job;
        private int _part, _parts;
        private nint _first, _second;
        private Exception? _error;
        private int _state;
        private int _sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"NetGen worker {index}" };
            thread.Start();
        }

        /// <summary>Posts a part to the helper; returns whether the helper was asleep and had to be woken.</summary>
        public bool Start(IParallelJob job, int part, int parts, nint first, nint second)
        {
            _job = job;
            _part = part;
            _parts = parts;
            _first = first;
            _second = second;
            _error = null;
            // A full fence between publishing the job and reading _sleeping (the helper does the
            // mirror image), so that one of the two always sees the other and no wake-up is lost.
            Interlocked.Exchange(ref _state, Posted);
            if (Volatile.Read(ref _sleeping) == 1)
            {
                _wake.Set();
                return true;
            }

            return false;
        }

        /// <summary>Whether the helper has gone to sleep after its spin, so that the next job must wake it.</summary>
        public bool IsAsleep => Volatile.Read(ref _sleeping) == 1;

        /// <summary>Whether the helper is spinning, ready to start a job at once; if it sleeps, wakes it to spin and returns false.</summary>
        public bool IsAwake()
        {
            if (Volatile.Read(ref _sleeping) == 0)
            {
                return true;
            }

            _wake.Set();
            return false;
        }

        /// <summary>
        /// Runs the part on the calling thread if the helper has not claimed it yet (and returns true);
        /// otherwise waits for it to finish. <paramref name="error"/> is the part's exception, if any. Spins
        /// (parts end within microseconds of each other), yielding now and then so that a helper sharing this
        /// core with other work gets to finish.
        /// </summary>
        public bool TakeBackOrWait(out Exception? error)
        {
            error = null;
            if (Interlocked.CompareExchange(ref _state, Idle, Posted) == Posted)
            {
                IParallelJob job = _job!;
                _job = null;
                try
                {
                    job.RunPart(_part, _parts, _first, _second);
                }
                catch (Exception e)
                {
                    error = e;
                }

                return true;
            }

            for (int spins = 1; Volatile.Read(ref _state) != Done; spins++)
            {
                if (spins % 1024 == 0)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.SpinWait(1);
                }
            }

            _job = null;
            Volatile.Write(ref _state, Idle);
            error = _error;
            return false;
        }

        private void Loop()
        {
            t_onHelper = true;
            while (true)
            {
                WaitForWork();
                if (Interlocked.CompareExchange(ref _state, Running, Posted) != Posted)
                {
                    continue; // the caller took the part back before this thread got to it
                }

                try
                {
                    _job!.RunPart(_part, _parts, _first, _second);
                }
                catch (Exception e)
                {
                    _error = e;
                }

                Volatile.Write(ref _state, Done);
            }
        }

        private void WaitForWork()
        {
            long spinUntil = Stopwatch.GetTimestamp() + (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
            int polls = 0;
            while (Volatile.Read(ref _state) != Posted)
            {
                // poll the flag often (a PAUSE is dozens of cycles), the clock rarely
                if (++polls % 256 != 0 || Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(1);
                    continue;
                }

                _wake.Reset();
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _state) != Posted)
                {
                    _wake.Wait();
                }

                Interlocked.Exchange(ref _sleeping, 0);
                spinUntil = Stopwatch.GetTimestamp() + (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
            }
        }
    }
}
