using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetGen.Internal;

/// <summary>
/// The output buffers every kind of layer has: for one sample, its activations a (and z, where the loss
/// needs it) and dE/dz; for a batch, the same for every sample, [rows, units]. The layer after it reads
/// its input from here and writes dE/da back here, whatever either layer's kind. All pinned, so that
/// helper threads can work in them. Allocated once; the batch buffers again only for a batch larger than
/// any before.
/// </summary>
/// <typeparam name="TLayer">The layer.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class LayerWorkspace<TLayer>
    where TLayer : struct, ILayer
{
    private readonly AlignedBuffer _a = new(TLayer.Units);
    private readonly AlignedBuffer _z = TLayer.KeepsPreActivation ? new(TLayer.Units) : AlignedBuffer.Empty;
    private readonly AlignedBuffer _delta = new(TLayer.Units);
    private AlignedBuffer _batchA = AlignedBuffer.Empty;
    private AlignedBuffer _batchZ = AlignedBuffer.Empty;
    private AlignedBuffer _batchDelta = AlignedBuffer.Empty;

    /// <summary>Samples the batch buffers hold.</summary>
    public int BatchCapacity { get; private set; }

    /// <summary>One sample's activations a = act(z): the layer's output.</summary>
    public ReadOnlySpan<float> Output => _a.Span;

    /// <summary>The same buffer, for the last layer of a pass that writes its output where <see cref="Output"/> reads it.</summary>
    public Span<float> OutputBuffer => _a.Span;

    /// <summary>One sample's dE/dz.</summary>
    public Span<float> Delta => _delta.Span;

    /// <summary>The activations of the first <paramref name="rows"/> samples of the batch, row after row.</summary>
    public ReadOnlySpan<float> BatchOutput(int rows) => _batchA.Span.Slice(0, rows * TLayer.Units);

    /// <summary>The activations of <paramref name="rows"/> samples of the batch from row <paramref name="first"/> on.</summary>
    public ReadOnlySpan<float> BatchOutput(int first, int rows) => _batchA.Span.Slice(first * TLayer.Units, rows * TLayer.Units);

    /// <summary>Grows the batch buffers to <paramref name="rows"/> samples if they are smaller.</summary>
    public void EnsureBatchCapacity(int rows)
    {
        if (rows <= BatchCapacity)
        {
            return;
        }

        _batchA = new AlignedBuffer(rows * TLayer.Units);
        _batchDelta = new AlignedBuffer(rows * TLayer.Units);
        if (TLayer.KeepsPreActivation)
        {
            _batchZ = new AlignedBuffer(rows * TLayer.Units);
        }

        GrowBatch(rows);
        BatchCapacity = rows;
    }

    /// <summary>Grows the buffers of a kind of layer to <paramref name="rows"/> samples, beside the outputs'.</summary>
    private protected virtual void GrowBatch(int rows)
    {
    }

    // For the kernels: the buffers' first elements.
    internal ref float A
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _a.Start;
    }

    /// <summary>Where the forward pass writes z: beside a when the loss needs it, else a itself (the activation then works in place).</summary>
    internal ref float Z
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref TLayer.KeepsPreActivation ? ref _z.Start : ref _a.Start;
    }

    internal ref float DeltaStart
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _delta.Start;
    }

    internal ref float BatchA
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _batchA.Start;
    }

    internal ref float BatchZ
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref TLayer.KeepsPreActivation ? ref _batchZ.Start : ref _batchA.Start;
    }

    internal ref float BatchDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _batchDelta.Start;
    }

    /// <summary>An address that stays valid while the buffer lives: every buffer here is pinned.</summary>
    internal static unsafe nint Address(ref float start) => (nint)Unsafe.AsPointer(ref start);
}
