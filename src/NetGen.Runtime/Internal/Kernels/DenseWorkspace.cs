using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetGen.Internal;

/// <summary>
/// The buffers one dense layer of a network works in: its outputs (<see cref="LayerWorkspace{TLayer}"/>),
/// and W packed as its transpose for the batch forward product, made with the first batch buffers.
/// </summary>
/// <typeparam name="TLayer">The layer.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DenseWorkspace<TLayer> : LayerWorkspace<TLayer>
    where TLayer : struct, IDenseLayer
{
    private AlignedBuffer _packed = AlignedBuffer.Empty;
    private AlignedBuffer _weightRows = AlignedBuffer.Empty;
    private AlignedBuffer _packedInputs = AlignedBuffer.Empty;
    private AlignedBuffer _deltaRows = AlignedBuffer.Empty;
    private AlignedBuffer _deltaTransposed = AlignedBuffer.Empty;
    private AlignedBuffer _inputGradientPartials = AlignedBuffer.Empty;

    private protected override void GrowBatch(int rows)
    {
        if (_packed.Length == 0)
        {
            _packed = new AlignedBuffer(TLayer.Inputs * PackedUnits);
        }

        if (PacksInputs)
        {
            _packedInputs = new AlignedBuffer(rows * PackedInputs);
        }

        if (PadsDeltaRows)
        {
            _deltaRows = new AlignedBuffer(rows * DeltaRowStride);
        }

        if (TransposesDelta)
        {
            _deltaTransposed = new AlignedBuffer(rows * TLayer.Units);
        }
    }

    /// <summary>
    /// Whether the weight-gradient product dE/dZ^T X reads dE/dZ from a transposed copy, [units, samples]: its A is
    /// dE/dZ^T, and read from dE/dZ as it is each step of a tile takes its values from another sample's row, so that
    /// the tile's slice is a line from every row where the copy gives it six sequential streams. Where the register
    /// tile is one cache line wide (AVX2): on a Zen 3 core the product of 1,020 x 256 by 256 x 1,024 ran at
    /// 68-85 GFLOP/s from rows of A against 62-74 reading down padded rows of its transpose (best of 30 rounds,
    /// <c>netgen-measure gemm --a-transposed-stride</c>, faster in 8 of 9 pairs).
    /// Only for layers large enough that the copy costs little beside the product.
    /// </summary>
    internal static bool TransposesDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => NarrowTile && IsLarge;
    }

    /// <summary>The batch's dE/dZ transposed, [units, samples], for the weight-gradient product.</summary>
    internal ref float DeltaTransposed
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _deltaTransposed.Start;
    }

    /// <summary>
    /// Whether the weight-gradient product reads dE/dZ from a copy with padded rows: it reads a few values of
    /// every row of dE/dZ at each step, and rows of 256 or 1,024 units (an even number of whole cache lines)
    /// apart would fall in a few L1 sets. Only for layers large enough that the copy costs little beside the product.
    /// </summary>
    internal static bool PadsDeltaRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !TransposesDelta && PadsRowsOf(TLayer.Units);
    }

    /// <summary>Floats from one row of dE/dZ to the next in the padded copy: one cache line more than the layer's units.</summary>
    internal static int DeltaRowStride
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => PaddedStride(TLayer.Units);
    }

    /// <summary>The padded copy of the batch's dE/dZ, for the weight-gradient product.</summary>
    internal ref float DeltaRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _deltaRows.Start;
    }

    /// <summary>The inputs of packed X: whole panels of <see cref="Kernels.Gemm.Panel"/>, the last one padded.</summary>
    internal static int PackedInputs
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => WholePanels(TLayer.Inputs);
    }

    /// <summary>
    /// Whether the weight-gradient product dE/dZ^T X reads the batch's inputs X packed in panels: a tile's
    /// slice of X is then one sequential stream instead of a cache line from each of the batch's rows (which,
    /// rows of 256 or 1,024 inputs apart, fall in a few L1 sets). Only for layers large enough that the copy
    /// of X costs little beside the product.
    /// </summary>
    internal static bool PacksInputs
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsLarge;
    }

    /// <summary>The batch's inputs packed in panels, for the weight-gradient product.</summary>
    internal ref float PackedInputRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _packedInputs.Start;
    }

    /// <summary>The units of packed W^T: whole panels of <see cref="Kernels.Gemm.Panel"/>, the last one padded.</summary>
    internal static int PackedUnits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => WholePanels(TLayer.Units);
    }

    /// <summary>
    /// Whether the batch backward product dE/dZ W reads W packed in panels of <see cref="Kernels.Gemm.Panel"/>
    /// inputs, each one sequential stream: where the product's register tile is one cache line wide (16 floats,
    /// two 256-bit vectors), each step of a tile reads one line from another row of W, 4 KB or so apart, and the
    /// tile's slice of W is then hundreds of scattered lines. On a Zen 3 core (AVX2) the product of 256 x 1,024
    /// by 1,024 x 1,024 ran at 65-70 GFLOP/s from panels against 56-59 from padded rows (best of 30 rounds,
    /// <c>netgen-measure gemm</c>). A 512-bit tile reads four lines of a row at each step, and there panels were
    /// no faster than padded rows (5-11% slower on Zen 5). Only for layers large enough that the copy costs
    /// little beside the product.
    /// </summary>
    internal static bool PacksWeightPanels
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => NarrowTile && IsLarge;
    }

    /// <summary>
    /// Whether the batch backward product reads W from a copy with padded rows, where it does not read panels:
    /// when W's rows are an even number of whole cache lines (256 or 1,024 inputs), a tile's slice of W would
    /// fall in a few L1 sets. Only for layers large enough that the copy costs little beside the product.
    /// </summary>
    internal static bool PadsWeightRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !PacksWeightPanels && PadsRowsOf(TLayer.Inputs);
    }

    /// <summary>Floats from one row of W to the next in the padded copy: one cache line more than W's.</summary>
    internal static int WeightRowStride
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => PaddedStride(TLayer.Inputs);
    }

    /// <summary>
    /// The copy of W the batch backward product reads: in panels (<see cref="PacksWeightPanels"/>) or with padded
    /// rows (<see cref="PadsWeightRows"/>); made on the first batch backward pass (a network that only predicts
    /// never needs it).
    /// </summary>
    internal ref float WeightRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_weightRows.Length == 0)
            {
                _weightRows = new AlignedBuffer(TLayer.Units * (PacksWeightPanels ? WholePanels(TLayer.Inputs) : WeightRowStride));
            }

            return ref _weightRows.Start;
        }
    }

    /// <summary>
    /// Whether rows of <paramref name="width"/> floats are copied with padding before a product reads down their
    /// columns: rows an even number of whole cache lines long (256 or 1,024 floats) would put a tile's slice in a
    /// few L1 sets. Only for layers large enough that the copy costs little beside the product.
    /// </summary>
    private static bool PadsRowsOf(int width) =>
        width % Kernels.Gemm.Panel == 0 && (width / Kernels.Gemm.Panel) % 2 == 0 && IsLarge;

    /// <summary>
    /// Whether the batch products' register tile is one cache line wide or less (16 floats: two 256-bit vectors),
    /// not four lines of 512-bit vectors: then each step of a tile reads one line of each operand, and an operand
    /// read across rows scatters its slice over hundreds of lines.
    /// </summary>
    private static bool NarrowTile => !(TLayer.VectorBits >= 512 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);

    /// <summary>Whether the layer is large enough (64K weights) that copying an operand costs little beside a batch product.</summary>
    private static bool IsLarge => (long)TLayer.Inputs * TLayer.Units >= 1 << 16;

    /// <summary>Floats from one padded row to the next: one cache line more than the row, where rows of that width are padded.</summary>
    private static int PaddedStride(int width) => PadsRowsOf(width) ? width + Kernels.Gemm.Panel : width;

    /// <summary><paramref name="width"/> rounded up to whole panels of <see cref="Kernels.Gemm.Panel"/>.</summary>
    private static int WholePanels(int width) => (width + Kernels.Gemm.Panel - 1) / Kernels.Gemm.Panel * Kernels.Gemm.Panel;

    /// <summary>
    /// The parts of dE/dx from every block of rows of W but the first (which goes straight to dE/dx), in a shared
    /// SGD step of one sample (<see cref="Dense{TLayer}.InputGradientBlockRows"/>); made on the first such step.
    /// </summary>
    internal ref float InputGradientPartials
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_inputGradientPartials.Length == 0)
            {
                _inputGradientPartials = new AlignedBuffer(Math.Max(1, Dense<TLayer>.InputGradientBlocks - 1) * TLayer.Inputs);
            }

            return ref _inputGradientPartials.Start;
        }
    }

    internal ref float Packed
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _packed.Start;
    }

    // The runners of the layer's phases (PhaseRunner<TPhase>), made on each phase's first call.
    internal object? SampleProductRunner;
    internal object? SampleSgdRunner;
    internal object? SampleSgdThenProductRunner;
    internal object? SampleSgdRowsRunner;
    internal object? ForwardBatchRunner;
    internal object? ActivateBatchRunner;
    internal object? InputGradientRunner;
    internal object? PackWeightPanelsRunner;
    internal object? WeightsRunner;
    internal object? GradientRunner;

}
