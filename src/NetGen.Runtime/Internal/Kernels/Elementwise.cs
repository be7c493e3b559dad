using System.Runtime.CompilerServices;

namespace NetGen.Internal.Kernels;

/// <summary>An operation applied lane by lane, at whatever width the caller runs: d = op(x, y) with two scalar parameters.</summary>
internal interface IElementwise
{
    static abstract TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct;
}

/// <summary>
/// Runs an <see cref="IElementwise"/> over [0, length): full vectors of the caller's width, then one
/// 256-bit and one 128-bit vector where they fit, then single values. Lane by lane, so the result does not
/// depend on how the length is cut.
/// </summary>
internal static class Elementwise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TSimd, TVector, TOp>(ref float x, ref float y, ref float destination, nint length, float p = 0f, float q = 0f)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TOp : IElementwise
    {
        nint lanes = TSimd.Lanes;
        nint i = 0;
        if (lanes > 1)
        {
            TVector pv = TSimd.Broadcast(p), qv = TSimd.Broadcast(q);
            for (; i + lanes <= length; i += lanes)
            {
                TSimd.Store(TOp.Apply<TSimd, TVector>(TSimd.Load(ref x, i), TSimd.Load(ref y, i), pv, qv), ref destination, i);
            }
        }

        if (i < length)
        {
            MapTail<TSimd, TVector, TOp>(ref x, ref y, ref destination, i, length, p, q);
        }
    }

    /// <summary>The tail, fewer values than a vector: a method of its own, so the loops it follows keep the JIT's inlining budget.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MapTail<TSimd, TVector, TOp>(ref float x, ref float y, ref float destination, nint i, nint length, float p, float q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TOp : IElementwise
    {
        nint lanes = TSimd.Lanes;
        if (lanes > 8 && length - i >= 8)
        {
            Simd256.Store(TOp.Apply<Simd256, System.Runtime.Intrinsics.Vector256<float>>(Simd256.Load(ref x, i), Simd256.Load(ref y, i), Simd256.Broadcast(p), Simd256.Broadcast(q)), ref destination, i);
            i += 8;
        }

        if (lanes > 4 && length - i >= 4)
        {
            Simd128.Store(TOp.Apply<Simd128, System.Runtime.Intrinsics.Vector128<float>>(Simd128.Load(ref x, i), Simd128.Load(ref y, i), Simd128.Broadcast(p), Simd128.Broadcast(q)), ref destination, i);
            i += 4;
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref destination, i) = TOp.Apply<Scalar, float>(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i), p, q);
        }
    }
}

/// <summary>a = act(z) for the activations computed lane by lane (identity, ReLU, LeakyReLU): x = z.</summary>
internal readonly struct Activate<TLayer> : IElementwise
    where TLayer : struct, ILayer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct =>
        TLayer.Activation switch
        {
            // ReLU: max(0, z)
            Activation.ReLU => TSimd.Max(x, TSimd.Zero),
            // LeakyReLU: z > 0 ? z : alpha z
            Activation.LeakyReLU => TSimd.SelectPositive(x, x, TSimd.Multiply(x, TSimd.Broadcast(TLayer.Alpha))),
            _ => x,
        };
}

#if NET9_0_OR_GREATER
/// <summary>
/// a = act(z) for the activations built on e^z (sigmoid, tanh): x = z. Apart from <see cref="Activate{TLayer}"/>, which
/// the batch product's epilogue inlines: in the IL the JIT weighs against its inlining budget, these cases made the
/// product's stores calls, and a process that sees one processor ran them at tier 0 for its first seconds.
/// </summary>
internal readonly struct ActivateThroughExp<TLayer> : IElementwise
    where TLayer : struct, ILayer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct =>
        TLayer.Activation == Activation.Sigmoid
            ? VectorExp.Sigmoid<TSimd, TVector>(x) // 1 / (1 + e^-z)
            : VectorExp.Tanh<TSimd, TVector>(x);
}
#endif

/// <summary>dE/dz = dE/da * act'(z), with act' written in terms of the output a: x = a, y = dE/da.</summary>
internal readonly struct TimesDerivative<TLayer> : IElementwise
    where TLayer : struct, ILayer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct =>
        TLayer.Activation switch
        {
            // ReLU' = a > 0 ? 1 : 0
            Activation.ReLU => TSimd.SelectPositive(x, y, TSimd.Zero),
            // LeakyReLU' = a > 0 ? 1 : alpha
            Activation.LeakyReLU => TSimd.SelectPositive(x, y, TSimd.Multiply(y, TSimd.Broadcast(TLayer.Alpha))),
            // sigmoid' = a (1 - a)
            Activation.Sigmoid => TSimd.Multiply(TSimd.Multiply(y, x), TSimd.Subtract(TSimd.Broadcast(1f), x)),
            // tanh' = 1 - a^2
            Activation.Tanh => TSimd.Multiply(y, TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Multiply(x, x))),
            _ => y,
        };
}

/// <summary>x + y: dE/db += dE/dz.</summary>
internal readonly struct Add : IElementwise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct => TSimd.Add(x, y);
}

/// <summary>The SGD step of a bias, b decay - lr dE/dz, with p = lr and q = decay (1 - lr wd, or exactly 1).</summary>
internal readonly struct SgdBias<TLayer> : IElementwise
    where TLayer : struct, IDenseLayer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct =>
        TSimd.Subtract(TLayer.DecaysWeights ? TSimd.Multiply(x, q) : x, TSimd.Multiply(p, y));
}

/// <summary>y + p x: dE/dW[j, :] += dE/dz_j x, with p = dE/dz_j.</summary>
internal readonly struct Axpy : IElementwise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct => TSimd.MultiplyAdd(x, p, y);
}

/// <summary>The SGD step of a row of W: x u + w (w decay first, with weight decay), with p = u = -lr dE/dz_j, q = decay.</summary>
internal readonly struct SgdWeights<TLayer> : IElementwise
    where TLayer : struct, IDenseLayer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TSimd, TVector>(TVector x, TVector y, TVector p, TVector q)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct =>
        TSimd.MultiplyAdd(x, p, TLayer.DecaysWeights ? TSimd.Multiply(y, q) : y);
}
