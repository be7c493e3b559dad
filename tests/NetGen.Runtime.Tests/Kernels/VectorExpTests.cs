using System;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Runtime.Tests.Kernels;

/// <summary>e^x, the sigmoid and tanh of the kernels against the same functions in double precision, at every width.</summary>
public sealed class VectorExpTests
{
    private const float Lowest = -87.33654f;

    private enum Function
    {
        Exp,
        Sigmoid,
        Tanh,
    }

    /// <summary>
    /// <paramref name="function"/> of every value, through 512-, 256- and 128-bit vectors and scalar code (emulated in
    /// software where the machine lacks a width): every lane must have the same bits at every width.
    /// </summary>
    private static float[] Apply(Function function, float[] x)
    {
        float[] wide = new float[x.Length], half = new float[x.Length], quarter = new float[x.Length], scalar = new float[x.Length];
        for (int i = 0; i + 16 <= x.Length; i += 16)
        {
            Run<Simd512, Vector512<float>>(function, Vector512.Create(x.AsSpan(i, 16))).CopyTo(wide.AsSpan(i, 16));
            for (int j = i; j < i + 16; j += 8)
            {
                Run<Simd256, Vector256<float>>(function, Vector256.Create(x.AsSpan(j, 8))).CopyTo(half.AsSpan(j, 8));
            }

            for (int j = i; j < i + 16; j += 4)
            {
                Run<Simd128, Vector128<float>>(function, Vector128.Create(x.AsSpan(j, 4))).CopyTo(quarter.AsSpan(j, 4));
            }

            for (int j = i; j < i + 16; j++)
            {
                scalar[j] = Run<Scalar, float>(function, x[j]);
            }
        }

        Assert.Equal(wide, half);
        Assert.Equal(wide, quarter);
        Assert.Equal(wide, scalar);
        return wide;
    }

    private static TVector Run<TSimd, TVector>(Function function, TVector x)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct => function switch
        {
            Function.Exp => VectorExp.Exp<TSimd, TVector>(x),
            Function.Sigmoid => VectorExp.Sigmoid<TSimd, TVector>(x),
            _ => VectorExp.Tanh<TSimd, TVector>(x),
        };

    /// <summary>Every 1/4096 from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static float[] Grid(float from, float to)
    {
        int count = (int)((to - from) * 4096) / 16 * 16;
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = from + (i / 4096f);
        }

        return x;
    }

    /// <summary>The largest error over <paramref name="x"/> in units of float's spacing at the exact value.</summary>
    private static double WorstUlp(Function function, float[] x, Func<double, double> exact)
    {
        float[] y = Apply(function, x);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = exact(x[i]);
            float rounded = (float)e;
            double ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded); // float's spacing at the exact value
            double error = Math.Abs(y[i] - e) / ulp;
            Assert.True(double.IsFinite(error), $"{function}({x[i]:R}) = {y[i]:R}, exactly {e:R}");
            worst = Math.Max(worst, error);
        }

        return worst;
    }

    [Fact]
    public void Exp_is_within_two_units_in_the_last_place_from_the_smallest_normal_result_up()
    {
        float[] x = Grid(-88f, 88f);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Max(Lowest, x[i]);
        }

        double worst = WorstUlp(Function.Exp, x, Math.Exp);
        Assert.InRange(worst, 0.01, 2);
    }

    [Fact]
    public void Exp_is_exact_at_zero_and_zero_below_the_smallest_normal_result()
    {
        float[] x = [0f, -0f, Lowest - 0.01f, -100f, -1e30f, float.NegativeInfinity, 1f, -1f, 2f, -2f, 0.5f, -0.5f, 10f, -10f, -87f, -87.3f];
        float[] e = Apply(Function.Exp, x);

        Assert.Equal(1f, e[0]);
        Assert.Equal(1f, e[1]);
        for (int i = 2; i < 6; i++)
        {
            Assert.Equal(0f, e[i]);
        }

        Assert.True(e[15] >= 1.1754944e-38f, $"e^-87.3 = {e[15]:R} is a normal number");
    }

    [Fact]
    public void Exp_keeps_NaN_and_stays_finite_on_large_values()
    {
        float[] x = [float.NaN, 88f, 100f, float.PositiveInfinity, 1e30f, -float.NaN, 50f, 87.9f, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] e = Apply(Function.Exp, x);

        Assert.True(float.IsNaN(e[0]));
        Assert.True(float.IsNaN(e[5]));
        float e88 = (float)Math.Exp(88);
        for (int i = 1; i < 5; i++)
        {
            Assert.True(float.IsFinite(e[i]), $"e^{x[i]} = {e[i]}");
            Assert.InRange(e[i], e88 * 0.9999998f, e88 * 1.0000002f);
        }
    }

    [Fact]
    public void Sigmoid_is_within_four_units_in_the_last_place()
    {
        // below -87 the result is under float's smallest normal number, where ulps stop meaning much
        double worst = WorstUlp(Function.Sigmoid, Grid(-80f, 40f), x => 1 / (1 + Math.Exp(-x)));
        Assert.InRange(worst, 0.01, 4);
    }

    [Fact]
    public void Tanh_is_within_four_units_in_the_last_place_and_keeps_small_values()
    {
        double worst = WorstUlp(Function.Tanh, Grid(-10f, 10f), Math.Tanh);
        Assert.InRange(worst, 0.01, 4);

        // near 0, tanh x = x to float precision: the polynomial keeps x's low bits
        float[] tiny = [1e-3f, -1e-3f, 1e-6f, -1e-6f, 1e-20f, -1e-20f, 0f, -0f, 0.6249f, -0.6249f, 0.6251f, -0.6251f, 3e-8f, 1e-38f, 2f, -2f];
        float[] y = Apply(Function.Tanh, tiny);
        for (int i = 0; i < tiny.Length; i++)
        {
            double exact = Math.Tanh(tiny[i]);
            Assert.True(Math.Abs(y[i] - exact) <= Math.Abs(exact) * 5e-7, $"tanh {tiny[i]:R} = {y[i]:R}, exactly {exact:R}");
        }
    }

    [Fact]
    public void Sigmoid_and_tanh_saturate_and_keep_NaN()
    {
        float[] x = [float.NegativeInfinity, -1000f, -100f, 100f, 1000f, float.PositiveInfinity, float.NaN, 0f, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] s = Apply(Function.Sigmoid, x);
        float[] t = Apply(Function.Tanh, x);

        Assert.InRange(s[0], 0f, 1e-38f);
        Assert.InRange(s[1], 0f, 1e-38f);
        Assert.InRange(s[2], 0f, 1e-38f);
        Assert.Equal([1f, 1f, 1f], s[3..6]);
        Assert.Equal(0.5f, s[7]);
        Assert.Equal([-1f, -1f, -1f, 1f, 1f, 1f], t[..6]);
        Assert.Equal(0f, t[7]);
        Assert.True(float.IsNaN(s[6]) && float.IsNaN(t[6]));
    }
}
