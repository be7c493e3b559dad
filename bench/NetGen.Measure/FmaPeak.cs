using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Measure;

/// <summary>
/// Measures one core's FP32 fused multiply-add peak: 16 (AVX-512) or 12 independent accumulators (more than FMA latency
/// times throughput) of the widest accelerated vector, so the loop is bound only by the FMA units.
/// </summary>
internal static class FmaPeak
{
    public static (double GflopsPerSecond, int VectorBits) Measure(TimeSpan duration)
    {
        int bits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        (Func<long, float> kernel, int fmasPerIteration) = bits switch
        {
            512 => ((Func<long, float>)Run512, 16),
            256 => (Run256, 12),
            _ => (Run128, 12),
        };
        int lanes = bits / 32;
        kernel(1_000_000); // compile and warm up
        double best = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration)
        {
            const long iterations = 20_000_000;
            long start = Stopwatch.GetTimestamp();
            kernel(iterations);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, iterations * fmasPerIteration * lanes * 2.0 / seconds / 1e9); // FMAs of 2 flops per lane
        }

        return (best, bits);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run512(long iterations)
    {
        Vector512<float> a = Vector512.Create(0.999999f), b = Vector512.Create(1e-7f);
        Vector512<float> s0 = Vector512.Create(1f), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        Vector512<float> s8 = s0, s9 = s0, s10 = s0, s11 = s0, s12 = s0, s13 = s0, s14 = s0, s15 = s0;
        for (long i = 0; i < iterations; i++)
        {
            s0 = Vector512.FusedMultiplyAdd(s0, a, b); s1 = Vector512.FusedMultiplyAdd(s1, a, b);
            s2 = Vector512.FusedMultiplyAdd(s2, a, b); s3 = Vector512.FusedMultiplyAdd(s3, a, b);
            s4 = Vector512.FusedMultiplyAdd(s4, a, b); s5 = Vector512.FusedMultiplyAdd(s5, a, b);
            s6 = Vector512.FusedMultiplyAdd(s6, a, b); s7 = Vector512.FusedMultiplyAdd(s7, a, b);
            s8 = Vector512.FusedMultiplyAdd(s8, a, b); s9 = Vector512.FusedMultiplyAdd(s9, a, b);
            s10 = Vector512.FusedMultiplyAdd(s10, a, b); s11 = Vector512.FusedMultiplyAdd(s11, a, b);
            s12 = Vector512.FusedMultiplyAdd(s12, a, b); s13 = Vector512.FusedMultiplyAdd(s13, a, b);
            s14 = Vector512.FusedMultiplyAdd(s14, a, b); s15 = Vector512.FusedMultiplyAdd(s15, a, b);
        }

        return Vector512.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11 + s12 + s13 + s14 + s15);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run256(long iterations)
    {
        // Twelve accumulators, not sixteen: without AVX-512 there are sixteen vector registers, and
        // sixteen accumulators plus the two operands would spill, timing the stack instead of the FMA units.
        Vector256<float> a = Vector256.Create(0.999999f), b = Vector256.Create(1e-7f);
        Vector256<float> s0 = Vector256.Create(1f), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
        Vector256<float> s6 = s0, s7 = s0, s8 = s0, s9 = s0, s10 = s0, s11 = s0;
        for (long i = 0; i < iterations; i++)
        {
            s0 = Vector256.FusedMultiplyAdd(s0, a, b); s1 = Vector256.FusedMultiplyAdd(s1, a, b);
            s2 = Vector256.FusedMultiplyAdd(s2, a, b); s3 = Vector256.FusedMultiplyAdd(s3, a, b);
            s4 = Vector256.FusedMultiplyAdd(s4, a, b); s5 = Vector256.FusedMultiplyAdd(s5, a, b);
            s6 = Vector256.FusedMultiplyAdd(s6, a, b); s7 = Vector256.FusedMultiplyAdd(s7, a, b);
            s8 = Vector256.FusedMultiplyAdd(s8, a, b); s9 = Vector256.FusedMultiplyAdd(s9, a, b);
            s10 = Vector256.FusedMultiplyAdd(s10, a, b); s11 = Vector256.FusedMultiplyAdd(s11, a, b);
        }

        return Vector256.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run128(long iterations)
    {
        // Twelve accumulators, not sixteen: without AVX-512 there are sixteen vector registers, and
        // sixteen accumulators plus the two operands would spill, timing the stack instead of the FMA units.
        Vector128<float> a = Vector128.Create(0.999999f), b = Vector128.Create(1e-7f);
        Vector128<float> s0 = Vector128.Create(1f), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
        Vector128<float> s6 = s0, s7 = s0, s8 = s0, s9 = s0, s10 = s0, s11 = s0;
        for (long i = 0; i < iterations; i++)
        {
            s0 = Vector128.FusedMultiplyAdd(s0, a, b); s1 = Vector128.FusedMultiplyAdd(s1, a, b);
            s2 = Vector128.FusedMultiplyAdd(s2, a, b); s3 = Vector128.FusedMultiplyAdd(s3, a, b);
            s4 = Vector128.FusedMultiplyAdd(s4, a, b); s5 = Vector128.FusedMultiplyAdd(s5, a, b);
            s6 = Vector128.FusedMultiplyAdd(s6, a, b); s7 = Vector128.FusedMultiplyAdd(s7, a, b);
            s8 = Vector128.FusedMultiplyAdd(s8, a, b); s9 = Vector128.FusedMultiplyAdd(s9, a, b);
            s10 = Vector128.FusedMultiplyAdd(s10, a, b); s11 = Vector128.FusedMultiplyAdd(s11, a, b);
        }

        return Vector128.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11);
    }
}
