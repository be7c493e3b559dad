using System;
using System.ComponentModel;
using System.Threading;

namespace NetGen.Internal;

/// <summary>
/// A batch whose samples the threads split: each thread runs its own samples through every layer, in its own rows
/// of the batch buffers, a slice of them at a time. Against splitting each layer's product between the threads, no
/// thread waits for another between layers, the small layers and the softmax run in parallel too, and each thread
/// reads only its own inputs (784-128-10's Predict of 1,024 on two cores of a Zen 5: 1.9x one thread, against 1.7x).
/// </summary>
/// <remarks>
/// A sample's outputs do not depend on which thread ran it or beside which others: the products compute each row of
/// their result on its own. Threads claim slices of 64 samples as they go, so that a core that is slower, or busy with
/// other work, takes fewer. The generated network makes one per network (or per calling thread, for a predictor) on
/// its first batch, so that no call after the first allocates.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SampleSplit<TState> : IParallelJob
{
    private readonly RowsForward<TState> _forward;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private TState _state = default!;
    private int _count;
    private int _bufferRows;
    private int _claimed; // samples handed out so far

    // Samples a thread claims at a time: small enough that a descheduled helper holds up little, and each slice's
    // products still run whole cache blocks of rows (Gemm.RowBlock, 60).
    private const int MaxSlice = 64;

    /// <summary>Creates the split of a network whose samples have <paramref name="inputSize"/> inputs and <paramref name="outputSize"/> outputs.</summary>
    /// <param name="forward">Runs samples through every layer, on the calling thread, in the given rows of the batch buffers: a static lambda, given what it works on as its state.</param>
    /// <param name="inputSize">Values of one sample's input.</param>
    /// <param name="outputSize">Values of one sample's output.</param>
    public SampleSplit(RowsForward<TState> forward, int inputSize, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(forward);
        _forward = forward;
        _inputSize = inputSize;
        _outputSize = outputSize;
    }

    /// <summary>
    /// Runs <paramref name="inputs"/> through every layer into <paramref name="outputs"/>, split between
    /// <paramref name="threads"/> threads (the caller's included), each with its share of the <paramref name="bufferRows"/>
    /// rows the batch buffers hold. <paramref name="state"/> is what the layers work on: the network, and its buffers where they are not its own.
    /// </summary>
    public void Run(TState state, ReadOnlySpan<float> inputs, Span<float> outputs, int bufferRows, int threads)
    {
        int count = inputs.Length / _inputSize;
        int parts = Math.Max(1, Math.Min(threads, Math.Min(count, bufferRows)));
        _state = state;
        _count = count;
        _bufferRows = bufferRows;
        _claimed = 0;
        try
        {
            WorkerPool.Run(this, parts, inputs, outputs);
        }
        finally
        {
            _state = default!; // let go of the network
        }
    }

    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/>: slices of the samples, each claimed when the last is done, in the
    /// part's own rows of the buffers. A helper the OS deschedules holds up at most the slice it is running; the others
    /// go to whoever is running (on a 2-core Zen 5 VM with one core kept busy, fixed halves made 784-128-10's Predict of
    /// 1,024 on two threads 4-8% slower than on one, in mean time). A thread alone takes as many as the buffers hold.
    /// </summary>
    unsafe void IParallelJob.RunPart(int part, int parts, nint first, nint second)
    {
        int bufferRows = _bufferRows / parts; // at least 1: there are no more parts than rows
        int slice = parts == 1 ? bufferRows : Math.Min(bufferRows, MaxSlice);
        int bufferRow = part * bufferRows;
        bool packed = false;
        for (int start = Interlocked.Add(ref _claimed, slice) - slice; start < _count; start = Interlocked.Add(ref _claimed, slice) - slice)
        {
            int rows = Math.Min(slice, _count - start);
            var inputs = new ReadOnlySpan<float>((float*)first + ((nint)start * _inputSize), rows * _inputSize);
            var outputs = new Span<float>((float*)second + ((nint)start * _outputSize), rows * _outputSize);
            _forward(_state, inputs, outputs, bufferRow, rows, weightsPacked: packed);
            packed = true;
        }
    }
}

/// <summary>Runs the samples of <paramref name="inputs"/> through every layer into <paramref name="outputs"/>, in the batch buffers' rows from <paramref name="bufferRow"/> on.</summary>
/// <typeparam name="TState">What the layers work on: the network, and its buffers where they are not its own.</typeparam>
/// <param name="state">The network, and its buffers where they are not its own.</param>
/// <param name="inputs">The samples, row after row.</param>
/// <param name="outputs">Their outputs, row after row.</param>
/// <param name="bufferRow">The first row of the batch buffers the samples go through.</param>
/// <param name="rows">How many samples.</param>
/// <param name="weightsPacked">Whether the calling thread packed the weights for an earlier slice of the same call, so that its copy can be reused.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void RowsForward<in TState>(TState state, ReadOnlySpan<float> inputs, Span<float> outputs, int bufferRow, int rows, bool weightsPacked);
