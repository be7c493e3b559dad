using System;
using System.Linq;
using System.Runtime.CompilerServices;
using NetGen.Data;
using NetGen.Tests;

namespace NetGen.Runtime.Tests;

public sealed class DatasetTests
{
    /// <summary>Ten samples whose features, targets and labels all encode the sample's original index.</summary>
    private static Dataset Numbered(int count = 10)
    {
        float[] features = [.. Enumerable.Range(0, count).SelectMany(i => new[] { i, i + 0.5f })];
        int[] labels = [.. Enumerable.Range(0, count).Select(i => i % 3)];
        return Dataset.FromLabels(features, 2, labels, 3);
    }

    [Fact]
    public void Shuffle_keeps_features_targets_and_labels_together()
    {
        Dataset data = Numbered();
        data.Shuffle(seed: 5);

        for (int row = 0; row < data.Count; row++)
        {
            int original = (int)data.GetFeatures(row)[0];
            Assert.Equal(original + 0.5f, data.GetFeatures(row)[1]);
            Assert.Equal(original % 3, data.Labels[row]);
            Assert.Equal(1f, data.GetTarget(row)[original % 3]);
        }

        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (float)i), Order(data));
    }

    [Fact]
    public void The_order_depends_only_on_the_seed_not_on_earlier_shuffles()
    {
        Dataset once = Numbered(), many = Numbered();
        once.Shuffle(seed: 42);
        many.Shuffle(seed: 1);
        many.Shuffle(seed: 7);
        many.Shuffle(seed: 42);

        Assert.Equal(Order(once), Order(many));
        many.Unshuffle();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), Order(many));
    }

    [Fact]
    public void The_order_is_the_fisher_yates_shuffle_of_the_seed()
    {
        Dataset data = Numbered();
        data.Shuffle(seed: 9);

        int[] expected = [.. Enumerable.Range(0, 10)];
        var random = new DeterministicRandom(9);
        for (int i = expected.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }

        Assert.Equal(expected.Select(i => (float)i), Order(data));
    }

    [Fact]
    public void Shuffling_again_allocates_nothing()
    {
        Dataset data = Numbered(1000);
        data.Shuffle(1);
        long seed = 2;
        long[] rounds = SteadyState.AllocatedBytesPerRound(() =>
        {
            data.Shuffle(seed++);
            data.Shuffle(seed++);
        });

        Assert.True(rounds.Count(r => r == 0) >= 4, SteadyState.Describe(rounds));
    }

    [Fact]
    public void Batches_are_views_over_the_rows_and_cover_them_once()
    {
        Dataset data = Numbered();
        int seen = 0, batches = 0;
        foreach (Batch batch in data.Batches(4))
        {
            Assert.True(Unsafe.AreSame(in batch.Inputs[0], in data.Features[batch.Start * 2]), "a batch must not copy");
            Assert.Equal(batch.Count * 2, batch.Inputs.Length);
            Assert.Equal(batch.Count * 3, batch.Targets.Length);
            Assert.Equal(batch.Count, batch.Labels.Length);
            seen += batch.Count;
            batches++;
        }

        Assert.Equal((10, 3), (seen, batches));
        Assert.Equal(3, data.Batches(4).Count);
    }

    [Fact]
    public void Split_copies_the_two_parts_in_order()
    {
        Dataset data = Numbered();
        (Dataset train, Dataset validation) = data.Split(0.3);

        Assert.Equal((7, 3), (train.Count, validation.Count));
        Assert.Equal([7f, 8f, 9f], Order(validation));
        Assert.Equal([1, 2, 0], validation.Labels.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(1.5));
    }

    [Fact]
    public void Mismatched_arrays_and_labels_outside_the_classes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Dataset(new float[7], 2, new float[3], 1));
        Assert.Throws<ArgumentException>(() => new Dataset(new float[6], 2, new float[4], 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromLabels(new float[4], 2, [0, 3], 3));
        Assert.Contains("sample 1 is 3", e.Message, StringComparison.Ordinal);
    }

    private static float[] Order(Dataset data) => [.. Enumerable.Range(0, data.Count).Select(i => data.GetFeatures(i)[0])];
}
