using System;
using System.Runtime.CompilerServices;

namespace NetGen.Internal.Kernels;

/// <summary>
/// The loops of a convolution at one SIMD width. Vectors run along the columns of an output row; the
/// last vector of a row overlaps the one before when the row is not a whole number of vectors, which
/// recomputes a few outputs exactly as before (forward) or adds a masked vector (sums). Sizes are
/// arguments: the same loops serve the forward pass and dE/dx, a full convolution of dE/dz with the
/// flipped kernel.
/// </summary>
internal static class ConvolutionKernels<TSimd, TVector>
    where TSimd : struct, ISimd<TVector>
    where TVector : struct
{
    /// <summary>
    /// Stride 1: z[f, r, c] = b[f] + sum over ch, u, v of k[f, ch, u, v] x[ch, r + u, c + v], with x
    /// [channels, height, width] (already padded) and z [filters, outHeight, outWidth]; b may be null (0).
    /// Four filters at a time share each load of x. Rows of x outside [<paramref name="rowLo"/>,
    /// <paramref name="rowHi"/>) are zero and skipped: the padding of dE/dz in the full convolution. Only the
    /// output columns [<paramref name="columnStart"/>, <paramref name="columnEnd"/>) are computed (the last
    /// vector may reach back before the start: it recomputes those outputs to the same bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate(ref float x, nint channels, nint height, nint width, ref float k, ref float b, nint filters, nint kernel, ref float z, nint outHeight, nint outWidth, nint rowLo, nint rowHi, nint columnStart, nint columnEnd)
    {
        nint lanes = TSimd.Lanes;
        nint perFilter = channels * kernel * kernel;
        nint plane = outHeight * outWidth;
        bool bias = !Unsafe.IsNullRef(ref b);
        nint f = 0;
        for (; f + 4 <= filters; f += 4)
        {
            ref float k0 = ref Unsafe.Add(ref k, f * perFilter);
            ref float z0 = ref Unsafe.Add(ref z, f * plane);
            TVector b0 = bias ? TSimd.Broadcast(Unsafe.Add(ref b, f)) : TSimd.Zero;
            TVector b1 = bias ? TSimd.Broadcast(Unsafe.Add(ref b, f + 1)) : TSimd.Zero;
            TVector b2 = bias ? TSimd.Broadcast(Unsafe.Add(ref b, f + 2)) : TSimd.Zero;
            TVector b3 = bias ? TSimd.Broadcast(Unsafe.Add(ref b, f + 3)) : TSimd.Zero;
            nint r = 0;

            // two output rows at a time: eight independent sums keep both FMA pipes busy, and each weight
            // broadcast serves two loads of x
            for (; r + 2 <= outHeight; r += 2)
            {
                for (nint c0 = columnStart; c0 < columnEnd; c0 += lanes)
                {
                    nint c = Math.Min(c0, columnEnd - lanes);
                    TVector s0 = b0, s1 = b1, s2 = b2, s3 = b3, t0 = b0, t1 = b1, t2 = b2, t3 = b3;
                    nint uLo = Math.Max(0, rowLo - r - 1), uHi = Math.Min(kernel, rowHi - r); // rows r + u or r + 1 + u not all zero
                    for (nint ch = 0; ch < channels; ch++)
                    {
                        for (nint u = uLo; u < uHi; u++)
                        {
                            ref float row = ref Unsafe.Add(ref x, (((ch * height) + r + u) * width) + c);
                            ref float next = ref Unsafe.Add(ref row, width);
                            ref float taps = ref Unsafe.Add(ref k0, ((ch * kernel) + u) * kernel);
                            for (nint v = 0; v < kernel; v++)
                            {
                                TVector xv = TSimd.Load(ref row, v), yv = TSimd.Load(ref next, v);
                                TVector w0 = TSimd.Broadcast(Unsafe.Add(ref taps, v));
                                TVector w1 = TSimd.Broadcast(Unsafe.Add(ref taps, perFilter + v));
                                TVector w2 = TSimd.Broadcast(Unsafe.Add(ref taps, (2 * perFilter) + v));
                                TVector w3 = TSimd.Broadcast(Unsafe.Add(ref taps, (3 * perFilter) + v));
                                s0 = TSimd.MultiplyAdd(w0, xv, s0);
                                s1 = TSimd.MultiplyAdd(w1, xv, s1);
                                s2 = TSimd.MultiplyAdd(w2, xv, s2);
                                s3 = TSimd.MultiplyAdd(w3, xv, s3);
                                t0 = TSimd.MultiplyAdd(w0, yv, t0);
                                t1 = TSimd.MultiplyAdd(w1, yv, t1);
                                t2 = TSimd.MultiplyAdd(w2, yv, t2);
                                t3 = TSimd.MultiplyAdd(w3, yv, t3);
                            }
                        }
                    }

                    ref float out0 = ref Unsafe.Add(ref z0, (r * outWidth) + c);
                    TSimd.Store(s0, ref out0, 0);
                    TSimd.Store(s1, ref out0, plane);
                    TSimd.Store(s2, ref out0, 2 * plane);
                    TSimd.Store(s3, ref out0, 3 * plane);
                    TSimd.Store(t0, ref out0, outWidth);
                    TSimd.Store(t1, ref out0, plane + outWidth);
                    TSimd.Store(t2, ref out0, (2 * plane) + outWidth);
                    TSimd.Store(t3, ref out0, (3 * plane) + outWidth);
                }
            }

            for (; r < outHeight; r++)
            {
                for (nint c0 = columnStart; c0 < columnEnd; c0 += lanes)
                {
                    nint c = Math.Min(c0, columnEnd - lanes);
                    TVector s0 = b0, s1 = b1, s2 = b2, s3 = b3;
                    nint uLo = Math.Max(0, rowLo - r), uHi = Math.Min(kernel, rowHi - r);
                    for (nint ch = 0; ch < channels; ch++)
                    {
                        for (nint u = uLo; u < uHi; u++)
                        {
                            ref float row = ref Unsafe.Add(ref x, (((ch * height) + r + u) * width) + c);
                            ref float taps = ref Unsafe.Add(ref k0, ((ch * kernel) + u) * kernel);
                            for (nint v = 0; v < kernel; v++)
                            {
                                TVector xv = TSimd.Load(ref row, v);
                                s0 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref taps, v)), xv, s0);
                                s1 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref taps, perFilter + v)), xv, s1);
                                s2 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref taps, (2 * perFilter) + v)), xv, s2);
                                s3 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref taps, (3 * perFilter) + v)), xv, s3);
                            }
                        }
                    }

                    ref float out0 = ref Unsafe.Add(ref z0, (r * outWidth) + c);
                    TSimd.Store(s0, ref out0, 0);
                    TSimd.Store(s1, ref out0, plane);
                    TSimd.Store(s2, ref out0, 2 * plane);
                    TSimd.Store(s3, ref out0, 3 * plane);
                }
            }
        }

        for (; f < filters; f++)
        {
            ref float k0 = ref Unsafe.Add(ref k, f * perFilter);
            ref float z0 = ref Unsafe.Add(ref z, f * plane);
            TVector b0 = bias ? TSimd.Broadcast(Unsafe.Add(ref b, f)) : TSimd.Zero;
            for (nint r = 0; r < outHeight; r++)
            {
                for (nint c0 = columnStart; c0 < columnEnd; c0 += lanes)
                {
                    nint c = Math.Min(c0, columnEnd - lanes);
                    TVector s0 = b0;
                    nint uLo = Math.Max(0, rowLo - r), uHi = Math.Min(kernel, rowHi - r);
                    for (nint ch = 0; ch < channels; ch++)
                    {
                        for (nint u = uLo; u < uHi; u++)
                        {
                            ref float row = ref Unsafe.Add(ref x, (((ch * height) + r + u) * width) + c);
                            ref float taps = ref Unsafe.Add(ref k0, ((ch * kernel) + u) * kernel);
                            for (nint v = 0; v < kernel; v++)
                            {
                                s0 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref taps, v)), TSimd.Load(ref row, v), s0);
                            }
                        }
                    }

                    TSimd.Store(s0, ref Unsafe.Add(ref z0, (r * outWidth) + c), 0);
                }
            }
        }
    }

    /// <summary>
    /// Stride 1, the filters [start, start + count), over <paramref name="samples"/> samples (the next one's
    /// input <paramref name="xStride"/> values on, its dE/dz <paramref name="dStride"/>):
    /// g[f, ch, u, v] += sum over samples, r, c of d[f, r, c] x[ch, r + u, c + v] and gb[f] += sum of d[f]: dE/dK
    /// is dE/dz correlated with the (padded) input. Four filters and two kernel columns at a time: eight
    /// independent sums, each load of x serving four filters, each sum kept in a register across every row of
    /// every sample and reduced to one value once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CorrelateWeights(ref float x, nint xStride, ref float d, nint dStride, nint samples, nint channels, nint height, nint width, nint start, nint count, nint kernel, nint outHeight, nint outWidth, ref float g, ref float gb)
    {
        nint lanes = TSimd.Lanes;
        nint full = outWidth / lanes * lanes;
        nint plane = outHeight * outWidth;
        nint perFilter = channels * kernel * kernel;

        // the last, overlapping vector of a row counts only the columns from `full` on
        Span<float> maskValues = stackalloc float[Math.Max(16, (int)lanes)];
        for (nint i = 0; i < lanes; i++)
        {
            maskValues[(int)i] = outWidth - lanes + i >= full ? 1f : 0f;
        }

        TVector mask = TSimd.Load(ref maskValues[0], 0);
        bool tail = full != outWidth;
        nint end = start + count;
        for (nint f = start; f < end; f++)
        {
            float bias = 0f;
            for (nint sample = 0; sample < samples; sample++)
            {
                bias += Sum(ref Unsafe.Add(ref d, (sample * dStride) + (f * plane)), plane);
            }

            Unsafe.Add(ref gb, f) += bias;
        }

        nint f0 = start;
        for (; f0 + 4 <= end; f0 += 4)
        {
            ref float d0 = ref Unsafe.Add(ref d, f0 * plane);
            for (nint ch = 0; ch < channels; ch++)
            {
                for (nint u = 0; u < kernel; u++)
                {
                    ref float taps = ref Unsafe.Add(ref g, (f0 * perFilter) + (((ch * kernel) + u) * kernel));
                    nint v = 0;
                    for (; v + 2 <= kernel; v += 2)
                    {
                        TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
                        TVector t0 = TSimd.Zero, t1 = TSimd.Zero, t2 = TSimd.Zero, t3 = TSimd.Zero;
                        if (outWidth == lanes)
                        {
                            // rows of exactly one vector: one pass over every row of every sample, nothing else in the loop
                            for (nint sample = 0; sample < samples; sample++)
                            {
                                ref float dr = ref Unsafe.Add(ref d0, sample * dStride);
                                ref float xr = ref Unsafe.Add(ref x, (sample * xStride) + (((ch * height) + u) * width) + v);
                                for (nint r = 0; r < outHeight; r++)
                                {
                                    TVector e0 = TSimd.Load(ref dr, 0), e1 = TSimd.Load(ref dr, plane);
                                    TVector e2 = TSimd.Load(ref dr, 2 * plane), e3 = TSimd.Load(ref dr, 3 * plane);
                                    TVector xv = TSimd.Load(ref xr, 0), yv = TSimd.Load(ref xr, 1);
                                    s0 = TSimd.MultiplyAdd(e0, xv, s0);
                                    s1 = TSimd.MultiplyAdd(e1, xv, s1);
                                    s2 = TSimd.MultiplyAdd(e2, xv, s2);
                                    s3 = TSimd.MultiplyAdd(e3, xv, s3);
                                    t0 = TSimd.MultiplyAdd(e0, yv, t0);
                                    t1 = TSimd.MultiplyAdd(e1, yv, t1);
                                    t2 = TSimd.MultiplyAdd(e2, yv, t2);
                                    t3 = TSimd.MultiplyAdd(e3, yv, t3);
                                    dr = ref Unsafe.Add(ref dr, outWidth);
                                    xr = ref Unsafe.Add(ref xr, width);
                                }
                            }
                        }
                        else
                        {
                            for (nint sample = 0; sample < samples; sample++)
                            {
                                for (nint r = 0; r < outHeight; r++)
                                {
                                    ref float dr = ref Unsafe.Add(ref d0, (sample * dStride) + (r * outWidth));
                                    ref float xr = ref Unsafe.Add(ref x, (sample * xStride) + (((ch * height) + r + u) * width) + v);
                                    for (nint c = 0; c < outWidth; c += lanes)
                                    {
                                        bool last = c >= full;
                                        nint at = last ? outWidth - lanes : c;
                                        TVector e0 = TSimd.Load(ref dr, at), e1 = TSimd.Load(ref dr, plane + at);
                                        TVector e2 = TSimd.Load(ref dr, (2 * plane) + at), e3 = TSimd.Load(ref dr, (3 * plane) + at);
                                        if (last)
                                        {
                                            e0 = TSimd.Multiply(e0, mask);
                                            e1 = TSimd.Multiply(e1, mask);
                                            e2 = TSimd.Multiply(e2, mask);
                                            e3 = TSimd.Multiply(e3, mask);
                                        }

                                        TVector xv = TSimd.Load(ref xr, at), yv = TSimd.Load(ref xr, at + 1);
                                        s0 = TSimd.MultiplyAdd(e0, xv, s0);
                                        s1 = TSimd.MultiplyAdd(e1, xv, s1);
                                        s2 = TSimd.MultiplyAdd(e2, xv, s2);
                                        s3 = TSimd.MultiplyAdd(e3, xv, s3);
                                        t0 = TSimd.MultiplyAdd(e0, yv, t0);
                                        t1 = TSimd.MultiplyAdd(e1, yv, t1);
                                        t2 = TSimd.MultiplyAdd(e2, yv, t2);
                                        t3 = TSimd.MultiplyAdd(e3, yv, t3);
                                    }
                                }
                            }
                        }

                        Unsafe.Add(ref taps, v) += TSimd.Sum(s0);
                        Unsafe.Add(ref taps, perFilter + v) += TSimd.Sum(s1);
                        Unsafe.Add(ref taps, (2 * perFilter) + v) += TSimd.Sum(s2);
                        Unsafe.Add(ref taps, (3 * perFilter) + v) += TSimd.Sum(s3);
                        Unsafe.Add(ref taps, v + 1) += TSimd.Sum(t0);
                        Unsafe.Add(ref taps, perFilter + v + 1) += TSimd.Sum(t1);
                        Unsafe.Add(ref taps, (2 * perFilter) + v + 1) += TSimd.Sum(t2);
                        Unsafe.Add(ref taps, (3 * perFilter) + v + 1) += TSimd.Sum(t3);
                    }

                    for (; v < kernel; v++)
                    {
                        // an odd last column of the kernel: the four filters' sums of that one weight together
                        TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
                        for (nint sample = 0; sample < samples; sample++)
                        {
                            for (nint r = 0; r < outHeight; r++)
                            {
                                ref float dr = ref Unsafe.Add(ref d0, (sample * dStride) + (r * outWidth));
                                ref float xr = ref Unsafe.Add(ref x, (sample * xStride) + (((ch * height) + r + u) * width) + v);
                                for (nint c = 0; c < outWidth; c += lanes)
                                {
                                    bool last = c >= full;
                                    nint at = last ? outWidth - lanes : c;
                                    TVector xv = last ? TSimd.Multiply(TSimd.Load(ref xr, at), mask) : TSimd.Load(ref xr, at);
                                    s0 = TSimd.MultiplyAdd(TSimd.Load(ref dr, at), xv, s0);
                                    s1 = TSimd.MultiplyAdd(TSimd.Load(ref dr, plane + at), xv, s1);
                                    s2 = TSimd.MultiplyAdd(TSimd.Load(ref dr, (2 * plane) + at), xv, s2);
                                    s3 = TSimd.MultiplyAdd(TSimd.Load(ref dr, (3 * plane) + at), xv, s3);
                                }
                            }
                        }

                        Unsafe.Add(ref taps, v) += TSimd.Sum(s0);
                        Unsafe.Add(ref taps, perFilter + v) += TSimd.Sum(s1);
                        Unsafe.Add(ref taps, (2 * perFilter) + v) += TSimd.Sum(s2);
                        Unsafe.Add(ref taps, (3 * perFilter) + v) += TSimd.Sum(s3);
                    }
                }
            }
        }

        for (; f0 < end; f0++)
        {
            ref float df = ref Unsafe.Add(ref d, f0 * plane);
            for (nint ch = 0; ch < channels; ch++)
            {
                for (nint u = 0; u < kernel; u++)
                {
                    for (nint v = 0; v < kernel; v++)
                    {
                        Unsafe.Add(ref g, (f0 * perFilter) + (((ch * kernel) + u) * kernel) + v) +=
                            Tap(ref x, xStride, ref df, dStride, samples, (((ch * height) + u) * width) + v, width, outHeight, outWidth, full, mask, tail);
                    }
                }
            }
        }
    }

    /// <summary>One filter's sum over samples, r, c of d[r, c] x[corner + r width + c]: one weight's gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Tap(ref float x, nint xStride, ref float d, nint dStride, nint samples, nint corner, nint width, nint outHeight, nint outWidth, nint full, TVector mask, bool tail)
    {
        nint lanes = TSimd.Lanes;
        TVector s = TSimd.Zero;
        for (nint sample = 0; sample < samples; sample++)
        {
            for (nint r = 0; r < outHeight; r++)
            {
                ref float dr = ref Unsafe.Add(ref d, (sample * dStride) + (r * outWidth));
                ref float xr = ref Unsafe.Add(ref x, (sample * xStride) + corner + (r * width));
                for (nint c = 0; c < full; c += lanes)
                {
                    s = TSimd.MultiplyAdd(TSimd.Load(ref dr, c), TSimd.Load(ref xr, c), s);
                }

                if (tail)
                {
                    nint c = outWidth - lanes;
                    s = TSimd.MultiplyAdd(TSimd.Multiply(TSimd.Load(ref dr, c), mask), TSimd.Load(ref xr, c), s);
                }
            }
        }

        return TSimd.Sum(s);
    }

    /// <summary>The sum of <paramref name="count"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Sum(ref float values, nint count)
    {
        nint lanes = TSimd.Lanes, full = count / lanes * lanes;
        TVector s = TSimd.Zero;
        for (nint i = 0; i < full; i += lanes)
        {
            s = TSimd.Add(s, TSimd.Load(ref values, i));
        }

        float sum = TSimd.Sum(s);
        for (nint i = full; i < count; i++)
        {
            sum += Unsafe.Add(ref values, i);
        }

        return sum;
    }
}

/// <summary>
/// The loops of a convolution of any stride, one value at a time, over the padded input: the path of
/// strides above 1 (whose inputs are not neighbours in memory) and of NetGenScalarKernels.
/// </summary>
internal static class DirectConvolution
{
    /// <summary>z[f, r, c] = b[f] + sum over ch, u, v of k[f, ch, u, v] x[ch, r S + u, c S + v].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ref float x, nint channels, nint height, nint width, ref float k, ref float b, nint filters, nint kernel, nint stride, ref float z, nint outHeight, nint outWidth)
    {
        for (nint f = 0; f < filters; f++)
        {
            for (nint r = 0; r < outHeight; r++)
            {
                for (nint c = 0; c < outWidth; c++)
                {
                    float sum = Unsafe.Add(ref b, f);
                    for (nint ch = 0; ch < channels; ch++)
                    {
                        for (nint u = 0; u < kernel; u++)
                        {
                            ref float row = ref Unsafe.Add(ref x, (((ch * height) + (r * stride) + u) * width) + (c * stride));
                            ref float taps = ref Unsafe.Add(ref k, (((f * channels) + ch) * kernel + u) * kernel);
                            for (nint v = 0; v < kernel; v++)
                            {
                                sum += Unsafe.Add(ref taps, v) * Unsafe.Add(ref row, v);
                            }
                        }
                    }

                    Unsafe.Add(ref z, (((f * outHeight) + r) * outWidth) + c) = sum;
                }
            }
        }
    }

    /// <summary>For the filters [start, start + count): g[f, ch, u, v] += sum over r, c of d[f, r, c] x[ch, r S + u, c S + v]; gb[f] += sum of d[f].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Weights(ref float x, nint channels, nint height, nint width, ref float d, nint start, nint count, nint kernel, nint stride, nint outHeight, nint outWidth, ref float g, ref float gb)
    {
        nint plane = outHeight * outWidth;
        for (nint f = start; f < start + count; f++)
        {
            float bias = 0f;
            for (nint i = 0; i < plane; i++)
            {
                bias += Unsafe.Add(ref d, (f * plane) + i);
            }

            Unsafe.Add(ref gb, f) += bias;
            for (nint ch = 0; ch < channels; ch++)
            {
                for (nint u = 0; u < kernel; u++)
                {
                    for (nint v = 0; v < kernel; v++)
                    {
                        float sum = 0f;
                        for (nint r = 0; r < outHeight; r++)
                        {
                            for (nint c = 0; c < outWidth; c++)
                            {
                                sum += Unsafe.Add(ref d, (f * plane) + (r * outWidth) + c) *
                                    Unsafe.Add(ref x, (((ch * height) + (r * stride) + u) * width) + (c * stride) + v);
                            }
                        }

                        Unsafe.Add(ref g, (((f * channels) + ch) * kernel + u) * kernel + v) += sum;
                    }
                }
            }
        }
    }

    /// <summary>dx[ch, r S + u, c S + v] += k[f, ch, u, v] d[f, r, c] into the padded dE/dx (cleared by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Input(ref float dx, nint channels, nint height, nint width, ref float k, ref float d, nint filters, nint kernel, nint stride, nint outHeight, nint outWidth)
    {
        for (nint f = 0; f < filters; f++)
        {
            for (nint r = 0; r < outHeight; r++)
            {
                for (nint c = 0; c < outWidth; c++)
                {
                    float delta = Unsafe.Add(ref d, (((f * outHeight) + r) * outWidth) + c);
                    if (delta == 0f)
                    {
                        continue;
                    }

                    for (nint ch = 0; ch < channels; ch++)
                    {
                        for (nint u = 0; u < kernel; u++)
                        {
                            ref float row = ref Unsafe.Add(ref dx, (((ch * height) + (r * stride) + u) * width) + (c * stride));
                            ref float taps = ref Unsafe.Add(ref k, (((f * channels) + ch) * kernel + u) * kernel);
                            for (nint v = 0; v < kernel; v++)
                            {
                                Unsafe.Add(ref row, v) += Unsafe.Add(ref taps, v) * delta;
                            }
                        }
                    }
                }
            }
        }
    }
}
