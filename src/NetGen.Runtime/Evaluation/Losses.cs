using System;

namespace NetGen.Evaluation;

/// <summary>
/// The losses of design.md computed from a network's output y and a target t, for evaluation (the
/// generated Backward computes the same values from z, where the loss is fused with the output activation).
/// </summary>
public static class Losses
{
    /// <summary>ln of the smallest normal float: ln y is never taken below it, so a saturated output costs about 87, not infinity.</summary>
    private const float SmallestNormal = 1.17549435E-38f;

    /// <summary>The loss of one sample.</summary>
    public static float Compute(Loss loss, ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        if (output.Length != target.Length)
        {
            throw new ArgumentException($"output has {output.Length} values but target has {target.Length}.", nameof(target));
        }

        return loss switch
        {
            Loss.CrossEntropy => CrossEntropy(output, target),
            Loss.BinaryCrossEntropy => BinaryCrossEntropy(output, target),
            _ => SquaredError(output, target),
        };
    }

    /// <summary>E = 1/2 sum (y - t)^2.</summary>
    public static float SquaredError(ReadOnlySpan<float> y, ReadOnlySpan<float> t)
    {
        float sum = 0;
        for (int j = 0; j < y.Length; j++)
        {
            float e = y[j] - t[j];
            sum += e * e;
        }

        return 0.5f * sum;
    }

    /// <summary>E = -sum t ln y.</summary>
    public static float CrossEntropy(ReadOnlySpan<float> y, ReadOnlySpan<float> t)
    {
        float sum = 0;
        for (int j = 0; j < y.Length; j++)
        {
            if (t[j] != 0)
            {
                sum -= t[j] * MathF.Log(MathF.Max(y[j], SmallestNormal));
            }
        }

        return sum;
    }

    /// <summary>E = -sum [t ln y + (1 - t) ln(1 - y)].</summary>
    public static float BinaryCrossEntropy(ReadOnlySpan<float> y, ReadOnlySpan<float> t)
    {
        float sum = 0;
        for (int j = 0; j < y.Length; j++)
        {
            sum -= (t[j] * MathF.Log(MathF.Max(y[j], SmallestNormal))) + ((1 - t[j]) * MathF.Log(MathF.Max(1 - y[j], SmallestNormal)));
        }

        return sum;
    }

    /// <summary>
    /// The class an output votes for: the index of the largest value, or for a single output,
    /// 1 when it is at least 0.5 (a sigmoid's probability) and 0 otherwise.
    /// </summary>
    public static int PredictedClass(ReadOnlySpan<float> output)
    {
        if (output.Length == 1)
        {
            return output[0] >= 0.5f ? 1 : 0;
        }

        int best = 0;
        for (int j = 1; j < output.Length; j++)
        {
            if (output[j] > output[best])
            {
                best = j;
            }
        }

        return best;
    }
}
