using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Internal;

public static partial class Dense<TLayer>
{
    // W packed by a helper thread of the pool for the batches whose samples the threads split (ForwardRows): each
    // helper its own copy, kept while the thread lives; the calling thread packs into the layer's own.
    [ThreadStatic]
    private static AlignedBuffer? t_packed;

    // X packed by a helper thread of the pool for its share of a shared weight-gradient product, for the same
    // reason: its own copy, as large as the largest batch buffers it has served, kept while the thread lives.
    [ThreadStatic]
    private static AlignedBuffer? t_packedInputs;

    /// <summary>Multiply-adds of a batch product of <paramref name="rows"/> samples, which decides how many threads share it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long BatchWork(int rows) => (long)rows * TLayer.Inputs * TLayer.Units;

    /// <summary>Rows of the batch a thread's share starts at a multiple of: the widest register tile's rows.</summary>
    private static int BatchRowAlignment => Gemm.Tile(16).Rows;

    // ---- a batch ----------------------------------------------------------------------------------

    /// <summary>
    /// <paramref name="rows"/> samples: Z = X W^T + b as one matrix product, X [rows, inputs] row after row,
    /// then A = act(Z) (in the product's epilogue where the layer fuses it). W is first packed as its
    /// transpose, so the product reads it row by row; each thread packs the units it then computes. With
    /// <paramref name="weightsPacked"/>, the layer's packed copy is already that of W (an earlier chunk of one
    /// Predict call packed it, and nothing can have changed W since), and the product reads it as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch(float[] parameters, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, int rows, bool weightsPacked)
    {
        var forward = new ForwardBatchPhase(parameters, layer, rows, weightsPacked);
        PhaseRunner<ForwardBatchPhase>.In(ref layer.ForwardBatchRunner).Run(ref forward, WorkerPool.ThreadsFor(BatchWork(rows)), x);
        if (!TLayer.FusesActivation && (TLayer.Activation != Activation.Identity || TLayer.KeepsPreActivation))
        {
            var activate = new ActivateBatchPhase(layer, rows);
            PhaseRunner<ActivateBatchPhase>.In(ref layer.ActivateBatchRunner).Run(ref activate, WorkerPool.ThreadsFor(64L * rows * TLayer.Units), default);
        }
    }

    /// <summary>
    /// Z = X W^T + b, then A = act(Z), for the <paramref name="rows"/> samples of <paramref name="x"/> on the calling
    /// thread alone, into the batch buffers' rows from <paramref name="bufferRow"/> on: one thread's share of a batch whose
    /// samples the threads split, each running its own through every layer. Each thread packs W into a copy of its own
    /// (<paramref name="weightsPacked"/>: as it did for an earlier slice of the same call), the caller into the layer's,
    /// so that no thread reads lines another core wrote: on a 2-core Zen 5 VM, a helper reading the caller's packed copy
    /// of 784-128-10's W1 took twice as long as from its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardRows(float[] parameters, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, int bufferRow, int rows, bool weightsPacked)
    {
        // the calling thread packs into the layer's own copy, a helper of the pool into one it keeps for this layer
        ref float packed = ref WorkerPool.OnHelperThread ? ref KeptByHelper(ref t_packed, TLayer.Inputs * DenseWorkspace<TLayer>.PackedUnits).Start : ref layer.Packed;
        nint offset = (nint)bufferRow * TLayer.Units;
        ForwardProduct(parameters, ref MemoryMarshal.GetReference(x), layer, ref packed, offset, rows, 0, TLayer.Units, weightsPacked);
        if (!TLayer.FusesActivation && (TLayer.Activation != Activation.Identity || TLayer.KeepsPreActivation))
        {
            Activate(ref Unsafe.Add(ref layer.BatchZ, offset), ref Unsafe.Add(ref layer.BatchA, offset), rows);
        }
    }

    /// <summary>
    /// Z = X W^T + b (and A = act(Z) where the product fuses it) for units [<paramref name="start"/>, <paramref name="start"/> +
    /// <paramref name="count"/>) of <paramref name="rows"/> samples, into the batch buffers from <paramref name="offset"/> floats
    /// on (the start of a row): W's panels of those units packed into <paramref name="packed"/> first, unless <paramref name="weightsPacked"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardProduct(float[] parameters, ref float x, DenseWorkspace<TLayer> layer, ref float packed, nint offset, int rows, int start, int count, bool weightsPacked)
    {
        ref float p = ref MemoryMarshal.GetArrayDataReference(parameters);
        if (!weightsPacked)
        {
            PanelPacking.Pack(ref Unsafe.Add(ref p, TLayer.WeightOffset), TLayer.Inputs, ref packed, start, count);
        }

        var product = new Product
        {
            A = ref x,
            ARow = TLayer.Inputs,
            AStep = 1,
            B = ref packed,
            BPanels = true,
            C = ref Unsafe.Add(ref layer.BatchZ, offset),
            CRow = TLayer.Units,
            Bias = ref Unsafe.Add(ref p, TLayer.BiasOffset),
            Rows = rows,
            Columns = TLayer.Units,
            ColumnStart = start,
            ColumnEnd = start + count,
            Steps = TLayer.Inputs,
        };
        RunProduct<ForwardEpilogue<TLayer>>(ref product);
    }

    /// <summary>
    /// A buffer of at least <paramref name="length"/> floats that a helper thread of the pool keeps in <paramref name="slot"/>
    /// (thread-static) while it lives, across calls and networks: made, or made larger, only when a call needs more.
    /// </summary>
    private static AlignedBuffer KeptByHelper(ref AlignedBuffer? slot, int length)
    {
        if (slot is not { } buffer || buffer.Length < length)
        {
            slot = buffer = new AlignedBuffer(length);
        }

        return buffer;
    }

    /// <summary>
    /// A batch backward through a layer after the first: dE/dA of <paramref name="previous"/> = dE/dZ W (from W
    /// before its update), then its dE/dZ = dE/dA * act'(Z), each thread its own samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardBatch<TPrevious>(float[] parameters, LayerWorkspace<TPrevious> previous, DenseWorkspace<TLayer> layer, int rows)
        where TPrevious : struct, ILayer
    {
        int threads = WorkerPool.ThreadsFor(BatchWork(rows));
        if (DenseWorkspace<TLayer>.PacksWeightPanels)
        {
            // W is copied whole whatever the batch (4 MB for 1,024 x 1,024): on every thread the product will use,
            // each its own rows of W, so that the copy does not hold up the other threads
            _ = ref layer.WeightRows; // made here, on one thread
            var pack = new PackWeightPanelsPhase(parameters, layer);
            PhaseRunner<PackWeightPanelsPhase>.In(ref layer.PackWeightPanelsRunner).Run(ref pack, threads, default);
        }
        else if (DenseWorkspace<TLayer>.PadsWeightRows)
        {
            PadRows(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), TLayer.WeightOffset), TLayer.Inputs, ref layer.WeightRows, DenseWorkspace<TLayer>.WeightRowStride, TLayer.Units);
        }

        var phase = new InputGradientBatchPhase<TPrevious>(parameters, previous, layer, rows);
        PhaseRunner<InputGradientBatchPhase<TPrevious>>.In(ref layer.InputGradientRunner).Run(ref phase, threads, default);
    }

    /// <summary>
    /// One SGD step on a batch: W = W decay - (lr / n) dE/dZ^T X applied as the product is computed (so dE/dW
    /// is never stored), each thread its own rows of W; then b = b decay - (lr / n) sum over the samples of dE/dz.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStepBatch(float[] parameters, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, int rows, float learningRate, float decay)
    {
        float scale = -learningRate / rows;
        var phase = new WeightsBatchPhase<UpdateEpilogue<TLayer>>(parameters, layer, rows, scale, decay);
        int threads = WorkerPool.ThreadsFor(BatchWork(rows));
        PhaseRunner<WeightsBatchPhase<UpdateEpilogue<TLayer>>>.In(ref layer.WeightsRunner).Run(ref phase, threads, PrepareWeightProduct(x, layer, rows, threads));
        BiasBatch(ref layer.BatchDelta, ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), TLayer.BiasOffset), rows, scale, decay, update: true);
    }

    /// <summary>The mean gradient of a batch into <paramref name="gradients"/>: dE/dW = (1 / n) dE/dZ^T X, dE/db = (1 / n) sum of dE/dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradientBatch(float[] gradients, ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, int rows)
    {
        float scale = 1f / rows;
        var phase = new WeightsBatchPhase<ScaleEpilogue>(gradients, layer, rows, scale, 1f);
        int threads = WorkerPool.ThreadsFor(BatchWork(rows));
        PhaseRunner<WeightsBatchPhase<ScaleEpilogue>>.In(ref layer.GradientRunner).Run(ref phase, threads, PrepareWeightProduct(x, layer, rows, threads));
        BiasBatch(ref layer.BatchDelta, ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(gradients), TLayer.BiasOffset), rows, scale, 1f, update: false);
    }

    /// <summary>
    /// Lays out the operands of the weight-gradient product where the layer copies them: dE/dZ transposed
    /// (<see cref="DenseWorkspace{TLayer}.TransposesDelta"/>) or with padded rows (<see cref="DenseWorkspace{TLayer}.PadsDeltaRows"/>),
    /// and, on one thread, X packed in panels (<see cref="DenseWorkspace{TLayer}.PacksInputs"/>), which is returned; else X as
    /// it is. Shared between <paramref name="threads"/>, each thread packs X for itself (<see cref="PackInputsForPart"/>).
    /// </summary>
    private static ReadOnlySpan<float> PrepareWeightProduct(ReadOnlySpan<float> x, DenseWorkspace<TLayer> layer, int rows, int threads)
    {
        if (DenseWorkspace<TLayer>.TransposesDelta)
        {
            PanelPacking.Transpose(ref layer.BatchDelta, rows, TLayer.Units, ref layer.DeltaTransposed);
        }
        else if (DenseWorkspace<TLayer>.PadsDeltaRows)
        {
            PadRows(ref layer.BatchDelta, TLayer.Units, ref layer.DeltaRows, DenseWorkspace<TLayer>.DeltaRowStride, rows);
        }

        if (!DenseWorkspace<TLayer>.PacksInputs || threads > 1)
        {
            return x;
        }

        PanelPacking.PackRows(ref MemoryMarshal.GetReference(x), TLayer.Inputs, rows, ref layer.PackedInputRows);
        return MemoryMarshal.CreateReadOnlySpan(ref layer.PackedInputRows, rows * DenseWorkspace<TLayer>.PackedInputs);
    }

    // ---- the products at the machine's width -------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunProduct<TE>(scoped ref Product product)
        where TE : IEpilogue
    {
        if (Use512)
        {
            Gemm.Run<Simd512, Vector512<float>, TE>(ref product);
        }
        else if (Use256)
        {
            Gemm.Run<Simd256, Vector256<float>, TE>(ref product);
        }
        else if (Use128)
        {
            Gemm.Run<Simd128, Vector128<float>, TE>(ref product);
        }
        else
        {
            Gemm.Run<Scalar, float, TE>(ref product);
        }
    }

    /// <summary>Rows of <paramref name="width"/> values into <paramref name="padded"/>, <paramref name="stride"/> apart.</summary>
    private static void PadRows(ref float source, int width, ref float padded, int stride, int rows)
    {
        for (nint j = 0; j < rows; j++)
        {
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, j * width), width)
                .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref padded, j * stride), width));
        }
    }

    /// <summary>b = b decay + scale sum_s dE/dz_s (an SGD step), or dE/db = scale sum_s dE/dz_s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasBatch(ref float delta, ref float target, int rows, float scale, float decay, bool update)
    {
        if (Use512)
        {
            BiasBatch<Simd512, Vector512<float>>(ref delta, ref target, rows, scale, decay, update);
        }
        else if (Use256)
        {
            BiasBatch<Simd256, Vector256<float>>(ref delta, ref target, rows, scale, decay, update);
        }
        else if (Use128)
        {
            BiasBatch<Simd128, Vector128<float>>(ref delta, ref target, rows, scale, decay, update);
        }
        else
        {
            BiasBatch<Scalar, float>(ref delta, ref target, rows, scale, decay, update);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasBatch<TS, TV>(ref float delta, ref float target, int rows, float scale, float decay, bool update)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        nint j = 0;
        for (; j + TS.Lanes <= TLayer.Units; j += TS.Lanes)
        {
            BiasChunk<TS, TV>(ref delta, ref target, j, rows, scale, decay, update);
        }

        if (TS.Lanes > 8 && TLayer.Units - j >= 8)
        {
            BiasChunk<Simd256, Vector256<float>>(ref delta, ref target, j, rows, scale, decay, update);
            j += 8;
        }

        if (TS.Lanes > 4 && TLayer.Units - j >= 4)
        {
            BiasChunk<Simd128, Vector128<float>>(ref delta, ref target, j, rows, scale, decay, update);
            j += 4;
        }

        for (; j < TLayer.Units; j++)
        {
            BiasChunk<Scalar, float>(ref delta, ref target, j, rows, scale, decay, update);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BiasChunk<TS, TV>(ref float delta, ref float target, nint j, int rows, float scale, float decay, bool update)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV sum = TS.Zero;
        for (nint s = 0; s < rows; s++)
        {
            sum = TS.Add(sum, TS.Load(ref delta, (s * TLayer.Units) + j));
        }

        TV old = TS.Load(ref target, j);
        TS.Store(
            update
                ? TS.MultiplyAdd(sum, TS.Broadcast(scale), TLayer.DecaysWeights ? TS.Multiply(old, TS.Broadcast(decay)) : old)
                : TS.Multiply(sum, TS.Broadcast(scale)),
            ref target,
            j);
    }

    // ---- the batch phases threads share ------------------------------------------------------------

    /// <summary>Pack W (unless it is packed), then Z = X W^T + b, each thread its own units (columns of Z), which are also the rows of W it packed.</summary>
    private readonly struct ForwardBatchPhase(float[] parameters, DenseWorkspace<TLayer> layer, int rows, bool weightsPacked) : IPhase
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(TLayer.Units, part, parts, Gemm.ColumnSplit);
            if (count == 0)
            {
                return;
            }

            ForwardProduct(parameters, ref input, layer, ref layer.Packed, 0, rows, start, count, weightsPacked);
        }
    }

    /// <summary>A = act(Z) for the activations not fused into the product, each thread its own samples.</summary>
    private readonly struct ActivateBatchPhase(DenseWorkspace<TLayer> layer, int rows) : IPhase
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(rows, part, parts, 1);
            nint offset = (nint)start * TLayer.Units;
            Activate(ref Unsafe.Add(ref layer.BatchZ, offset), ref Unsafe.Add(ref layer.BatchA, offset), count);
        }
    }

    /// <summary>W into the panels the batch backward product reads (<see cref="DenseWorkspace{TLayer}.PacksWeightPanels"/>), each thread its own rows of W.</summary>
    private readonly struct PackWeightPanelsPhase(float[] parameters, DenseWorkspace<TLayer> layer) : IPhase
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(TLayer.Units, part, parts, 1);
            ref float w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), TLayer.WeightOffset);
            PanelPacking.PackRows(ref w, TLayer.Inputs, TLayer.Units, ref layer.WeightRows, start, count);
        }
    }

    /// <summary>dE/dA_previous = dE/dZ W for each thread's samples, then dE/dZ_previous = dE/dA_previous * act'(Z_previous).</summary>
    private readonly struct InputGradientBatchPhase<TPrevious>(float[] parameters, LayerWorkspace<TPrevious> previous, DenseWorkspace<TLayer> layer, int rows) : IPhase
        where TPrevious : struct, ILayer
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(rows, part, parts, BatchRowAlignment);
            if (count == 0)
            {
                return;
            }

            var product = new Product
            {
                A = ref Unsafe.Add(ref layer.BatchDelta, (nint)start * TLayer.Units),
                ARow = TLayer.Units,
                AStep = 1,
                B = ref DenseWorkspace<TLayer>.PacksWeightPanels || DenseWorkspace<TLayer>.PadsWeightRows ? ref layer.WeightRows : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), TLayer.WeightOffset),
                BStep = DenseWorkspace<TLayer>.WeightRowStride,
                BPanels = DenseWorkspace<TLayer>.PacksWeightPanels,
                C = ref Unsafe.Add(ref previous.BatchDelta, (nint)start * TLayer.Inputs),
                CRow = TLayer.Inputs,
                Bias = ref Unsafe.NullRef<float>(),
                Rows = count,
                Columns = TLayer.Inputs,
                ColumnStart = 0,
                ColumnEnd = TLayer.Inputs,
                Steps = TLayer.Units,
            };
            RunProduct<PlainEpilogue>(ref product);
            nint offset = (nint)start * TLayer.Inputs;
            Activations<TPrevious>.Derivative(ref Unsafe.Add(ref previous.BatchA, offset), ref Unsafe.Add(ref previous.BatchDelta, offset), count);
        }
    }

    /// <summary>
    /// X packed in panels for one part of a shared weight-gradient product, by the thread that runs it: a helper of the
    /// pool into a copy of its own, the calling thread into the layer's (in its first part; a part it takes back from
    /// a helper, or runs alone in a spell, comes after its first and reuses that). Each thread reads X whole, so packed
    /// once by the caller the helper would read 200 KB (a 64 x 784 batch) of lines another core had just written on
    /// every call: on a 2-core Zen 5 VM, packing per thread made 784-128-10's two-thread TrainBatch of 256 1.36x
    /// faster, of 64 1.18x, 784-256-256-256-10's 1.07-1.09x.
    /// </summary>
    private static ref float PackInputsForPart(ref float x, DenseWorkspace<TLayer> layer, int rows, int part)
    {
        if (!WorkerPool.OnHelperThread)
        {
            if (part == 0)
            {
                PanelPacking.PackRows(ref x, TLayer.Inputs, rows, ref layer.PackedInputRows);
            }

            return ref layer.PackedInputRows;
        }

        ref float own = ref KeptByHelper(ref t_packedInputs, layer.BatchCapacity * DenseWorkspace<TLayer>.PackedInputs).Start;
        PanelPacking.PackRows(ref x, TLayer.Inputs, rows, ref own);
        return ref own;
    }

    /// <summary>C = dE/dZ^T X for each thread's rows of W, finished by <typeparamref name="TE"/>: an SGD step, or the scaled mean gradient.</summary>
    private readonly struct WeightsBatchPhase<TE>(float[] target, DenseWorkspace<TLayer> layer, int rows, float scale, float decay) : IPhase
        where TE : IEpilogue
    {
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(TLayer.Units, part, parts, Gemm.ColumnSplit);
            if (count == 0)
            {
                return;
            }

            if (parts > 1 && DenseWorkspace<TLayer>.PacksInputs)
            {
                input = ref PackInputsForPart(ref input, layer, rows, part);
            }

            // A = dE/dZ^T: rows of the transposed copy, or read down the columns of dE/dZ (padded rows or as it is)
            bool transposed = DenseWorkspace<TLayer>.TransposesDelta;
            var product = new Product
            {
                A = ref transposed ? ref Unsafe.Add(ref layer.DeltaTransposed, (nint)start * rows)
                    : ref Unsafe.Add(ref DenseWorkspace<TLayer>.PadsDeltaRows ? ref layer.DeltaRows : ref layer.BatchDelta, start),
                ARow = transposed ? rows : 1,
                AStep = transposed ? 1 : DenseWorkspace<TLayer>.DeltaRowStride,
                B = ref input,
                BPanels = DenseWorkspace<TLayer>.PacksInputs,
                BStep = TLayer.Inputs,
                C = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(target), TLayer.WeightOffset + ((nint)start * TLayer.Inputs)),
                CRow = TLayer.Inputs,
                Bias = ref Unsafe.NullRef<float>(),
                Rows = count,
                Columns = TLayer.Inputs,
                ColumnStart = 0,
                ColumnEnd = TLayer.Inputs,
                Steps = rows,
                Scale = scale,
                Decay = decay,
            };
            RunProduct<TE>(ref product);
        }
    }
}
