using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Internal;

/// <summary>
/// The kernels of one 2-D convolution, compiled by the JIT for exactly that layer: <typeparamref name="TLayer"/>
/// is a struct of constants written by the generator. Direct convolution: at stride 1, vectors along each
/// output row, four filters sharing each load of the input; dE/dx as a full convolution of dE/dz with the
/// flipped kernel by the same loops; other strides one value at a time. A batch splits its samples between
/// threads (forward, dE/dx) or its filters (dE/dK), so the result is the same on any number of threads.
/// </summary>
/// <remarks>Called by generated code, which has checked every length.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The type argument is the layer: generated code names it once per call, and the JIT compiles the kernels for that layer.")]
public static class Convolution<TLayer>
    where TLayer : struct, IConvolutionLayer
{
    private static int InputSize => TLayer.Channels * TLayer.Height * TLayer.Width;

    private static int WeightCount => ConvolutionWorkspace<TLayer>.WeightCount;

    /// <summary>Samples whose dE/dK one pass over the weights sums: about 16 KB of dE/dz, which stays in L1.</summary>
    private static int SampleBlock => Math.Max(1, 4096 / TLayer.Units);

    /// <summary>Multiply-adds of one sample's forward pass, which decides how many threads share a batch.</summary>
    private static long SampleWork => (long)TLayer.Units * TLayer.Channels * TLayer.Kernel * TLayer.Kernel;

    // ---- one sample ------------------------------------------------------------------------------

    /// <summary>One sample: z = K * x + b (correlation), then a = act(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float[] parameters, ReadOnlySpan<float> x, ConvolutionWorkspace<TLayer> layer)
    {
        ref float input = ref MemoryMarshal.GetReference(x);
        ForwardSample(ref MemoryMarshal.GetArrayDataReference(parameters), ref input, ref layer.Padded, ref layer.Z);
        Activations<TLayer>.Activate(ref layer.Z, ref layer.A, 1);
    }

    /// <summary>The first layer backward: dE/dK += dE/dz correlated with x, dE/db += sum of dE/dz (no dE/dx: nothing consumes it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float[] gradients, ReadOnlySpan<float> x, ConvolutionWorkspace<TLayer> layer)
    {
        ref float g = ref MemoryMarshal.GetArrayDataReference(gradients);
        ref float input = ref ConvolutionWorkspace<TLayer>.Pads ? ref layer.Padded : ref MemoryMarshal.GetReference(x);
        Weights(ref input, ref layer.DeltaStart, 0, TLayer.Filters, ref Unsafe.Add(ref g, TLayer.WeightOffset), ref Unsafe.Add(ref g, TLayer.BiasOffset));
    }

    /// <summary>
    /// A layer after the first, backward: dE/dK += dE/dz correlated with its input, dE/db += sum of dE/dz, and
    /// dE/dx (dE/dz fully convolved with the flipped kernel) sent back to <paramref name="previous"/>, which then
    /// turns it into its own dE/dz = dE/da * act'(z).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TPrevious>(float[] parameters, float[] gradients, LayerWorkspace<TPrevious> previous, ConvolutionWorkspace<TLayer> layer)
        where TPrevious : struct, ILayer
    {
        ref float g = ref MemoryMarshal.GetArrayDataReference(gradients);
        ref float input = ref ConvolutionWorkspace<TLayer>.Pads ? ref layer.Padded : ref previous.A;
        Weights(ref input, ref layer.DeltaStart, 0, TLayer.Filters, ref Unsafe.Add(ref g, TLayer.WeightOffset), ref Unsafe.Add(ref g, TLayer.BiasOffset));
        InputGradient(ref MemoryMarshal.GetArrayDataReference(parameters), layer, ref layer.DeltaStart, ref layer.PaddedDelta, ref previous.DeltaStart);
        Activations<TPrevious>.Derivative(ref previous.A, ref previous.DeltaStart, 1);
    }

    /// <summary>The first layer, one SGD step: K = K decay - lr (dE/dz correlated with x), b = b decay - lr sum of dE/dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep(float[] parameters, ReadOnlySpan<float> x, ConvolutionWorkspace<TLayer> layer, float learningRate, float decay)
    {
        ref float input = ref ConvolutionWorkspace<TLayer>.Pads ? ref layer.Padded : ref MemoryMarshal.GetReference(x);
        Step(ref MemoryMarshal.GetArrayDataReference(parameters), ref input, layer, learningRate, decay);
    }

    /// <summary>
    /// A layer after the first, one SGD step: dE/dx sent back to <paramref name="previous"/> from K before the
    /// update (then its dE/dz = dE/da * act'(z)), then K and b stepped as in the first layer's step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep<TPrevious>(float[] parameters, LayerWorkspace<TPrevious> previous, ConvolutionWorkspace<TLayer> layer, float learningRate, float decay)
        where TPrevious : struct, ILayer
    {
        ref float p = ref MemoryMarshal.GetArrayDataReference(parameters);
        ref float input = ref ConvolutionWorkspace<TLayer>.Pads ? ref layer.Padded : ref previous.A;
        InputGradient(ref p, layer, ref layer.DeltaStart, ref layer.PaddedDelta, ref previous.DeltaStart);
        Activations<TPrevious>.Derivative(ref previous.A, ref previous.DeltaStart, 1);
        Step(ref p, ref input, layer, learningRate, decay);
    }

    // ---- a batch ----------------------------------------------------------------------------------

    /// <summary><paramref name="rows"/> samples forward, split between threads by samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch(float[] parameters, ReadOnlySpan<float> x, ConvolutionWorkspace<TLayer> layer, int rows)
    {
        var phase = new ForwardPhase(parameters, layer, rows);
        PhaseRunner<ForwardPhase>.In(ref layer.ForwardRunner).Run(ref phase, WorkerPool.ThreadsFor(rows * SampleWork), x);
    }

    /// <summary>dE/dX of <paramref name="previous"/> for every sample (from K before its update), then its dE/dZ = dE/dA * act'(Z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardBatch<TPrevious>(float[] parameters, LayerWorkspace<TPrevious> previous, ConvolutionWorkspace<TLayer> layer, int rows)
        where TPrevious : struct, ILayer
    {
        if (ConvolutionWorkspace<TLayer>.ConvolvesBack)
        {
            Flip(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), TLayer.WeightOffset), ref layer.Flipped);
        }

        var phase = new InputGradientPhase<TPrevious>(parameters, previous, layer, rows);
        PhaseRunner<InputGradientPhase<TPrevious>>.In(ref layer.InputGradientRunner).Run(ref phase, WorkerPool.ThreadsFor(rows * SampleWork), default);
    }

    /// <summary>One SGD step on a batch: K = K decay - (lr / n) sum over the samples of dE/dZ correlated with X; b likewise. Split by filters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStepBatch(float[] parameters, ReadOnlySpan<float> x, ConvolutionWorkspace<TLayer> layer, int rows, float learningRate, float decay)
    {
        var phase = new WeightGradientPhase(parameters, layer, rows, -learningRate / rows, decay, update: true);
        PhaseRunner<WeightGradientPhase>.In(ref layer.WeightGradientRunner).Run(ref phase, Math.Min(WorkerPool.ThreadsFor(rows * SampleWork), TLayer.Filters), x);
    }

    /// <summary>The mean gradient of a batch into <paramref name="gradients"/>: dE/dK = (1 / n) sum of dE/dZ correlated with X, dE/db likewise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradientBatch(float[] gradients, ReadOnlySpan<float> x, ConvolutionWorkspace<TLayer> layer, int rows)
    {
        var phase = new WeightGradientPhase(gradients, layer, rows, 1f / rows, 1f, update: false);
        PhaseRunner<WeightGradientPhase>.In(ref layer.WeightGradientRunner).Run(ref phase, Math.Min(WorkerPool.ThreadsFor(rows * SampleWork), TLayer.Filters), x);
    }

    // ---- the steps of one sample -------------------------------------------------------------------

    /// <summary>z of one sample from its input, padded into <paramref name="padded"/> first when the layer pads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardSample(ref float p, ref float x, ref float padded, ref float z)
    {
        ref float input = ref x;
        if (ConvolutionWorkspace<TLayer>.Pads)
        {
            Pad(ref x, TLayer.Channels, TLayer.Height, TLayer.Width, TLayer.Padding, ref padded);
            input = ref padded;
        }

        Correlate(ref input, ref Unsafe.Add(ref p, TLayer.WeightOffset), ref Unsafe.Add(ref p, TLayer.BiasOffset), ref z);
    }

    /// <summary>One sample's dE/dK into the scratch gradient, then K and b stepped from it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Step(ref float p, ref float input, ConvolutionWorkspace<TLayer> layer, float learningRate, float decay)
    {
        ref float g = ref layer.Gradient;
        MemoryMarshal.CreateSpan(ref g, WeightCount + TLayer.Filters).Clear();
        Weights(ref input, ref layer.DeltaStart, 0, TLayer.Filters, ref g, ref Unsafe.Add(ref g, WeightCount));
        Update(ref p, ref g, 0, TLayer.Filters, -learningRate, decay);
    }

    /// <summary>For the filters [start, start + count): p = p decay + scale g over their weights and biases, in vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update(ref float p, ref float g, int start, int count, float scale, float decay)
    {
        int perFilter = TLayer.Channels * TLayer.Kernel * TLayer.Kernel;
        Update(
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref p, TLayer.WeightOffset + (start * perFilter)), count * perFilter),
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref g, start * perFilter), count * perFilter),
            scale,
            decay);
        Update(
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref p, TLayer.BiasOffset + start), count),
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref g, WeightCount + start), count),
            scale,
            decay);
    }

    /// <summary>p = p decay + scale g (p + scale g without weight decay).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(Span<float> p, ReadOnlySpan<float> g, float scale, float decay)
    {
        if (TLayer.DecaysWeights)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(p, decay, p);
        }

        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(g, scale, p, p);
    }

    /// <summary>dE/dx of one sample from its dE/dz, through <paramref name="scratch"/> (the padded dE/dz, or the padded dE/dx).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradient(ref float p, ConvolutionWorkspace<TLayer> layer, ref float delta, ref float scratch, ref float dx)
    {
        ref float k = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        if (ConvolutionWorkspace<TLayer>.ConvolvesBack)
        {
            Flip(ref k, ref layer.Flipped);
        }

        InputGradientSample(ref k, ref layer.Flipped, ref delta, ref scratch, ref dx);
    }

    /// <summary>
    /// dE/dx[ch, i, j] = sum over f, u, v of K[f, ch, u, v] dE/dz[f, r, c] with r S + u - P = i, c S + v - P = j:
    /// at stride 1 the correlation of dE/dz padded by Kernel - 1 - Padding with the flipped kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientSample(ref float k, ref float flipped, ref float delta, ref float scratch, ref float dx)
    {
        if (ConvolutionWorkspace<TLayer>.ConvolvesBack)
        {
            int q = ConvolutionWorkspace<TLayer>.DeltaPadding;
            ref float source = ref delta;
            if (q > 0)
            {
                Pad(ref delta, TLayer.Filters, TLayer.OutputHeight, TLayer.OutputWidth, q, ref scratch);
                source = ref scratch;
            }

            // the flipped kernel is [channels, filters, kernel, kernel]: its "filters" are the input's channels
            CorrelateBack(ref source, ref flipped, ref dx);
            return;
        }

        ref float target = ref ConvolutionWorkspace<TLayer>.Pads ? ref scratch : ref dx;
        int paddedHeight = ConvolutionWorkspace<TLayer>.PaddedHeight, paddedWidth = ConvolutionWorkspace<TLayer>.PaddedWidth;
        MemoryMarshal.CreateSpan(ref target, TLayer.Channels * paddedHeight * paddedWidth).Clear();
        DirectConvolution.Input(ref target, TLayer.Channels, paddedHeight, paddedWidth, ref k, ref delta, TLayer.Filters, TLayer.Kernel, TLayer.Stride, TLayer.OutputHeight, TLayer.OutputWidth);
        if (ConvolutionWorkspace<TLayer>.Pads)
        {
            Crop(ref target, ref dx);
        }
    }

    /// <summary>K'[ch, f, u, v] = K[f, ch, Kernel - 1 - u, Kernel - 1 - v]: the kernel of the full convolution that gives dE/dx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flip(ref float k, ref float flipped)
    {
        int kernel = TLayer.Kernel, taps = kernel * kernel;
        for (int f = 0; f < TLayer.Filters; f++)
        {
            for (int ch = 0; ch < TLayer.Channels; ch++)
            {
                ref float from = ref Unsafe.Add(ref k, ((f * TLayer.Channels) + ch) * taps);
                ref float to = ref Unsafe.Add(ref flipped, ((ch * TLayer.Filters) + f) * taps);
                for (int t = 0; t < taps; t++)
                {
                    Unsafe.Add(ref to, t) = Unsafe.Add(ref from, taps - 1 - t);
                }
            }
        }
    }

    /// <summary>The input's interior of a padded dE/dx: dx[ch, i, j] = padded[ch, i + P, j + P].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Crop(ref float padded, ref float dx)
    {
        int paddedHeight = ConvolutionWorkspace<TLayer>.PaddedHeight, paddedWidth = ConvolutionWorkspace<TLayer>.PaddedWidth, pad = TLayer.Padding;
        for (int ch = 0; ch < TLayer.Channels; ch++)
        {
            for (int i = 0; i < TLayer.Height; i++)
            {
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref padded, (((ch * paddedHeight) + i + pad) * paddedWidth) + pad), TLayer.Width)
                    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, ((ch * TLayer.Height) + i) * TLayer.Width), TLayer.Width));
            }
        }
    }

    /// <summary>x [channels, height, width] into the middle of padded [channels, height + 2 pad, width + 2 pad], zeros around.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pad(ref float x, int channels, int height, int width, int pad, ref float padded)
    {
        int paddedHeight = height + (2 * pad), paddedWidth = width + (2 * pad);
        MemoryMarshal.CreateSpan(ref padded, channels * paddedHeight * paddedWidth).Clear();
        for (int ch = 0; ch < channels; ch++)
        {
            for (int i = 0; i < height; i++)
            {
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref x, ((ch * height) + i) * width), width)
                    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref padded, (((ch * paddedHeight) + i + pad) * paddedWidth) + pad), width));
            }
        }
    }

    // ---- the loops at the machine's width ----------------------------------------------------------

    private static bool Use512 => TLayer.VectorBits >= 512 && Vector512.IsHardwareAccelerated;

    private static bool Use256 => TLayer.VectorBits >= 256 && Vector256.IsHardwareAccelerated;

    private static bool Use128 => TLayer.VectorBits >= 128 && Vector128.IsHardwareAccelerated;

    /// <summary>Whether the loops run in vectors: stride 1 and a width the layer allows.</summary>
    private static bool Vectorised => TLayer.Stride == 1 && (Use512 || Use256 || Use128);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate(ref float x, ref float k, ref float b, ref float z)
    {
        nint c = TLayer.Channels, h = ConvolutionWorkspace<TLayer>.PaddedHeight, w = ConvolutionWorkspace<TLayer>.PaddedWidth;
        nint f = TLayer.Filters, n = TLayer.Kernel, oh = TLayer.OutputHeight, ow = TLayer.OutputWidth;
        if (TLayer.Stride != 1 || !Vectorised)
        {
            DirectConvolution.Forward(ref x, c, h, w, ref k, ref b, f, n, TLayer.Stride, ref z, oh, ow);
            return;
        }

        CorrelateColumns(ref x, c, h, w, ref k, ref b, f, n, ref z, oh, ow, 0, h);
    }

    /// <summary>The full convolution of the padded dE/dz with the flipped kernel: one output channel per input channel, rows as wide as the input's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrelateBack(ref float d, ref float flipped, ref float dx)
    {
        nint f = TLayer.Filters, h = ConvolutionWorkspace<TLayer>.PaddedDeltaHeight, w = ConvolutionWorkspace<TLayer>.PaddedDeltaWidth;
        nint c = TLayer.Channels, n = TLayer.Kernel, ih = TLayer.Height, iw = TLayer.Width;
        nint q = ConvolutionWorkspace<TLayer>.DeltaPadding; // rows of dE/dz's padding, all zero
        CorrelateColumns(ref d, f, h, w, ref flipped, ref Unsafe.NullRef<float>(), c, n, ref dx, ih, iw, q, q + TLayer.OutputHeight);
    }

    /// <summary>
    /// A stride-1 correlation whose output rows are covered by the widest vectors that fit, then narrower ones
    /// for the rest (a row of 24: one of 16 and one of 8), rather than one wide vector that overlaps the last:
    /// no lane computes an output twice, except a last narrow vector that must reach back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrelateColumns(ref float x, nint c, nint h, nint w, ref float k, ref float b, nint f, nint n, ref float z, nint oh, nint ow, nint lo, nint hi)
    {
        nint done = 0;
        if (Use512 && ow - done >= 16)
        {
            nint end = done + ((ow - done) / 16 * 16);
            ConvolutionKernels<Simd512, Vector512<float>>.Correlate(ref x, c, h, w, ref k, ref b, f, n, ref z, oh, ow, lo, hi, done, end);
            done = end;
        }

        if ((Use512 || Use256) && Vector256.IsHardwareAccelerated && ow - done >= 8)
        {
            nint end = done + ((ow - done) / 8 * 8);
            ConvolutionKernels<Simd256, Vector256<float>>.Correlate(ref x, c, h, w, ref k, ref b, f, n, ref z, oh, ow, lo, hi, done, end);
            done = end;
        }

        if (Vector128.IsHardwareAccelerated && TLayer.VectorBits >= 128 && ow >= 4 && done < ow)
        {
            // what is left: whole vectors of 4, the last reaching back over outputs already computed if need be
            ConvolutionKernels<Simd128, Vector128<float>>.Correlate(ref x, c, h, w, ref k, ref b, f, n, ref z, oh, ow, lo, hi, done, ow);
            done = ow;
        }

        if (done < ow)
        {
            ConvolutionKernels<Scalar, float>.Correlate(ref x, c, h, w, ref k, ref b, f, n, ref z, oh, ow, lo, hi, done, ow);
        }
    }

    /// <summary>dE/dK and dE/db of the filters [start, start + count) added into g and gb, from the (padded) input and dE/dz of one sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Weights(ref float x, ref float d, int start, int count, ref float g, ref float gb) =>
        Weights(ref x, 0, ref d, 0, 1, start, count, ref g, ref gb);

    /// <summary>The same over <paramref name="samples"/> samples, their inputs <paramref name="xStride"/> apart and their dE/dz <paramref name="dStride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Weights(ref float x, nint xStride, ref float d, nint dStride, int samples, int start, int count, ref float g, ref float gb)
    {
        nint c = TLayer.Channels, h = ConvolutionWorkspace<TLayer>.PaddedHeight, w = ConvolutionWorkspace<TLayer>.PaddedWidth;
        nint n = TLayer.Kernel, oh = TLayer.OutputHeight, ow = TLayer.OutputWidth;
        if (TLayer.Stride != 1 || !Vectorised)
        {
            for (int s = 0; s < samples; s++)
            {
                DirectConvolution.Weights(ref Unsafe.Add(ref x, s * xStride), c, h, w, ref Unsafe.Add(ref d, s * dStride), start, count, n, TLayer.Stride, oh, ow, ref g, ref gb);
            }
        }
        else if (Use512)
        {
            ConvolutionKernels<Simd512, Vector512<float>>.CorrelateWeights(ref x, xStride, ref d, dStride, samples, c, h, w, start, count, n, oh, ow, ref g, ref gb);
        }
        else if (Use256)
        {
            ConvolutionKernels<Simd256, Vector256<float>>.CorrelateWeights(ref x, xStride, ref d, dStride, samples, c, h, w, start, count, n, oh, ow, ref g, ref gb);
        }
        else
        {
            ConvolutionKernels<Simd128, Vector128<float>>.CorrelateWeights(ref x, xStride, ref d, dStride, samples, c, h, w, start, count, n, oh, ow, ref g, ref gb);
        }
    }


    // ---- the phases of a batch ---------------------------------------------------------------------

    /// <summary>Each thread's samples forward: padded, correlated, activated.</summary>
    private readonly struct ForwardPhase(float[] parameters, ConvolutionWorkspace<TLayer> layer, int rows) : IPhase
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(rows, part, parts, 1);
            ref float p = ref MemoryMarshal.GetArrayDataReference(parameters);
            for (int s = start; s < start + count; s++)
            {
                ForwardSample(
                    ref p,
                    ref Unsafe.Add(ref input, (nint)s * InputSize),
                    ref Unsafe.Add(ref layer.BatchPadded, (nint)s * ConvolutionWorkspace<TLayer>.PaddedSize),
                    ref Unsafe.Add(ref layer.BatchZ, (nint)s * TLayer.Units));
            }

            Activations<TLayer>.Activate(ref Unsafe.Add(ref layer.BatchZ, (nint)start * TLayer.Units), ref Unsafe.Add(ref layer.BatchA, (nint)start * TLayer.Units), count);
        }
    }

    /// <summary>Each thread's samples: dE/dX from dE/dZ, then the previous layer's derivative.</summary>
    private readonly struct InputGradientPhase<TPrevious>(float[] parameters, LayerWorkspace<TPrevious> previous, ConvolutionWorkspace<TLayer> layer, int rows) : IPhase
        where TPrevious : struct, ILayer
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(rows, part, parts, 1);
            ref float k = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(parameters), TLayer.WeightOffset);
            for (int s = start; s < start + count; s++)
            {
                InputGradientSample(
                    ref k,
                    ref layer.Flipped,
                    ref Unsafe.Add(ref layer.BatchDelta, (nint)s * TLayer.Units),
                    ref Unsafe.Add(ref layer.BatchPaddedDelta, (nint)s * ConvolutionWorkspace<TLayer>.PaddedDeltaSize),
                    ref Unsafe.Add(ref previous.BatchDelta, (nint)s * InputSize));
            }

            nint offset = (nint)start * InputSize;
            Activations<TPrevious>.Derivative(ref Unsafe.Add(ref previous.BatchA, offset), ref Unsafe.Add(ref previous.BatchDelta, offset), count);
        }
    }

    /// <summary>
    /// Each thread's filters: their dE/dK and dE/db summed over every sample in order, then scaled into the
    /// gradients (the mean), or stepped into the parameters (SGD).
    /// </summary>
    private readonly struct WeightGradientPhase(float[] target, ConvolutionWorkspace<TLayer> layer, int rows, float scale, float decay, bool update) : IPhase
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(TLayer.Filters, part, parts, 1);
            if (count == 0)
            {
                return;
            }

            int perFilter = TLayer.Channels * TLayer.Kernel * TLayer.Kernel;
            ref float g = ref layer.Gradient;
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref g, start * perFilter), count * perFilter).Clear();
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref g, WeightCount + start), count).Clear();
            // a few samples at a time: each weight's sum stays in a register across their rows, and their
            // dE/dz stays in L1 for every weight
            ref float x = ref ConvolutionWorkspace<TLayer>.Pads ? ref layer.BatchPadded : ref input;
            nint stride = ConvolutionWorkspace<TLayer>.Pads ? ConvolutionWorkspace<TLayer>.PaddedSize : InputSize;
            for (int s = 0; s < rows; s += SampleBlock)
            {
                Weights(ref Unsafe.Add(ref x, s * stride), stride, ref Unsafe.Add(ref layer.BatchDelta, (nint)s * TLayer.Units), TLayer.Units, Math.Min(SampleBlock, rows - s), start, count, ref g, ref Unsafe.Add(ref g, WeightCount));
            }

            ref float t = ref MemoryMarshal.GetArrayDataReference(target);
            if (update)
            {
                Update(ref t, ref g, start, count, scale, decay);
                return;
            }

            ref float k = ref Unsafe.Add(ref t, TLayer.WeightOffset);
            for (nint i = (nint)start * perFilter; i < (nint)(start + count) * perFilter; i++)
            {
                Unsafe.Add(ref k, i) = scale * Unsafe.Add(ref g, i);
            }

            for (nint f = start; f < start + count; f++)
            {
                Unsafe.Add(ref t, TLayer.BiasOffset + f) = scale * Unsafe.Add(ref g, WeightCount + f);
            }
        }
    }
}
