using System;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Runtime.Tests.Kernels;

/// <summary>The softmax's e^x against e^x in double precision, at both widths.</summary>
public sealed class VectorExpTests
{
    private const float Lowest = -87.33654f;

    /// <summary>e^x of every lane of a vector of sixteen, through the 512-bit and four 128-bit calls: they must agree bit for bit.</summary>
    private static float[] Exp(float[] x)
    {
        var wide = new float[x.Length];
        var narrow = new float[x.Length];
        for (int i = 0; i + 16 <= x.Length; i += 16)
        {
            VectorExp.Exp(Vector512.Create(x.AsSpan(i, 16))).CopyTo(wide.AsSpan(i, 16));
            for (int j = i; j < i + 16; j += 4)
            {
                VectorExp.Exp(Vector128.Create(x.AsSpan(j, 4))).CopyTo(narrow.AsSpan(j, 4));
            }
        }

        Assert.Equal(wide, narrow);
        return wide;
    }

    [Fact]
    public void It_is_within_two_units_in_the_last_place_from_the_smallest_normal_result_up()
    {
        // every 1/4096 of the range the softmax uses and beyond it, and the values around its ends
        const int Count = 176 * 4096;
        var x = new float[Count];
        for (int i = 0; i < Count; i++)
        {
            x[i] = Math.Max(Lowest, -88f + (i / 4096f));
        }

        float[] e = Exp(x);
        double worst = 0;
        for (int i = 0; i < Count; i++)
        {
            double exact = Math.Exp(x[i]);
            double ulp = MathF.BitIncrement((float)exact) - (float)exact; // float's spacing at the exact value
            double error = Math.Abs(e[i] - exact) / ulp;
            Assert.True(error <= 2, $"e^{x[i]:R}: {e[i]:R} against {exact:R}, {error:F2} ulp");
            worst = Math.Max(worst, error);
        }

        Assert.True(worst > 0, "no rounding error at all: the oracle is not being compared");
    }

    [Fact]
    public void It_is_exact_at_zero_and_zero_below_the_smallest_normal_result()
    {
        float[] x = [0f, -0f, Lowest - 0.01f, -100f, -1e30f, float.NegativeInfinity, 1f, -1f, 2f, -2f, 0.5f, -0.5f, 10f, -10f, -87f, -87.3f];
        float[] e = Exp(x);

        Assert.Equal(1f, e[0]);
        Assert.Equal(1f, e[1]);
        for (int i = 2; i < 6; i++)
        {
            Assert.Equal(0f, e[i]);
        }

        Assert.True(e[15] >= 1.1754944e-38f, $"e^-87.3 = {e[15]:R} is a normal number");
    }

    [Fact]
    public void NaN_stays_NaN_and_large_values_stay_finite()
    {
        float[] x = [float.NaN, 88f, 100f, float.PositiveInfinity, 1e30f, -float.NaN, 50f, 87.9f, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] e = Exp(x);

        Assert.True(float.IsNaN(e[0]));
        Assert.True(float.IsNaN(e[5]));
        float e88 = (float)Math.Exp(88);
        for (int i = 1; i < 5; i++)
        {
            Assert.True(float.IsFinite(e[i]), $"e^{x[i]} = {e[i]}");
            Assert.InRange(e[i], e88 * 0.9999998f, e88 * 1.0000002f);
        }
    }
}
