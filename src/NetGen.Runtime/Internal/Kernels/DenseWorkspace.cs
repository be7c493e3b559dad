using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetGen.Internal;

/// <summary>
/// The buffers one dense layer of a network works in: for one sample, its activations a (and z, where the
/// loss needs it) and dE/dz; for a batch, the same for every sample, [rows, units], and W packed as its
/// transpose for the forward product. All pinned, so that helper threads can work in them. Allocated once;
/// the batch buffers again only for a batch larger than any before.
/// </summary>
/// <typeparam name="TLayer">The layer.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DenseWorkspace<TLayer>
    where TLayer : struct, IDenseLayer
{
    private readonly AlignedBuffer _a = new(TLayer.Units);
    private readonly AlignedBuffer _z = TLayer.KeepsPreActivation ? new(TLayer.Units) : AlignedBuffer.Empty;
    private readonly AlignedBuffer _delta = new(TLayer.Units);
    private AlignedBuffer _packed = AlignedBuffer.Empty;
    private AlignedBuffer _weightRows = AlignedBuffer.Empty;
    private AlignedBuffer _batchA = AlignedBuffer.Empty;
    private AlignedBuffer _batchZ = AlignedBuffer.Empty;
    private AlignedBuffer _batchDelta = AlignedBuffer.Empty;

    /// <summary>Samples the batch buffers hold.</summary>
    public int BatchCapacity { get; private set; }

    /// <summary>One sample's activations a = act(z): the layer's output.</summary>
    public ReadOnlySpan<float> Output => _a.Span;

    /// <summary>One sample's dE/dz.</summary>
    public Span<float> Delta => _delta.Span;

    /// <summary>The activations of the first <paramref name="rows"/> samples of the batch, row after row.</summary>
    public ReadOnlySpan<float> BatchOutput(int rows) => _batchA.Span.Slice(0, rows * TLayer.Units);

    /// <summary>Grows the batch buffers to <paramref name="rows"/> samples if they are smaller.</summary>
    public void EnsureBatchCapacity(int rows)
    {
        if (rows <= BatchCapacity)
        {
            return;
        }

        if (_packed.Length == 0)
        {
            _packed = new AlignedBuffer(TLayer.Inputs * PackedUnits);
        }

        _batchA = new AlignedBuffer(rows * TLayer.Units);
        _batchDelta = new AlignedBuffer(rows * TLayer.Units);
        if (TLayer.KeepsPreActivation)
        {
            _batchZ = new AlignedBuffer(rows * TLayer.Units);
        }

        BatchCapacity = rows;
    }

    // For the kernels: the buffers' first elements.
    internal ref float A
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _a.Start;
    }

    /// <summary>Where the forward product writes z: beside a when the loss needs it, else a itself (the activation then works in place).</summary>
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

    /// <summary>The units of packed W^T: whole panels of <see cref="Kernels.Gemm.Panel"/>, the last one padded.</summary>
    internal static int PackedUnits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TLayer.Units + Kernels.Gemm.Panel - 1) / Kernels.Gemm.Panel * Kernels.Gemm.Panel;
    }

    /// <summary>
    /// Whether the batch backward product reads W from a copy with padded rows: when W's rows are an even
    /// number of whole cache lines (256 or 1,024 inputs), a tile's slice of W would fall in a few L1 sets.
    /// Only for layers large enough that the copy costs little beside the product.
    /// </summary>
    internal static bool PadsWeightRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TLayer.Inputs % Kernels.Gemm.Panel == 0 && (TLayer.Inputs / Kernels.Gemm.Panel) % 2 == 0 && (long)TLayer.Inputs * TLayer.Units >= 1 << 16;
    }

    /// <summary>Floats from one row of W to the next in the padded copy: one cache line more than W's.</summary>
    internal static int WeightRowStride
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => PadsWeightRows ? TLayer.Inputs + Kernels.Gemm.Panel : TLayer.Inputs;
    }

    /// <summary>The padded copy of W, made on the first batch backward pass (a network that only predicts never needs it).</summary>
    internal ref float WeightRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_weightRows.Length == 0)
            {
                _weightRows = new AlignedBuffer(TLayer.Units * WeightRowStride);
            }

            return ref _weightRows.Start;
        }
    }

    internal ref float Packed
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _packed.Start;
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

    // The runners of the layer's phases (PhaseRunner<TPhase>), made on each phase's first call.
    internal object? SampleProductRunner;
    internal object? SampleSgdRunner;
    internal object? SampleSgdThenProductRunner;
    internal object? ForwardBatchRunner;
    internal object? ActivateBatchRunner;
    internal object? InputGradientRunner;
    internal object? WeightsRunner;
    internal object? GradientRunner;

    /// <summary>An address that stays valid while the buffer lives: every buffer here is pinned.</summary>
    internal static unsafe nint Address(ref float start) => (nint)Unsafe.AsPointer(ref start);
}
