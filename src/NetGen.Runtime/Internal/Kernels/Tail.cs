using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Internal.Kernels;

/// <summary>
/// The tail of a dot product, [from, to) with fewer values than the caller's vectors: one 256-bit and one
/// 128-bit vector where they fit, then single values, each a term added in that order. The cascade is the
/// one <see cref="Elementwise.Map"/> runs, so fused updates and the products after them see the same chunks.
/// Methods of their own, called only where a length leaves a tail, so that the loops they follow keep the
/// JIT's inlining budget.
/// </summary>
internal static class Tail
{
    /// <summary>t_r += sum_i w_r[i] x[i] over the tail, for four rows <paramref name="stride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Dot4<TSimd, TVector>(ref float w, nint stride, ref float x, nint i, nint to, ref float t0, ref float t1, ref float t2, ref float t3)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        ref float w1 = ref Unsafe.Add(ref w, stride);
        ref float w2 = ref Unsafe.Add(ref w, 2 * stride);
        ref float w3 = ref Unsafe.Add(ref w, 3 * stride);
        nint lanes = TSimd.Lanes;
        if (lanes > 8 && to - i >= 8)
        {
            Vector256<float> xv = Simd256.Load(ref x, i);
            t0 += Simd256.Sum(Simd256.Load(ref w, i) * xv);
            t1 += Simd256.Sum(Simd256.Load(ref w1, i) * xv);
            t2 += Simd256.Sum(Simd256.Load(ref w2, i) * xv);
            t3 += Simd256.Sum(Simd256.Load(ref w3, i) * xv);
            i += 8;
        }

        if (lanes > 4 && to - i >= 4)
        {
            Vector128<float> xv = Simd128.Load(ref x, i);
            t0 += Simd128.Sum(Simd128.Load(ref w, i) * xv);
            t1 += Simd128.Sum(Simd128.Load(ref w1, i) * xv);
            t2 += Simd128.Sum(Simd128.Load(ref w2, i) * xv);
            t3 += Simd128.Sum(Simd128.Load(ref w3, i) * xv);
            i += 4;
        }

        for (; i < to; i++)
        {
            float xi = Unsafe.Add(ref x, i);
            t0 += Unsafe.Add(ref w, i) * xi;
            t1 += Unsafe.Add(ref w1, i) * xi;
            t2 += Unsafe.Add(ref w2, i) * xi;
            t3 += Unsafe.Add(ref w3, i) * xi;
        }
    }

    /// <summary>t += sum_i w[i] x[i] over the tail of one row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Dot1<TSimd, TVector>(ref float w, ref float x, nint i, nint to, float t)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        nint lanes = TSimd.Lanes;
        if (lanes > 8 && to - i >= 8)
        {
            t += Simd256.Sum(Simd256.Load(ref w, i) * Simd256.Load(ref x, i));
            i += 8;
        }

        if (lanes > 4 && to - i >= 4)
        {
            t += Simd128.Sum(Simd128.Load(ref w, i) * Simd128.Load(ref x, i));
            i += 4;
        }

        for (; i < to; i++)
        {
            t += Unsafe.Add(ref w, i) * Unsafe.Add(ref x, i);
        }

        return t;
    }

    /// <summary>
    /// The tail of one row of the fused SGD step and next product: w = x u + w (kept where dE/dz = 0 and rows
    /// are skipped), stored, then t += sum w next. Each chunk computes what <see cref="SgdWeights{TLayer}"/>
    /// and <see cref="Dot1"/> compute at its width.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float UpdateThenDot<TSimd, TVector, TLayer>(ref float w, ref float x, ref float next, nint i, nint to, float d, float u, float decay, float t)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TLayer : struct, IDenseLayer
    {
        nint lanes = TSimd.Lanes;
        if (lanes > 8 && to - i >= 8)
        {
            Vector256<float> updated = Updated<Simd256, Vector256<float>, TLayer>(ref w, i, Simd256.Load(ref x, i), d, u, decay);
            t += Simd256.Sum(updated * Simd256.Load(ref next, i));
            i += 8;
        }

        if (lanes > 4 && to - i >= 4)
        {
            Vector128<float> updated = Updated<Simd128, Vector128<float>, TLayer>(ref w, i, Simd128.Load(ref x, i), d, u, decay);
            t += Simd128.Sum(updated * Simd128.Load(ref next, i));
            i += 4;
        }

        for (; i < to; i++)
        {
            float updated = Updated<Scalar, float, TLayer>(ref w, i, Unsafe.Add(ref x, i), d, u, decay);
            t += updated * Unsafe.Add(ref next, i);
        }

        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Updated<TS, TV, TLayer>(ref float w, nint i, TV x, float d, float u, float decay)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TLayer : struct, IDenseLayer
    {
        TV old = TS.Load(ref w, i);
        TV updated = SgdWeights<TLayer>.Apply<TS, TV>(x, old, TS.Broadcast(u), TS.Broadcast(decay));
        if (!TLayer.DecaysWeights)
        {
            updated = TS.Select(TS.IsZero(TS.Broadcast(d)), old, updated);
        }

        TS.Store(updated, ref w, i);
        return updated;
    }
}
