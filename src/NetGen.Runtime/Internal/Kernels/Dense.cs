using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Internal;

/// <summary>
/// The kernels of one dense layer, z = W x + b and a = act(z), compiled by the JIT for exactly that layer:
/// <typeparamref name="TLayer"/> is a struct of constants written by the generator. Each kernel runs at
/// the widest SIMD width the machine has and the layer allows, and splits a large product between threads
/// by rows or columns of its result, so the result is the same on any number of threads.
/// </summary>
/// <remarks>
/// Called by generated code, which has checked every length: the kernels do not check them again. The
/// parameters (and gradients) are the network's whole arrays; the layer finds W at
/// <see cref="IDenseLayer.WeightOffset"/> and b at <see cref="IDenseLayer.BiasOffset"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The type argument is the layer: generated code names it once per call, and the JIT compiles the kernels for that layer.")]
public static partial class Dense<TLayer>
    where TLayer : struct, IDenseLayer
{
    // The width the kernels run at: the widest the machine has and the layer allows. Constants to the JIT.
    private static bool Use512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TLayer.VectorBits >= 512 && Vector512.IsHardwareAccelerated;
    }

    private static bool Use256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TLayer.VectorBits >= 256 && Vector256.IsHardwareAccelerated;
    }

    private static bool Use128
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TLayer.VectorBits >= 128 && Vector128.IsHardwareAccelerated;
    }

    // The width of the kernels along a row of W (one sample's product, update, backward): no wider than the row.
    private static bool UseRow512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TLayer.RowVectorBits >= 512 && Vector512.IsHardwareAccelerated;
    }

    private static bool UseRow256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TLayer.RowVectorBits >= 256 && Vector256.IsHardwareAccelerated;
    }

    private static bool UseRow128
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TLayer.RowVectorBits >= 128 && Vector128.IsHardwareAccelerated;
    }

    /// <summary>Multiply-adds of one sample's product, which decides how many threads share it.</summary>
    private static long SampleWork
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (long)TLayer.Inputs * TLayer.Units;
    }

    /// <summary>Rows of W a thread's share of a sample starts at a multiple of: the kernels' block of rows.</summary>
    private const int SampleRowAlignment = 4;

    /// <summary>
    /// Rows of W in each block of a shared later layer's SGD step, whose part of dE/dx is summed on its own: a
    /// multiple of <see cref="SampleRowAlignment"/>, so that two threads' blocks meet where their forward rows do
    /// for layers of 128, 256, 512 or 1,024 units.
    /// </summary>
    internal const int InputGradientBlockRows = 64;

    /// <summary>The blocks of <see cref="InputGradientBlockRows"/> rows of W (the last may be shorter).</summary>
    internal static int InputGradientBlocks
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TLayer.Units + InputGradientBlockRows - 1) / InputGradientBlockRows;
    }

    // ---- one sample ------------------------------------------------------------------------------

    /// <summary>
    /// One sample: z = W x + b, then a = act(z), into <paramref name="layer"/>. With <paramref name="share"/>
    /// (inference), a large layer shares its rows with helper threads that are awake.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward(float[] parameters, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, bool share)
    {
        Product(parameters, x, layer, share);
        Activate(layer);
    }

    /// <summary>
    /// The last layer of one sample's inference: z = W x + b into <paramref name="layer"/>, then a = act(z)
    /// straight into <paramref name="output"/>, the caller's span, so that Forward copies nothing after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward(float[] parameters, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, Span<float> output, bool share)
    {
        Product(parameters, x, layer, share);
        Activate(ref layer.Z, ref MemoryMarshal.GetReference(output), 1);
    }

    /// <summary>One sample's z = W x + b, without the activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Product(float[] parameters, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, bool share)
    {
        if (share && TLayer.SharesSample)
        {
            var phase = new SampleProductPhase(parameters, layer);
            PhaseRunner<SampleProductPhase>.In(ref layer.SampleProductRunner).Run(ref phase, WorkerPool.ThreadsForSample(SampleWork), x);
            return;
        }

        ProductRows(ref MemoryMarshal.GetArrayDataReference(parameters), ref MemoryMarshal.GetReference(x), ref layer.Z, 0, TLayer.Units);
    }

    /// <summary>One sample's a = act(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Activate(DenseWorkspace<TLayer> layer)
    {
        if (TLayer.Activation != Activation.Identity || TLayer.KeepsPreActivation)
        {
            Activate(ref layer.Z, ref layer.A, 1);
        }
    }

    /// <summary>
    /// The first layer, backward: dE/dW += dE/dz x^T and dE/db += dE/dz into <paramref name="gradients"/>
    /// (no dE/dx: nothing consumes it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float[] gradients, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer)
    {
        ref float g = ref MemoryMarshal.GetArrayDataReference(gradients);
        ref float gw = ref Unsafe.Add(ref g, TLayer.WeightOffset);
        ref float gb = ref Unsafe.Add(ref g, TLayer.BiasOffset);
        ref float input = ref MemoryMarshal.GetReference(x);
        if (UseRow512)
        {
            DenseSampleKernels<TLayer, Simd512, Vector512<float>>.AccumulateRows(ref input, ref layer.DeltaStart, ref gw, ref gb);
        }
        else if (UseRow256)
        {
            DenseSampleKernels<TLayer, Simd256, Vector256<float>>.AccumulateRows(ref input, ref layer.DeltaStart, ref gw, ref gb);
        }
        else if (UseRow128)
        {
            DenseSampleKernels<TLayer, Simd128, Vector128<float>>.AccumulateRows(ref input, ref layer.DeltaStart, ref gw, ref gb);
        }
        else
        {
            DenseSampleKernels<TLayer, Scalar, float>.AccumulateRows(ref input, ref layer.DeltaStart, ref gw, ref gb);
        }
    }

    /// <summary>
    /// A layer after the first, backward: dE/dW += dE/dz x^T, dE/db += dE/dz, and dE/dx = W^T dE/dz sent back
    /// to <paramref name="previous"/>, which then turns it into its own dE/dz = dE/da * act'(z).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TPrevious>(float[] parameters, float[] gradients, LayerWorkspace<TPrevious> previous, DenseWorkspace<TLayer> layer)
        where TPrevious : struct, ILayer
    {
        ref float p = ref MemoryMarshal.GetArrayDataReference(parameters);
        ref float g = ref MemoryMarshal.GetArrayDataReference(gradients);
        BackwardBiases(ref p, ref layer.DeltaStart, ref Unsafe.Add(ref g, TLayer.BiasOffset), sgd: false, 0f, 1f);
        BackwardColumns(ref p, ref previous.A, ref layer.DeltaStart, ref previous.DeltaStart, ref Unsafe.Add(ref g, TLayer.WeightOffset), sgd: false, 0f, 1f);
        Activations<TPrevious>.Derivative(ref previous.A, ref previous.DeltaStart, 1);
    }

    /// <summary>
    /// The first layer, one SGD step applied inside the backward pass: W -= lr dE/dz x^T, b -= lr dE/dz, each
    /// weight multiplied by <paramref name="decay"/> = 1 - lr wd first when the network has weight decay.
    /// A large layer shares its rows with helper threads that are awake when <paramref name="share"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep(float[] parameters, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, float learningRate, float decay, bool share)
    {
        if (share && TLayer.SharesSample)
        {
            var phase = new SampleSgdPhase(parameters, layer, learningRate, decay);
            PhaseRunner<SampleSgdPhase>.In(ref layer.SampleSgdRunner).Run(ref phase, WorkerPool.ThreadsForSample(SampleWork), x);
            return;
        }

        SgdRows(ref MemoryMarshal.GetArrayDataReference(parameters), ref MemoryMarshal.GetReference(x), ref layer.DeltaStart, learningRate, decay, 0, TLayer.Units);
    }

    /// <summary>
    /// A layer after the first, one SGD step: dE/dx = W^T dE/dz sent back to <paramref name="previous"/> (from W
    /// before the update; then its dE/dz = dE/da * act'(z)), and W -= lr dE/dz x^T, b -= lr dE/dz in the same pass.
    /// </summary>
    /// <remarks>
    /// With <paramref name="share"/>, a large layer splits its rows with helper threads that are awake, as its
    /// forward pass does, so that each core updates the rows it read (rows moved between cores on every sample cost
    /// more than the split saves where the cores have caches of their own). dE/dx then sums over blocks of
    /// <see cref="InputGradientBlockRows"/> rows: each block's part is one chain, and the parts are added in order,
    /// so the result is the same on any number of threads.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep<TPrevious>(float[] parameters, LayerWorkspace<TPrevious> previous, DenseWorkspace<TLayer> layer, float learningRate, float decay, bool share)
        where TPrevious : struct, ILayer
    {
        ref float p = ref MemoryMarshal.GetArrayDataReference(parameters);
        BackwardBiases(ref p, ref layer.DeltaStart, ref Unsafe.NullRef<float>(), sgd: true, learningRate, decay);
        if (share && TLayer.SharesSample)
        {
            _ = ref layer.InputGradientPartials; // made here, on one thread
            var phase = new SampleSgdRowsPhase<TPrevious>(parameters, previous, layer, learningRate, decay);
            PhaseRunner<SampleSgdRowsPhase<TPrevious>>.In(ref layer.SampleSgdRowsRunner).Run(ref phase, WorkerPool.ThreadsForSample(2 * SampleWork), default);
            SumInputGradientBlocks(ref previous.DeltaStart, ref layer.InputGradientPartials);
        }
        else
        {
            BackwardColumns(ref p, ref previous.A, ref layer.DeltaStart, ref previous.DeltaStart, ref Unsafe.NullRef<float>(), sgd: true, learningRate, decay);
        }

        Activations<TPrevious>.Derivative(ref previous.A, ref previous.DeltaStart, 1);
    }

    /// <summary>
    /// Per-sample SGD over a sequence, the first layer: this sample's SGD step and the next sample's z = W x + b
    /// in one pass over W, which halves its memory traffic. <paramref name="samples"/> starts at this sample;
    /// the next one starts <paramref name="nextOffset"/> values on (0 for the last sample, whose z again nothing reads).
    /// Each row gets exactly what <see cref="SgdStep(float[], ReadOnlySpan{float}, DenseWorkspace{TLayer}, float, float, bool)"/>
    /// and then <see cref="Product"/> would compute.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStepThenProduct(float[] parameters, ReadOnlySpan<float> samples, int nextOffset, DenseWorkspace<TLayer> layer, float learningRate, float decay, bool share)
    {
        if (share && TLayer.SharesSample)
        {
            var phase = new SampleSgdThenProductPhase(parameters, layer, learningRate, decay, nextOffset);
            PhaseRunner<SampleSgdThenProductPhase>.In(ref layer.SampleSgdThenProductRunner).Run(ref phase, WorkerPool.ThreadsForSample(2 * SampleWork), samples);
            return;
        }

        ref float x = ref MemoryMarshal.GetReference(samples);
        SgdRowsThenProduct(ref MemoryMarshal.GetArrayDataReference(parameters), ref x, ref Unsafe.Add(ref x, nextOffset), ref layer.DeltaStart, ref layer.Z, learningRate, decay, 0, TLayer.Units);
    }

    // ---- the kernels at the machine's width --------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductRows(ref float p, ref float x, ref float z, int start, int count)
    {
        ref float w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref float b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        if (TLayer.Inputs == 4 && TLayer.RowVectorBits == 128 && FourInputRows.IsSupported && count >= 16)
        {
            // rows of one 128-bit vector, sixteen to four 512-bit registers (not with NetGenScalarKernels: width 0)
            int blocks = count / 16;
            FourInputRows.Product(ref w, ref b, ref x, ref z, start, blocks);
            start += 16 * blocks;
            count -= 16 * blocks;
            if (count == 0)
            {
                return;
            }
        }

        if (UseRow512)
        {
            DenseSampleKernels<TLayer, Simd512, Vector512<float>>.Product(ref w, ref b, ref x, ref z, start, count);
        }
        else if (UseRow256)
        {
            DenseSampleKernels<TLayer, Simd256, Vector256<float>>.Product(ref w, ref b, ref x, ref z, start, count);
        }
        else if (UseRow128)
        {
            DenseSampleKernels<TLayer, Simd128, Vector128<float>>.Product(ref w, ref b, ref x, ref z, start, count);
        }
        else
        {
            DenseSampleKernels<TLayer, Scalar, float>.Product(ref w, ref b, ref x, ref z, start, count);
        }
    }

    /// <summary>a = act(z) over <paramref name="rows"/> rows; z and a may be the same buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Activate(ref float z, ref float a, int rows) => Activations<TLayer>.Activate(ref z, ref a, rows);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SgdRows(ref float p, ref float x, ref float delta, float learningRate, float decay, int start, int count)
    {
        ref float w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref float b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        if (UseRow512)
        {
            DenseSampleKernels<TLayer, Simd512, Vector512<float>>.SgdRows(ref w, ref b, ref x, ref delta, learningRate, decay, start, count);
        }
        else if (UseRow256)
        {
            DenseSampleKernels<TLayer, Simd256, Vector256<float>>.SgdRows(ref w, ref b, ref x, ref delta, learningRate, decay, start, count);
        }
        else if (UseRow128)
        {
            DenseSampleKernels<TLayer, Simd128, Vector128<float>>.SgdRows(ref w, ref b, ref x, ref delta, learningRate, decay, start, count);
        }
        else
        {
            DenseSampleKernels<TLayer, Scalar, float>.SgdRows(ref w, ref b, ref x, ref delta, learningRate, decay, start, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SgdRowsThenProduct(ref float p, ref float x, ref float next, ref float delta, ref float z, float learningRate, float decay, int start, int count)
    {
        ref float w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref float b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        if (UseRow512)
        {
            DenseSampleKernels<TLayer, Simd512, Vector512<float>>.SgdRowsThenProduct(ref w, ref b, ref x, ref delta, learningRate, decay, ref next, ref z, start, count);
        }
        else if (UseRow256)
        {
            DenseSampleKernels<TLayer, Simd256, Vector256<float>>.SgdRowsThenProduct(ref w, ref b, ref x, ref delta, learningRate, decay, ref next, ref z, start, count);
        }
        else if (UseRow128)
        {
            DenseSampleKernels<TLayer, Simd128, Vector128<float>>.SgdRowsThenProduct(ref w, ref b, ref x, ref delta, learningRate, decay, ref next, ref z, start, count);
        }
        else
        {
            DenseSampleKernels<TLayer, Scalar, float>.SgdRowsThenProduct(ref w, ref b, ref x, ref delta, learningRate, decay, ref next, ref z, start, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardBiases(ref float p, ref float delta, ref float gb, bool sgd, float learningRate, float decay)
    {
        ref float b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        if (UseRow512)
        {
            DenseSampleKernels<TLayer, Simd512, Vector512<float>>.BackwardBiases(ref b, ref delta, ref gb, sgd, learningRate, decay);
        }
        else if (UseRow256)
        {
            DenseSampleKernels<TLayer, Simd256, Vector256<float>>.BackwardBiases(ref b, ref delta, ref gb, sgd, learningRate, decay);
        }
        else if (UseRow128)
        {
            DenseSampleKernels<TLayer, Simd128, Vector128<float>>.BackwardBiases(ref b, ref delta, ref gb, sgd, learningRate, decay);
        }
        else
        {
            DenseSampleKernels<TLayer, Scalar, float>.BackwardBiases(ref b, ref delta, ref gb, sgd, learningRate, decay);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardColumns(ref float p, ref float x, ref float delta, ref float dx, ref float gw, bool sgd, float learningRate, float decay)
    {
        ref float w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        if (UseRow512)
        {
            DenseSampleKernels<TLayer, Simd512, Vector512<float>>.BackwardColumns(ref w, ref x, ref delta, ref dx, ref gw, sgd, learningRate, decay);
        }
        else if (UseRow256)
        {
            DenseSampleKernels<TLayer, Simd256, Vector256<float>>.BackwardColumns(ref w, ref x, ref delta, ref dx, ref gw, sgd, learningRate, decay);
        }
        else if (UseRow128)
        {
            DenseSampleKernels<TLayer, Simd128, Vector128<float>>.BackwardColumns(ref w, ref x, ref delta, ref dx, ref gw, sgd, learningRate, decay);
        }
        else
        {
            DenseSampleKernels<TLayer, Scalar, float>.BackwardColumns(ref w, ref x, ref delta, ref dx, ref gw, sgd, learningRate, decay);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SgdRowBlock(ref float p, ref float x, ref float delta, ref float partial, float learningRate, float decay, int firstRow, int endRow)
    {
        ref float w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        if (UseRow512)
        {
            DenseSampleKernels<TLayer, Simd512, Vector512<float>>.SgdRowBlock(ref w, ref x, ref delta, ref partial, learningRate, decay, firstRow, endRow);
        }
        else if (UseRow256)
        {
            DenseSampleKernels<TLayer, Simd256, Vector256<float>>.SgdRowBlock(ref w, ref x, ref delta, ref partial, learningRate, decay, firstRow, endRow);
        }
        else if (UseRow128)
        {
            DenseSampleKernels<TLayer, Simd128, Vector128<float>>.SgdRowBlock(ref w, ref x, ref delta, ref partial, learningRate, decay, firstRow, endRow);
        }
        else
        {
            DenseSampleKernels<TLayer, Scalar, float>.SgdRowBlock(ref w, ref x, ref delta, ref partial, learningRate, decay, firstRow, endRow);
        }
    }

    /// <summary>dE/dx = the first block's part + the second's + ... in order: <paramref name="dx"/> holds the first, <paramref name="partials"/> the others.</summary>
    private static void SumInputGradientBlocks(ref float dx, ref float partials)
    {
        Span<float> sum = MemoryMarshal.CreateSpan(ref dx, TLayer.Inputs);
        for (int block = 1; block < InputGradientBlocks; block++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sum, MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref partials, (nint)(block - 1) * TLayer.Inputs), TLayer.Inputs), sum);
        }
    }

    // ---- the per-sample phases threads share -------------------------------------------------------

    /// <summary>
    /// A later layer's SGD step, each thread its own blocks of rows of W: their part of dE/dx from W before the
    /// update (the first block's into dE/dx, the others' into the layer's partials), then their update, in one pass
    /// (the biases are the caller's, before the phase; the caller adds the parts after it).
    /// </summary>
    private readonly struct SampleSgdRowsPhase<TPrevious>(float[] parameters, LayerWorkspace<TPrevious> previous, DenseWorkspace<TLayer> layer, float learningRate, float decay) : IPhase
        where TPrevious : struct, ILayer
    {
        public void Run(int part, int parts, ref float input)
        {
            (int first, int count) = GeneratedCodeHelpers.Split(InputGradientBlocks, part, parts, 1);
            ref float p = ref MemoryMarshal.GetArrayDataReference(parameters);
            for (int block = first; block < first + count; block++)
            {
                ref float partial = ref block == 0 ? ref previous.DeltaStart : ref Unsafe.Add(ref layer.InputGradientPartials, (nint)(block - 1) * TLayer.Inputs);
                int firstRow = block * InputGradientBlockRows;
                SgdRowBlock(ref p, ref previous.A, ref layer.DeltaStart, ref partial, learningRate, decay, firstRow, Math.Min(firstRow + InputGradientBlockRows, TLayer.Units));
            }
        }
    }

    /// <summary>z = W x + b, each thread its own rows of W, streamed from its own core's cache.</summary>
    private readonly struct SampleProductPhase(float[] parameters, DenseWorkspace<TLayer> layer) : IPhase
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(TLayer.Units, part, parts, SampleRowAlignment);
            ProductRows(ref MemoryMarshal.GetArrayDataReference(parameters), ref input, ref layer.Z, start, count);
        }
    }

    /// <summary>The first layer's SGD step, each thread its own rows of W and b.</summary>
    private readonly struct SampleSgdPhase(float[] parameters, DenseWorkspace<TLayer> layer, float learningRate, float decay) : IPhase
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(TLayer.Units, part, parts, SampleRowAlignment);
            SgdRows(ref MemoryMarshal.GetArrayDataReference(parameters), ref input, ref layer.DeltaStart, learningRate, decay, start, count);
        }
    }

    /// <summary>The fused SGD step and next product, each thread its own rows, which then stay in its cache from sample to sample.</summary>
    private readonly struct SampleSgdThenProductPhase(float[] parameters, DenseWorkspace<TLayer> layer, float learningRate, float decay, int nextOffset) : IPhase
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(TLayer.Units, part, parts, SampleRowAlignment);
            SgdRowsThenProduct(ref MemoryMarshal.GetArrayDataReference(parameters), ref input, ref Unsafe.Add(ref input, nextOffset), ref layer.DeltaStart, ref layer.Z, learningRate, decay, start, count);
        }
    }
}
