using System;
using System.Globalization;
using System.Text;

namespace NetGen.Evaluation;

/// <summary>Counts of (actual class, predicted class) pairs.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    /// <summary>An empty matrix for <paramref name="classCount"/> classes.</summary>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ClassCount = classCount;
        _counts = new int[classCount * classCount];
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Number of samples counted.</summary>
    public int Total { get; private set; }

    /// <summary>Number of samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[(actual * ClassCount) + predicted];

    /// <summary>Fraction of samples predicted correctly.</summary>
    public double Accuracy
    {
        get
        {
            int correct = 0;
            for (int k = 0; k < ClassCount; k++)
            {
                correct += this[k, k];
            }

            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>Counts one sample.</summary>
    public void Add(int actual, int predicted)
    {
        if ((uint)actual >= (uint)ClassCount || (uint)predicted >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), $"Classes must be in [0, {ClassCount}); got actual {actual}, predicted {predicted}.");
        }

        _counts[(actual * ClassCount) + predicted]++;
        Total++;
    }

    /// <summary>Of the samples predicted as <paramref name="k"/>, the fraction that are <paramref name="k"/>.</summary>
    public double Precision(int k)
    {
        int predicted = 0;
        for (int a = 0; a < ClassCount; a++)
        {
            predicted += this[a, k];
        }

        return predicted == 0 ? 0 : (double)this[k, k] / predicted;
    }

    /// <summary>Of the samples of class <paramref name="k"/>, the fraction predicted as <paramref name="k"/>.</summary>
    public double Recall(int k)
    {
        int actual = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            actual += this[k, p];
        }

        return actual == 0 ? 0 : (double)this[k, k] / actual;
    }

    /// <summary>The matrix as text: one row per actual class, one column per predicted class.</summary>
    public override string ToString()
    {
        int width = Math.Max(5, Total.ToString(CultureInfo.InvariantCulture).Length + 1);
        var text = new StringBuilder();
        text.Append("actual\\predicted".PadRight(18));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(p.ToString(CultureInfo.InvariantCulture).PadLeft(width));
        }

        text.AppendLine();
        for (int a = 0; a < ClassCount; a++)
        {
            text.Append(a.ToString(CultureInfo.InvariantCulture).PadRight(18));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(this[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
