using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Numerics;

namespace NetGen.Internal;

/// <summary>The kinds of call of a generated network, each with choices of its own in <see cref="ThreadChoices"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum CallKind
{
    /// <summary><c>Forward</c> and <c>Classify</c>: one sample for inference.</summary>
    Forward,

    /// <summary><c>Predict</c>.</summary>
    Predict,

    /// <summary><c>TrainBatch</c>.</summary>
    TrainBatch,

    /// <summary><c>TrainSequential</c>.</summary>
    TrainSequential,
}

/// <summary>
/// One network's choices between sharing its work with helper threads and running alone: one
/// <see cref="ThreadChoice"/> for each kind of call and size of batch (by powers of two), since a batch of 1,024
/// may gain from a second core what one sample loses. Generated code enters a scope around each call that may
/// share; inside it, <see cref="WorkerPool"/> gives every product of the calling thread one thread when the choice
/// is to run alone. Allocates once, with the network.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ThreadChoices
{
    // batches of 1, 2-3, 4-7, ... up to 2^(Sizes-1) and more
    private const int Sizes = 16;

    private readonly ThreadChoice[] _choices;

    /// <summary>Choices for every kind of call and size, each sharing at first.</summary>
    public ThreadChoices()
        : this(ThreadChoice.ForStopwatch())
    {
    }

    /// <summary>Choices that each start as <paramref name="first"/> (for tests, with windows of their own).</summary>
    internal ThreadChoices(ThreadChoice first)
    {
        _choices = new ThreadChoice[(((int)CallKind.TrainSequential) + 1) * Sizes];
        Array.Fill(_choices, first);
    }

    /// <summary>
    /// Enters a call of <paramref name="kind"/> on <paramref name="samples"/> samples: until the scope is disposed,
    /// the calling thread's products share or run alone as the choice for that kind and size says, and the call is
    /// timed for it. With one thread allowed (<see cref="Parallelism.MaxThreads"/>), inside another call that chose, or
    /// with <see cref="Parallelism.ChooseByTiming"/> off, there is nothing to choose.
    /// </summary>
    public ThreadScope Enter(CallKind kind, int samples)
    {
        if (WorkerPool.MaxThreads <= 1 || !WorkerPool.ChooseByTiming)
        {
            return default; // one thread, or choices turned off: nothing to choose
        }

        int index = Index(kind, samples);
        return WorkerPool.EnterCall(_choices[index].Alone) ? new ThreadScope(this, index, samples) : default;
    }

    /// <summary>The choice for <paramref name="kind"/> and <paramref name="samples"/> (for tests).</summary>
    internal ThreadChoice For(CallKind kind, int samples) => _choices[Index(kind, samples)];

    /// <summary>Notes a call as if it had been timed (for tests).</summary>
    internal void Note(CallKind kind, long ticks, int samples) => Note(Index(kind, samples), ticks, samples);

    internal void Note(int index, long ticks, int samples) => _choices[index].Note(ticks, samples);

    private static int Index(CallKind kind, int samples) =>
        ((int)kind * Sizes) + Math.Min(BitOperations.Log2((uint)Math.Max(samples, 1)), Sizes - 1);
}

/// <summary>
/// A call timed for its <see cref="ThreadChoices"/>, run alone or shared as they chose; dispose it when the call ends.
/// The call is timed from its first product large enough to split (before it, and in a call with none, there is
/// nothing to choose, and no clock is read), and only such calls are noted.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct ThreadScope
{
    private readonly ThreadChoices? _choices;
    private readonly int _index, _samples;

    internal ThreadScope(ThreadChoices choices, int index, int samples)
    {
        _choices = choices;
        _index = index;
        _samples = samples;
    }

    /// <summary>Ends the call: notes its time, if any of its products could split, and lets the calling thread's products share again.</summary>
    public void Dispose()
    {
        if (_choices is null)
        {
            return;
        }

        long since = WorkerPool.ExitCall();
        if (since != 0)
        {
            _choices.Note(_index, Stopwatch.GetTimestamp() - since, _samples);
        }
    }
}
