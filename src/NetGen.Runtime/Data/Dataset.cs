using System;
using System.Collections.Generic;

namespace NetGen.Data;

/// <summary>
/// Samples held as contiguous rows: <see cref="Count"/> feature rows of <see cref="FeatureSize"/> floats
/// and as many target rows of <see cref="TargetSize"/> floats, plus a class label per sample when the
/// targets are one-hot classes. Batches are spans over consecutive rows, so they copy nothing.
/// </summary>
/// <remarks>
/// <see cref="Shuffle"/> rearranges the rows in place into the order a seed determines; the order
/// depends only on the seed, not on earlier shuffles, so a training run can be resumed exactly.
/// </remarks>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly float[] _targets;
    private readonly int[] _labels;

    // Shuffling state: which original sample each row holds, and the reverse; allocated on first shuffle.
    private int[]? _original;
    private int[]? _rowOf;
    private int[]? _wanted;
    private float[]? _scratch;

    /// <summary>Creates a dataset over existing arrays (not copied).</summary>
    /// <param name="features">Count rows of <paramref name="featureSize"/> values.</param>
    /// <param name="featureSize">Values per sample.</param>
    /// <param name="targets">Count rows of <paramref name="targetSize"/> values.</param>
    /// <param name="targetSize">Target values per sample.</param>
    /// <param name="labels">The class of each sample, or <see langword="null"/> when the targets are not classes.</param>
    /// <param name="classNames">Names of the classes, when known.</param>
    public Dataset(float[] features, int featureSize, float[] targets, int targetSize, int[]? labels = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetSize);
        if (features.Length % featureSize != 0)
        {
            throw new ArgumentException($"features holds {features.Length} values, not a whole number of rows of {featureSize}.", nameof(features));
        }

        int count = features.Length / featureSize;
        if (targets.Length != count * targetSize)
        {
            throw new ArgumentException($"targets holds {targets.Length} values, but {count} rows of {targetSize} are needed.", nameof(targets));
        }

        if (labels is not null && labels.Length != count)
        {
            throw new ArgumentException($"labels holds {labels.Length} values, but there are {count} samples.", nameof(labels));
        }

        _features = features;
        _targets = targets;
        _labels = labels ?? [];
        FeatureSize = featureSize;
        TargetSize = targetSize;
        Count = count;
        ClassNames = classNames;
    }

    /// <summary>A classification dataset: the targets are the one-hot encodings of <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, <paramref name="classCount"/>).</exception>
    public static Dataset FromLabels(float[] features, int featureSize, ReadOnlySpan<int> labels, int classCount, IReadOnlyList<string>? classNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        var targets = new float[labels.Length * classCount];
        for (int s = 0; s < labels.Length; s++)
        {
            if ((uint)labels[s] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[s], $"Label of sample {s} is {labels[s]}, outside the {classCount} classes [0, {classCount}).");
            }

            targets[(s * classCount) + labels[s]] = 1f;
        }

        return new Dataset(features, featureSize, targets, classCount, labels.ToArray(), classNames);
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Values per feature row.</summary>
    public int FeatureSize { get; }

    /// <summary>Values per target row.</summary>
    public int TargetSize { get; }

    /// <summary>Whether each sample has a class label (the targets are one-hot).</summary>
    public bool HasLabels => _labels.Length == Count && Count > 0;

    /// <summary>Names of the classes, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Every feature row, one after another, in the current order.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>The feature rows for in-place preprocessing by the runtime (normalisation).</summary>
    internal Span<float> MutableFeatures => _features;

    /// <summary>Every target row, one after another, in the current order.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>The class of every sample in the current order; empty when there are no labels.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The feature row of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetFeatures(int index) => _features.AsSpan(index * FeatureSize, FeatureSize);

    /// <summary>The target row of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetTarget(int index) => _targets.AsSpan(index * TargetSize, TargetSize);

    /// <summary>
    /// Puts the rows in the order a Fisher-Yates shuffle of the original order gives for <paramref name="seed"/>,
    /// the same on every machine. Moves rows in place; allocates only on the first call.
    /// </summary>
    public void Shuffle(long seed)
    {
        if (Count < 2)
        {
            return;
        }

        int[] wanted = EnsureShuffleState();
        for (int i = 0; i < Count; i++)
        {
            wanted[i] = i;
        }

        var random = new DeterministicRandom(seed);
        random.Shuffle(wanted.AsSpan());
        Arrange(wanted);
    }

    /// <summary>Puts the rows back in their original order.</summary>
    public void Unshuffle()
    {
        if (_original is null)
        {
            return;
        }

        for (int i = 0; i < Count; i++)
        {
            _wanted![i] = i;
        }

        Arrange(_wanted!);
    }

    /// <summary>Consecutive batches of at most <paramref name="batchSize"/> rows in the current order; the last may be shorter.</summary>
    public BatchEnumerable Batches(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return new BatchEnumerable(this, batchSize);
    }

    /// <summary>The <paramref name="count"/> rows from <paramref name="start"/> on, as one batch.</summary>
    public Batch Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count, nameof(count));
        return new Batch(
            start,
            count,
            _features.AsSpan(start * FeatureSize, count * FeatureSize),
            _targets.AsSpan(start * TargetSize, count * TargetSize),
            HasLabels ? _labels.AsSpan(start, count) : default);
    }

    /// <summary>
    /// Splits the samples, in their current order, into a first part of <paramref name="firstCount"/>
    /// samples and a second part of the rest. Both are copies; shuffle before splitting for a random split.
    /// </summary>
    public (Dataset First, Dataset Second) Split(int firstCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstCount, Count);
        return (Copy(0, firstCount), Copy(firstCount, Count - firstCount));
    }

    /// <summary>Splits off the last <paramref name="fraction"/> of the samples, e.g. 0.1 for a 90/10 train/validation split.</summary>
    public (Dataset First, Dataset Second) Split(double fraction)
    {
        if (!(fraction >= 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "fraction must be in [0, 1].");
        }

        return Split(Count - (int)Math.Round(Count * fraction));
    }

    /// <summary>A copy of <paramref name="count"/> samples from <paramref name="start"/> on.</summary>
    public Dataset Copy(int start, int count)
    {
        Batch slice = Slice(start, count);
        return new Dataset(
            slice.Inputs.ToArray(),
            FeatureSize,
            slice.Targets.ToArray(),
            TargetSize,
            HasLabels ? slice.Labels.ToArray() : null,
            ClassNames);
    }

    /// <summary>Allocates the shuffling state on first use; returns the buffer for the wanted order.</summary>
    private int[] EnsureShuffleState()
    {
        if (_wanted is not null)
        {
            return _wanted;
        }

        _original = new int[Count];
        _rowOf = new int[Count];
        _wanted = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            _original[i] = i;
            _rowOf[i] = i;
        }

        _scratch = new float[Math.Max(FeatureSize, TargetSize)];
        return _wanted;
    }

    /// <summary>Moves rows so that row i holds original sample wanted[i]: one swap fixes each row, so at most Count swaps.</summary>
    private void Arrange(int[] wanted)
    {
        for (int row = 0; row < Count; row++)
        {
            int from = _rowOf![wanted[row]];
            if (from != row)
            {
                SwapRows(row, from);
            }
        }
    }

    private void SwapRows(int a, int b)
    {
        Swap(_features, FeatureSize, a, b);
        Swap(_targets, TargetSize, a, b);
        if (HasLabels)
        {
            (_labels[a], _labels[b]) = (_labels[b], _labels[a]);
        }

        (_original![a], _original[b]) = (_original[b], _original[a]);
        _rowOf![_original[a]] = a;
        _rowOf[_original[b]] = b;
    }

    private void Swap(float[] values, int size, int a, int b)
    {
        Span<float> scratch = _scratch.AsSpan(0, size);
        Span<float> rowA = values.AsSpan(a * size, size), rowB = values.AsSpan(b * size, size);
        rowA.CopyTo(scratch);
        rowB.CopyTo(rowA);
        scratch.CopyTo(rowB);
    }
}

/// <summary>Consecutive rows of a <see cref="Dataset"/>, as spans over its arrays.</summary>
public readonly ref struct Batch
{
    internal Batch(int start, int count, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ReadOnlySpan<int> labels)
    {
        Start = start;
        Count = count;
        Inputs = inputs;
        Targets = targets;
        Labels = labels;
    }

    /// <summary>Index of the first row in the dataset.</summary>
    public int Start { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>The samples' features, row after row.</summary>
    public ReadOnlySpan<float> Inputs { get; }

    /// <summary>The samples' targets, row after row.</summary>
    public ReadOnlySpan<float> Targets { get; }

    /// <summary>The samples' class labels; empty when the dataset has none.</summary>
    public ReadOnlySpan<int> Labels { get; }
}

/// <summary>Enumerates the batches of a dataset without allocating.</summary>
public readonly struct BatchEnumerable(Dataset dataset, int batchSize)
{
    /// <summary>Number of batches.</summary>
    public int Count => (dataset.Count + batchSize - 1) / batchSize;

    /// <summary>Starts before the first batch.</summary>
    public Enumerator GetEnumerator() => new(dataset, batchSize);

    /// <summary>The enumerator of <see cref="BatchEnumerable"/>.</summary>
    public struct Enumerator(Dataset dataset, int batchSize)
    {
        private int _start = -batchSize;

        /// <summary>The current batch.</summary>
        public readonly Batch Current => dataset.Slice(_start, Math.Min(batchSize, dataset.Count - _start));

        /// <summary>Advances to the next batch; false after the last.</summary>
        public bool MoveNext()
        {
            _start += batchSize;
            return _start < dataset.Count;
        }
    }
}
