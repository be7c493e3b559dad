using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetGen.Internal;

/// <summary>
/// The buffers of one convolution: its outputs (<see cref="LayerWorkspace{TLayer}"/>); the input with its
/// zero padding, when it has any; dE/dz padded for the backward pass's full convolution; the flipped kernel
/// it convolves with; and one sample's dE/dK for an SGD step. The batch buffers grow with the batch.
/// </summary>
/// <typeparam name="TLayer">The layer.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConvolutionWorkspace<TLayer> : LayerWorkspace<TLayer>
    where TLayer : struct, IConvolutionLayer
{
    private readonly AlignedBuffer _padded = new(PaddedSize);
    private readonly AlignedBuffer _paddedDelta = new(PaddedDeltaSize);
    private readonly AlignedBuffer _flipped = new(WeightCount);
    private readonly AlignedBuffer _gradient = new(WeightCount + TLayer.Filters);
    private AlignedBuffer _batchPadded = AlignedBuffer.Empty;
    private AlignedBuffer _batchPaddedDelta = AlignedBuffer.Empty;

    internal static int WeightCount => TLayer.Filters * TLayer.Channels * TLayer.Kernel * TLayer.Kernel;

    /// <summary>Rows of the padded input, Height + 2 Padding.</summary>
    internal static int PaddedHeight => TLayer.Height + (2 * TLayer.Padding);

    internal static int PaddedWidth => TLayer.Width + (2 * TLayer.Padding);

    /// <summary>Whether the input is copied into a padded buffer: only with padding.</summary>
    internal static bool Pads => TLayer.Padding > 0;

    internal static int PaddedSize => Pads ? TLayer.Channels * PaddedHeight * PaddedWidth : 0;

    /// <summary>
    /// Whether dE/dx is computed as a full convolution of dE/dz, padded by Kernel - 1 - Padding on every side,
    /// with the flipped kernel, row by row in vectors: stride 1 (and padding no more than Kernel - 1).
    /// </summary>
    internal static bool ConvolvesBack => TLayer.Stride == 1 && TLayer.Padding <= TLayer.Kernel - 1;

    /// <summary>The padding of dE/dz for the full convolution: Kernel - 1 - Padding.</summary>
    internal static int DeltaPadding => TLayer.Kernel - 1 - TLayer.Padding;

    internal static int PaddedDeltaHeight => TLayer.OutputHeight + (2 * DeltaPadding);

    internal static int PaddedDeltaWidth => TLayer.OutputWidth + (2 * DeltaPadding);

    /// <summary>
    /// The buffer of the backward pass: dE/dz padded for the full convolution, or, on the direct path of
    /// strides above 1, the padded dE/dx it adds into (none without padding: dE/dx itself then).
    /// </summary>
    internal static int PaddedDeltaSize => ConvolvesBack ? TLayer.Filters * PaddedDeltaHeight * PaddedDeltaWidth : PaddedSize;

    private protected override void GrowBatch(int rows)
    {
        _batchPadded = new AlignedBuffer(rows * PaddedSize);
        _batchPaddedDelta = new AlignedBuffer(rows * PaddedDeltaSize);
    }

    internal ref float Padded
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _padded.Start;
    }

    internal ref float PaddedDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _paddedDelta.Start;
    }

    internal ref float Flipped
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _flipped.Start;
    }

    internal ref float Gradient
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _gradient.Start;
    }

    internal ref float BatchPadded
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _batchPadded.Start;
    }

    internal ref float BatchPaddedDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _batchPaddedDelta.Start;
    }

    // The runners of the layer's batch phases, made on each phase's first call.
    internal object? ForwardRunner;
    internal object? InputGradientRunner;
    internal object? WeightGradientRunner;
}

/// <summary>
/// The buffers of one pooling layer: its outputs. (Max pooling's backward pass finds each window's largest
/// input again from the input, which the layer before still holds.)
/// </summary>
/// <typeparam name="TLayer">The layer.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PoolingWorkspace<TLayer> : LayerWorkspace<TLayer>
    where TLayer : struct, IPoolingLayer
{
    // The runners of the layer's batch phases, made on each phase's first call.
    internal object? ForwardRunner;
    internal object? BackwardRunner;
}

/// <summary>
/// The buffers of one dropout layer: its outputs, the masks of training (0, or 1 / (1 - p)) for one sample
/// and for a batch, and the generator they are drawn from.
/// </summary>
/// <typeparam name="TLayer">The layer.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DropoutWorkspace<TLayer> : LayerWorkspace<TLayer>
    where TLayer : struct, IDropoutLayer
{
    private readonly AlignedBuffer _mask = new(TLayer.Units);
    private AlignedBuffer _batchMask = AlignedBuffer.Empty;

    /// <summary>The generator of the masks: seeded by the network's constructor, so that runs repeat.</summary>
    internal global::NetGen.DeterministicRandom Random;

    private protected override void GrowBatch(int rows) => _batchMask = new AlignedBuffer(rows * TLayer.Units);

    internal ref float Mask
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _mask.Start;
    }

    internal ref float BatchMask
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _batchMask.Start;
    }
}
