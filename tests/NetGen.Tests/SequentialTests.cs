using System;
using System.Linq;
using NetGen.Tests.Oracle;

namespace NetGen.Tests;

/// <summary>
/// TrainSequential fuses each sample's first-layer update with the next sample's forward pass; it must
/// give exactly what TrainBatch gives on one sample at a time.
/// </summary>
public sealed class SequentialTests
{
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void TrainSequential_equals_TrainBatch_on_each_sample_bit_for_bit(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork fused = c.Create(12), oneByOne = c.Create(12);
        (float[] inputs, float[] targets) = c.Batch(9, seed: 31);
        int n = fused.InputSize, m = fused.OutputSize;

        float meanLoss = fused.TrainSequential(inputs, targets, 0.05f);

        double loss = 0;
        for (int s = 0; s < 9; s++)
        {
            loss += oneByOne.TrainBatch(inputs.AsSpan(s * n, n), targets.AsSpan(s * m, m), 0.05f);
        }

        Assert.Equal(oneByOne.Parameters.ToArray(), fused.Parameters.ToArray());
        Assert.Equal(oneByOne.OptimizerState.ToArray(), fused.OptimizerState.ToArray());
        Assert.Equal(9, fused.StepCount);
        Assert.Equal((float)(loss / 9), meanLoss, 5);
    }

    [Fact]
    public void TrainSequential_of_one_sample_and_argument_checks()
    {
        var fused = new MnistNet(1);
        var single = new MnistNet(1);
        (float[] inputs, float[] targets) = NetworkCases.Get("MnistNet").Batch(1, seed: 2);

        fused.TrainSequential(inputs, targets, 0.1f);
        single.TrainBatch(inputs, targets, 0.1f);

        Assert.Equal(single.Parameters.ToArray(), fused.Parameters.ToArray());
        Assert.Throws<ArgumentException>(() => fused.TrainSequential([], [], 0.1f));
        Assert.Throws<ArgumentException>(() => fused.TrainSequential(new float[784], new float[9], 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => fused.TrainSequential(inputs, targets, float.NaN));
    }

    [Fact]
    public void TrainSequential_leaves_gradients_zero_even_after_a_backward()
    {
        var network = new ReluSoftmaxNet(3);
        (float[] inputs, float[] targets) = NetworkCases.Get("ReluSoftmaxNet").Batch(4, seed: 5);
        network.Backward(inputs.AsSpan(0, 13), targets.AsSpan(0, 7));

        network.TrainSequential(inputs, targets, 0.1f);

        Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    /// <summary>Below, at and above the size from which TrainBatch switches to matrix products, with remainder tiles.</summary>
    [Theory]
    [InlineData("MnistNet", 2)]
    [InlineData("MnistNet", 3)]
    [InlineData("MnistNet", 4)]
    [InlineData("MnistNet", 13)]
    [InlineData("MnistNet", 64)]
    [InlineData("DeepNet", 7)]
    [InlineData("DeepNet", 37)]
    [InlineData("LeakyTanhBceNet", 11)]
    [InlineData("AdamWNet", 6)]
    [InlineData("MomentumNet", 19)]
    public void TrainBatch_of_any_size_matches_the_oracle(string name, int count)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(4);
        double[] p = Compare.ToDouble(network.Parameters);
        (float[] inputs, float[] targets) = c.Batch(count, seed: 50 + count);
        int n = network.InputSize, m = network.OutputSize;

        var mean = new double[p.Length];
        double loss = 0;
        for (int s = 0; s < count; s++)
        {
            double[] x = Compare.ToDouble(inputs.AsSpan(s * n, n)), t = Compare.ToDouble(targets.AsSpan(s * m, m));
            loss += c.Reference.LossAt(p, x, t);
            double[] g = c.Reference.Gradient(p, x, t);
            for (int k = 0; k < g.Length; k++)
            {
                mean[k] += g[k] / count;
            }
        }

        var oracle = new ReferenceOptimizer(network.Info.Optimizer, [.. p]);
        oracle.Step(mean, 0.1);

        float batchLoss = network.TrainBatch(inputs, targets, 0.1f);

        Compare.Close(batchLoss, loss / count, $"{name} mean loss of {count}");
        Compare.Close(network.Parameters, oracle.Parameters, $"{name} parameters after a batch of {count}", relative: 1e-4, absolute: 1e-5);
    }
}
