#if NET9_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Internal.Kernels;

/// <summary>
/// e^x for every lane of a vector, always inlined where it is used, for the softmax of a short row. The BCL's
/// <c>Vector512.Exp</c> is a call wherever the JIT has no profile that says to inline it: in code compiled fully optimised
/// from its first call, the call made 4-16-3's <c>Forward</c> 10% slower; left to tiered compilation, a process that sees
/// one processor ran the first seconds of a batch <c>Predict</c> at tier 0 (half its speed). Inlined, both are fast.
/// </summary>
/// <remarks>
/// e^x = 2^n e^r, with n = x / ln 2 rounded and r = x - n ln 2 in [-ln 2 / 2, ln 2 / 2], ln 2 taken in two parts so that
/// n ln 2 loses nothing (Cody and Waite); e^r = 1 + r + r^2 P(r), P the degree-5 minimax polynomial of Cephes' expf, within
/// 2 ulp of e^x. Where e^x is below float's smallest normal number (x &lt; -87.34, denormal results included), 0; from
/// x = 88 on, e^88 (the softmax passes x = z - max z &lt;= 0). NaN stays NaN.
/// </remarks>
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f; // 8 significant bits: n Ln2High is exact for |n| < 2^16
    private const float Ln2Low = -2.12194440e-4f; // ln 2 - Ln2High
    private const float Lowest = -87.33654f; // ln of float's smallest normal number
    private const float Highest = 88f; // keeps n + 127 below the exponent of infinity

    // P(r) = P0 r^5 + ... + P5, the polynomial of (e^r - 1 - r) / r^2
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    /// <summary>e^x in each of sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> high = Vector512.Create(Highest);
        Vector512<float> clamped = Vector512.ConditionalSelect(Vector512.GreaterThan(x, high), high, x);
        Vector512<float> n = Vector512.Round(clamped * Log2E);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        Vector512<float> er = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);

        // 2^n: n + 127 in the exponent's bits
        Vector512<float> twoToN = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Lowest)), Vector512<float>.Zero, er * twoToN);
    }

    /// <summary>e^x in each of four lanes: the same steps as the 512-bit <see cref="Exp(Vector512{float})"/>, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        Vector128<float> high = Vector128.Create(Highest);
        Vector128<float> clamped = Vector128.ConditionalSelect(Vector128.GreaterThan(x, high), high, x);
        Vector128<float> n = Vector128.Round(clamped * Log2E);
        Vector128<float> r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), clamped);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), r);
        Vector128<float> p = Vector128.FusedMultiplyAdd(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P5));
        Vector128<float> er = Vector128.FusedMultiplyAdd(p, r * r, r + Vector128<float>.One);
        Vector128<float> twoToN = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(Lowest)), Vector128<float>.Zero, er * twoToN);
    }
}
#endif
