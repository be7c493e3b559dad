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
    /// Four filters at a time share each load of x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate(ref float x, nint channels, nint height, nint width, ref float k, ref float b, nint filters, nint kernel, ref float z, nint outHeight, nint outWidth)
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
            for (nint r = 0; r < outHeight; r++)
            {
                for (nint c0 = 0; c0 < outWidth; c0 += lanes)
                {
                    nint c = Math.Min(c0, outWidth - lanes);
                    TVector s0 = b0, s1 = b1, s2 = b2, s3 = b3;
                    for (nint ch = 0; ch < channels; ch++)
                    {
                        for (nint u = 0; u < kernel; u++)
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
                for (nint c0 = 0; c0 < outWidth; c0 += lanes)
                {
                    nint c = Math.Min(c0, outWidth - lanes);
                    TVector s0 = b0;
                    for (nint ch = 0; ch < channels; ch++)
                    {
                        for (nint u = 0; u < kernel; u++)
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
    /// Stride 1, the filters [start, start + count): g[f, ch, u, v] += sum over r, c of d[f, r, c] x[ch, r + u, c + v]
    /// and gb[f] += sum over r, c of d[f, r, c]: dE/dK is dE/dz correlated with the (padded) input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CorrelateWeights(ref float x, nint channels, nint height, nint width, ref float d, nint start, nint count, nint kernel, nint outHeight, nint outWidth, ref float g, ref float gb)
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
        for (nint f = start; f < start + count; f++)
        {
            ref float df = ref Unsafe.Add(ref d, f * plane);
            TVector sum = TSimd.Zero;
            float tailSum = 0f;
            for (nint r = 0; r < outHeight; r++)
            {
                ref float dr = ref Unsafe.Add(ref df, r * outWidth);
                for (nint c = 0; c < full; c += lanes)
                {
                    sum = TSimd.Add(sum, TSimd.Load(ref dr, c));
                }

                for (nint c = full; c < outWidth; c++)
                {
                    tailSum += Unsafe.Add(ref dr, c);
                }
            }

            Unsafe.Add(ref gb, f) += TSimd.Sum(sum) + tailSum;
            for (nint ch = 0; ch < channels; ch++)
            {
                for (nint u = 0; u < kernel; u++)
                {
                    for (nint v = 0; v < kernel; v++)
                    {
                        TVector s = TSimd.Zero;
                        for (nint r = 0; r < outHeight; r++)
                        {
                            ref float dr = ref Unsafe.Add(ref df, r * outWidth);
                            ref float xr = ref Unsafe.Add(ref x, (((ch * height) + r + u) * width) + v);
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

                        Unsafe.Add(ref g, (f * perFilter) + (((ch * kernel) + u) * kernel) + v) += TSimd.Sum(s);
                    }
                }
            }
        }
    }
}

/// <summary>
/// The loops of a convolution of any stride, one value at a time, over the padded input: the path of
/// strides above 1 (whose inputs are not neighbours in memory) and of NetGenScalarKernels.
/// </summary>
internal static class DirectConvolution
{
    /// <summary>z[f, r, c] = b[f] + sum over ch, u, v of k[f, ch, u, v] x[ch, r S + u, c S + v].</summary>
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
