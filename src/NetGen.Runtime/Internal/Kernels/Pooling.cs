using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Internal;

/// <summary>
/// The kernels of one 2-D pooling layer, channel by channel, compiled for exactly that layer, without a
/// branch on the values (a max taken with a branch mispredicts on every other window of real data). Max
/// pooling sends dE/dy back to each window's first largest input (scanning the window row by row, as
/// PyTorch does), found again from the input the layer before still holds; average pooling spreads dE/dy
/// evenly over the window.
/// </summary>
/// <remarks>Called by generated code, which has checked every length.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The type argument is the layer.")]
public static class Pooling<TLayer>
    where TLayer : struct, IPoolingLayer
{
    private static int InputSize => TLayer.Channels * TLayer.Height * TLayer.Width;

    /// <summary>One sample: each output the max (or mean) of its window, then a = act(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, PoolingWorkspace<TLayer> layer)
    {
        Pool(ref MemoryMarshal.GetReference(x), ref layer.Z);
        Activations<TLayer>.Activate(ref layer.Z, ref layer.A, 1);
    }

    /// <summary>dE/dx of one sample into <paramref name="previous"/>, then its dE/dz = dE/da * act'(z).</summary>
    public static void Backward<TPrevious>(LayerWorkspace<TPrevious> previous, PoolingWorkspace<TLayer> layer)
        where TPrevious : struct, ILayer
    {
        Route(ref previous.A, ref layer.DeltaStart, ref previous.DeltaStart);
        Activations<TPrevious>.Derivative(ref previous.A, ref previous.DeltaStart, 1);
    }

    /// <summary><paramref name="rows"/> samples forward, split between threads by samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch(ReadOnlySpan<float> x, PoolingWorkspace<TLayer> layer, int rows)
    {
        var phase = new ForwardPhase(layer, rows);
        PhaseRunner<ForwardPhase>.In(ref layer.ForwardRunner).Run(ref phase, WorkerPool.ThreadsFor(BatchWork(rows)), x);
    }

    /// <summary>dE/dX of <paramref name="rows"/> samples into <paramref name="previous"/>, then its dE/dZ; split between threads by samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardBatch<TPrevious>(LayerWorkspace<TPrevious> previous, PoolingWorkspace<TLayer> layer, int rows)
        where TPrevious : struct, ILayer
    {
        var phase = new BackwardPhase<TPrevious>(previous, layer, rows);
        PhaseRunner<BackwardPhase<TPrevious>>.In(ref layer.BackwardRunner).Run(ref phase, WorkerPool.ThreadsFor(BatchWork(rows)), default);
    }

    /// <summary>The work of a batch, in the units WorkerPool splits by (multiply-adds): a few operations per input value.</summary>
    private static long BatchWork(int rows) => 4L * rows * InputSize;

    /// <summary>Each thread's samples forward.</summary>
    private readonly struct ForwardPhase(PoolingWorkspace<TLayer> layer, int rows) : IPhase
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(rows, part, parts, 1);
            for (int s = start; s < start + count; s++)
            {
                Pool(ref Unsafe.Add(ref input, (nint)s * InputSize), ref Unsafe.Add(ref layer.BatchZ, (nint)s * TLayer.Units));
            }

            nint offset = (nint)start * TLayer.Units;
            Activations<TLayer>.Activate(ref Unsafe.Add(ref layer.BatchZ, offset), ref Unsafe.Add(ref layer.BatchA, offset), count);
        }
    }

    /// <summary>Each thread's samples backward, then the previous layer's derivative on them.</summary>
    private readonly struct BackwardPhase<TPrevious>(LayerWorkspace<TPrevious> previous, PoolingWorkspace<TLayer> layer, int rows) : IPhase
        where TPrevious : struct, ILayer
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int part, int parts, ref float input)
        {
            (int start, int count) = GeneratedCodeHelpers.Split(rows, part, parts, 1);
            for (int s = start; s < start + count; s++)
            {
                Route(ref Unsafe.Add(ref previous.BatchA, (nint)s * InputSize), ref Unsafe.Add(ref layer.BatchDelta, (nint)s * TLayer.Units), ref Unsafe.Add(ref previous.BatchDelta, (nint)s * InputSize));
            }

            nint offset = (nint)start * InputSize;
            Activations<TPrevious>.Derivative(ref Unsafe.Add(ref previous.BatchA, offset), ref Unsafe.Add(ref previous.BatchDelta, offset), count);
        }
    }

    /// <summary>z[ch, r, c] = max (or mean) of x[ch, r S + u, c S + v] over u, v &lt; Size, without a branch on the values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pool(ref float x, ref float z)
    {
        if (TLayer.Max && TLayer.Size == 2 && TLayer.Stride == 2 && TLayer.VectorBits >= 128 && System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            MaxPairs(ref x, ref z);
            return;
        }

        int size = TLayer.Size, stride = TLayer.Stride, width = TLayer.Width;
        float scale = 1f / (size * size);
        int output = 0;
        for (int ch = 0; ch < TLayer.Channels; ch++)
        {
            ref float plane = ref Unsafe.Add(ref x, ch * TLayer.Height * width);
            for (int r = 0; r < TLayer.OutputHeight; r++)
            {
                for (int c = 0; c < TLayer.OutputWidth; c++, output++)
                {
                    ref float corner = ref Unsafe.Add(ref plane, (r * stride * width) + (c * stride));
                    float value = TLayer.Max ? corner : 0f;
                    for (int u = 0; u < size; u++)
                    {
                        for (int v = 0; v < size; v++)
                        {
                            float xi = Unsafe.Add(ref corner, (u * width) + v);
                            value = TLayer.Max ? Larger(value, xi) : value + xi;
                        }
                    }

                    Unsafe.Add(ref z, output) = TLayer.Max ? value : value * scale;
                }
            }
        }
    }

    /// <summary>
    /// Max pooling of 2 x 2 windows 2 apart, the common case: the larger of each pair of rows in vectors of 4,
    /// then of each pair of columns, four outputs per vector (SSE's two-source shuffle gathers the even and
    /// the odd columns; other machines take the scalar loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPairs(ref float x, ref float z)
    {
        int width = TLayer.Width, outWidth = TLayer.OutputWidth, full = outWidth / 4 * 4;
        for (int ch = 0; ch < TLayer.Channels; ch++)
        {
            for (int r = 0; r < TLayer.OutputHeight; r++)
            {
                ref float top = ref Unsafe.Add(ref x, ((ch * TLayer.Height) + (2 * r)) * width);
                ref float bottom = ref Unsafe.Add(ref top, width);
                ref float output = ref Unsafe.Add(ref z, ((ch * TLayer.OutputHeight) + r) * outWidth);
                int c = 0;
                for (; c < full; c += 4)
                {
                    // columns 2c .. 2c + 7 of both rows: their larger values, then the larger of each pair
                    Vector128<float> low = Larger(Vector128.LoadUnsafe(ref top, (nuint)(2 * c)), Vector128.LoadUnsafe(ref bottom, (nuint)(2 * c)));
                    Vector128<float> high = Larger(Vector128.LoadUnsafe(ref top, (nuint)((2 * c) + 4)), Vector128.LoadUnsafe(ref bottom, (nuint)((2 * c) + 4)));
                    Vector128<float> even = System.Runtime.Intrinsics.X86.Sse.Shuffle(low, high, 0b10_00_10_00);
                    Vector128<float> odd = System.Runtime.Intrinsics.X86.Sse.Shuffle(low, high, 0b11_01_11_01);
                    Larger(even, odd).StoreUnsafe(ref output, (nuint)c);
                }

                for (; c < outWidth; c++)
                {
                    Unsafe.Add(ref output, c) = Larger(
                        Larger(Unsafe.Add(ref top, 2 * c), Unsafe.Add(ref top, (2 * c) + 1)),
                        Larger(Unsafe.Add(ref bottom, 2 * c), Unsafe.Add(ref bottom, (2 * c) + 1)));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Larger(Vector128<float> a, Vector128<float> b) =>
#if NET9_0_OR_GREATER
        Vector128.MaxNative(a, b);
#else
        Vector128.Max(a, b);
#endif

    /// <summary>
    /// dE/dx from dE/dz: to each window's first largest input, row by row, found again from the input x
    /// (max), or spread evenly over the window (average).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Route(ref float x, ref float delta, ref float dx)
    {
        MemoryMarshal.CreateSpan(ref dx, InputSize).Clear();
        if (TLayer.Max && TLayer.Size == 2 && TLayer.Stride == 2 && TLayer.VectorBits >= 128 && System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            RoutePairs(ref x, ref delta, ref dx);
            return;
        }

        int size = TLayer.Size, stride = TLayer.Stride, width = TLayer.Width;
        float scale = 1f / (size * size);
        int output = 0;
        for (int ch = 0; ch < TLayer.Channels; ch++)
        {
            int plane = ch * TLayer.Height * width;
            for (int r = 0; r < TLayer.OutputHeight; r++)
            {
                for (int c = 0; c < TLayer.OutputWidth; c++, output++)
                {
                    float d = Unsafe.Add(ref delta, output);
                    int corner = plane + (r * stride * width) + (c * stride);
                    if (TLayer.Max && TLayer.Stride >= TLayer.Size)
                    {
                        // windows that do not overlap: write the window, d at its first largest input, 0 elsewhere
                        WriteWindow(ref x, ref dx, corner, d);
                        continue;
                    }

                    if (TLayer.Max)
                    {
                        Unsafe.Add(ref dx, FirstLargest(ref x, corner)) += d;
                        continue;
                    }

                    for (int u = 0; u < size; u++)
                    {
                        for (int v = 0; v < size; v++)
                        {
                            Unsafe.Add(ref dx, corner + (u * width) + v) += d * scale;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Route for 2 x 2 windows 2 apart, four windows at a time: each window's largest value, found again from
    /// x, duplicated over its two columns; then d goes where x equals it, the first such input of the window
    /// only (top row before bottom, left before right), with masks rather than branches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RoutePairs(ref float x, ref float delta, ref float dx)
    {
        int width = TLayer.Width, outWidth = TLayer.OutputWidth, full = outWidth / 4 * 4;
        Vector128<float> oddLanes = Vector128.Create(0, -1, 0, -1).AsSingle();
        for (int ch = 0; ch < TLayer.Channels; ch++)
        {
            for (int r = 0; r < TLayer.OutputHeight; r++)
            {
                int row = ((ch * TLayer.Height) + (2 * r)) * width;
                ref float top = ref Unsafe.Add(ref x, row);
                ref float bottom = ref Unsafe.Add(ref top, width);
                ref float topDx = ref Unsafe.Add(ref dx, row);
                ref float bottomDx = ref Unsafe.Add(ref topDx, width);
                ref float d = ref Unsafe.Add(ref delta, ((ch * TLayer.OutputHeight) + r) * outWidth);
                int c = 0;
                for (; c < full; c += 4)
                {
                    Vector128<float> dv = Vector128.LoadUnsafe(ref d, (nuint)c);
                    Window(ref top, ref bottom, ref topDx, ref bottomDx, 2 * c, System.Runtime.Intrinsics.X86.Sse.UnpackLow(dv, dv), oddLanes);
                    Window(ref top, ref bottom, ref topDx, ref bottomDx, (2 * c) + 4, System.Runtime.Intrinsics.X86.Sse.UnpackHigh(dv, dv), oddLanes);
                }

                for (; c < outWidth; c++)
                {
                    WriteWindow(ref x, ref dx, row + (2 * c), Unsafe.Add(ref d, c));
                }
            }
        }
    }

    /// <summary>Two neighbouring 2 x 2 windows whose top row starts at column <paramref name="at"/>; <paramref name="d"/> is their dE/dz, each twice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Window(ref float top, ref float bottom, ref float topDx, ref float bottomDx, int at, Vector128<float> d, Vector128<float> oddLanes)
    {
        Vector128<float> t = Vector128.LoadUnsafe(ref top, (nuint)at), b = Vector128.LoadUnsafe(ref bottom, (nuint)at);
        Vector128<float> columns = Larger(t, b);                                                  // [a0 a1 a2 a3]
        Vector128<float> max = Larger(columns, System.Runtime.Intrinsics.X86.Sse.Shuffle(columns, columns, 0b10_11_00_01)); // [m0 m0 m1 m1]
        Vector128<float> inTop = Vector128.Equals(t, max), inBottom = Vector128.Equals(b, max);

        // a lane loses to the left column of its window when that one holds the largest too
        Vector128<float> leftTop = System.Runtime.Intrinsics.X86.Sse.Shuffle(inTop, inTop, 0b10_10_00_00) & oddLanes;
        Vector128<float> leftBottom = System.Runtime.Intrinsics.X86.Sse.Shuffle(inBottom, inBottom, 0b10_10_00_00) & oddLanes;
        Vector128<float> topHas = inTop | System.Runtime.Intrinsics.X86.Sse.Shuffle(inTop, inTop, 0b10_11_00_01); // the window's top row holds it
        Vector128<float> topWins = Vector128.AndNot(inTop, leftTop);
        Vector128<float> bottomWins = Vector128.AndNot(Vector128.AndNot(inBottom, leftBottom), topHas);
        (topWins & d).StoreUnsafe(ref topDx, (nuint)at);
        (bottomWins & d).StoreUnsafe(ref bottomDx, (nuint)at);
    }

    /// <summary>dx over one window: d at its first largest input (row by row), 0 at the others, without a branch on the values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteWindow(ref float x, ref float dx, int corner, float d)
    {
        int size = TLayer.Size, width = TLayer.Width;
        float max = Unsafe.Add(ref x, corner);
        for (int u = 0; u < size; u++)
        {
            for (int v = 0; v < size; v++)
            {
                max = Larger(max, Unsafe.Add(ref x, corner + (u * width) + v));
            }
        }

        uint dBits = BitConverter.SingleToUInt32Bits(d), pending = uint.MaxValue; // all ones until the largest is found
        for (int u = 0; u < size; u++)
        {
            for (int v = 0; v < size; v++)
            {
                int i = corner + (u * width) + v;
                bool same = Unsafe.Add(ref x, i) == max;
                uint hit = (uint)-Unsafe.As<bool, byte>(ref same) & pending;
                pending &= ~hit;
                Unsafe.Add(ref dx, i) = BitConverter.UInt32BitsToSingle(dBits & hit);
            }
        }
    }

    /// <summary>
    /// The index of the window's first largest input, scanning row by row as PyTorch does: the largest value
    /// first, then the window scanned backwards keeping each index that holds it, so the last kept is the first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstLargest(ref float x, int corner)
    {
        int size = TLayer.Size, width = TLayer.Width;
        float max = Unsafe.Add(ref x, corner);
        for (int u = 0; u < size; u++)
        {
            for (int v = 0; v < size; v++)
            {
                max = Larger(max, Unsafe.Add(ref x, corner + (u * width) + v));
            }
        }

        int best = corner;
        for (int u = size - 1; u >= 0; u--)
        {
            for (int v = size - 1; v >= 0; v--)
            {
                int i = corner + (u * width) + v;
                bool same = Unsafe.Add(ref x, i) == max;
                int keep = -Unsafe.As<bool, byte>(ref same); // all ones where x_i is the largest: no branch
                best = (i & keep) | (best & ~keep);
            }
        }

        return best;
    }

    /// <summary>The larger of two values in one instruction (maxss), without the branches of IEEE 754's maximum: NaN handling follows the machine's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Larger(float a, float b) =>
#if NET9_0_OR_GREATER
        float.MaxNative(a, b);
#else
        System.Runtime.Intrinsics.Vector128.ToScalar(System.Runtime.Intrinsics.Vector128.Max(System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(a), System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(b)));
#endif
}
