using System;
using NetGen.Internal;

namespace NetGen;

/// <summary>
/// How generated networks use the machine's cores. A large matrix product (a batch, or one sample of a
/// large layer) is split between the calling thread and helper threads, one per extra core, by rows or
/// columns of its result, so the result is the same, bit for bit, on any number of threads.
/// </summary>
/// <remarks>
/// Settings are process-wide and may be changed at any time; they take effect from the next product.
/// </remarks>
public static class Parallelism
{
    /// <summary>
    /// How many threads a product may use, the calling thread included: by default one per processor.
    /// Set 1 to keep every network on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => WorkerPool.MaxThreads;
        set => WorkerPool.MaxThreads = value;
    }

    /// <summary>
    /// Multiply-adds a batch product must give each thread before it is split: by default 1M (a 784-128
    /// layer on 11 samples). Where two logical processors share one core's caches, a higher value (8M) loses less.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static long MinWorkPerThread
    {
        get => WorkerPool.MinWorkPerThread;
        set => WorkerPool.MinWorkPerThread = value;
    }

    /// <summary>
    /// Multiply-adds one sample's product must give each thread before it is split: by default 32K (a
    /// 784-128 layer uses two threads). Such a product is bound by the bandwidth of the cache holding the
    /// weights, and each core streams its share from its own cache, so splitting pays early; it only ever
    /// uses helper threads that are awake.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static long MinSampleWorkPerThread
    {
        get => WorkerPool.MinSampleWorkPerThread;
        set => WorkerPool.MinSampleWorkPerThread = value;
    }

    /// <summary>
    /// Whether each kind of call of a network (Forward, Predict, TrainBatch, TrainSequential, by size of batch)
    /// chooses, from its own timings, between sharing its products with helper threads and running on the calling
    /// thread alone: on by default. Its calls share at first; now and then they try the other way until its calls
    /// stop getting faster, and keep whichever was faster by 5%, so that where a second core costs more than it
    /// gives (cores far apart, a busy machine) a network is not slower on two threads than on one. The results are
    /// the same, bit for bit, either way. Off, calls share whenever <see cref="MinWorkPerThread"/> and
    /// <see cref="MinSampleWorkPerThread"/> say.
    /// </summary>
    public static bool ChooseByTiming
    {
        get => WorkerPool.ChooseByTiming;
        set => WorkerPool.ChooseByTiming = value;
    }

    /// <summary>How long a helper thread keeps spinning for the next product before it sleeps: by default 1 ms.</summary>
    public static TimeSpan SpinTime
    {
        get => WorkerPool.SpinTime;
        set => WorkerPool.SpinTime = value;
    }
}
