using System;
using System.Linq;

namespace NetGen.Tests.Oracle;

/// <summary>Float results against double references.</summary>
public static class Compare
{
    /// <summary>
    /// Asserts |actual - expected| &lt;= relative * |expected| + absolute * max|expected| for every element:
    /// float rounding passes, a wrong formula (an error of the order of the values) fails.
    /// </summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, string what, double relative = 1e-3, double absolute = 1e-4)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (double e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }

        for (int k = 0; k < expected.Length; k++)
        {
            double tolerance = (relative * Math.Abs(expected[k])) + (absolute * scale) + 1e-12;
            if (!(Math.Abs(actual[k] - expected[k]) <= tolerance))
            {
                Xunit.Assert.Fail($"{what}[{k}] is {actual[k]:R}, expected {expected[k]:R} (tolerance {tolerance:G3}, scale {scale:G3})");
            }
        }
    }

    public static void Close(float actual, double expected, string what, double relative = 1e-4) =>
        Close([actual], [expected], what, relative, 0);

    public static double[] ToDouble(ReadOnlySpan<float> values) => [.. values.ToArray().Select(v => (double)v)];
}
