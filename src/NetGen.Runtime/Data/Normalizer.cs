using System;

namespace NetGen.Data;

/// <summary>How <see cref="Normalizer"/> rescales each feature.</summary>
public enum Normalization
{
    /// <summary>Features are left as they are.</summary>
    None = 0,

    /// <summary>x' = (x - min) / (max - min), so the training split spans [0, 1].</summary>
    MinMax = 1,

    /// <summary>x' = (x - mean) / standard deviation, so the training split has mean 0 and variance 1.</summary>
    ZScore = 2,
}

/// <summary>
/// A per-feature affine rescaling, x' = (x - offset) * scale, fitted on a training split and applied
/// unchanged to validation and test data (and to samples at inference time).
/// </summary>
public sealed class Normalizer
{
    private readonly float[] _offset;
    private readonly float[] _scale;

    private Normalizer(Normalization kind, float[] offset, float[] scale)
    {
        Kind = kind;
        _offset = offset;
        _scale = scale;
    }

    /// <summary>How the features are rescaled.</summary>
    public Normalization Kind { get; }

    /// <summary>What is subtracted from each feature.</summary>
    public ReadOnlySpan<float> Offset => _offset;

    /// <summary>What each feature is then multiplied by.</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>Computes the rescaling of each feature from <paramref name="training"/>. A constant feature is only shifted.</summary>
    public static Normalizer Fit(Dataset training, Normalization kind)
    {
        ArgumentNullException.ThrowIfNull(training);
        int size = training.FeatureSize;
        var offset = new float[size];
        var scale = new float[size];
        scale.AsSpan().Fill(1f);
        if (kind == Normalization.None || training.Count == 0)
        {
            return new Normalizer(kind, offset, scale);
        }

        ReadOnlySpan<float> x = training.Features;
        for (int f = 0; f < size; f++)
        {
            double min = double.MaxValue, max = double.MinValue, sum = 0, squares = 0;
            for (int s = 0; s < training.Count; s++)
            {
                double v = x[(s * size) + f];
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                sum += v;
                squares += v * v;
            }

            double mean = sum / training.Count;
            double spread = kind == Normalization.MinMax
                ? max - min
                : Math.Sqrt(Math.Max(0, (squares / training.Count) - (mean * mean)));
            offset[f] = (float)(kind == Normalization.MinMax ? min : mean);
            scale[f] = spread > 0 ? (float)(1 / spread) : 1f;
        }

        return new Normalizer(kind, offset, scale);
    }

    /// <summary>Rescales every feature row of <paramref name="data"/> in place.</summary>
    public void Apply(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureSize != _offset.Length)
        {
            throw new ArgumentException($"data has {data.FeatureSize} features, but this normalizer was fitted on {_offset.Length}.", nameof(data));
        }

        Apply(data.MutableFeatures);
    }

    /// <summary>Rescales one or more feature rows in place, such as a sample about to be classified.</summary>
    public void Apply(Span<float> rows)
    {
        int size = _offset.Length;
        if (rows.Length % size != 0)
        {
            throw new ArgumentException($"rows holds {rows.Length} values, not a whole number of rows of {size} features.", nameof(rows));
        }

        for (int start = 0; start < rows.Length; start += size)
        {
            Span<float> row = rows.Slice(start, size);
            for (int f = 0; f < size; f++)
            {
                row[f] = (row[f] - _offset[f]) * _scale[f];
            }
        }
    }
}
