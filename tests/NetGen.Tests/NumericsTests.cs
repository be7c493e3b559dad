using System;
using System.Linq;
using NetGen.Tests.Oracle;

namespace NetGen.Tests;

/// <summary>
/// Forward, Backward and Predict of every test network against the double-precision oracle, and the
/// oracle itself against central finite differences.
/// </summary>
public sealed class NumericsTests
{
    private const int SamplesPerNetwork = 4;

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Oracle_gradient_matches_central_finite_differences(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(7);
        double[] p = Compare.ToDouble(network.Parameters);
        var random = new DeterministicRandom(11);
        (float[] input, float[] target) = c.Sample(ref random);
        double[] x = Compare.ToDouble(input), t = Compare.ToDouble(target);

        double[] gradient = c.Reference.Gradient(p, x, t);

        // Every parameter of the small networks; an evenly spread subset of the large ones.
        int stride = Math.Max(1, p.Length / 400);
        for (int k = 0; k < p.Length; k += stride)
        {
            double numeric = FiniteDifferences.Derivative(q => c.Reference.LossAt(q, x, t), p, k);
            double tolerance = 1e-7 + (1e-5 * Math.Abs(numeric));
            Assert.True(
                Math.Abs(gradient[k] - numeric) <= tolerance,
                $"{name}: oracle dE/dp[{k}] = {gradient[k]:R}, finite differences {numeric:R}");
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Forward_matches_the_oracle(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(3);
        double[] p = Compare.ToDouble(network.Parameters);
        var random = new DeterministicRandom(5);
        var output = new float[network.OutputSize];

        for (int s = 0; s < SamplesPerNetwork; s++)
        {
            (float[] input, _) = c.Sample(ref random);
            network.Forward(input, output);
            Compare.Close(output, c.Reference.Forward(p, Compare.ToDouble(input)), $"{name} output");
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Backward_returns_the_loss_and_adds_every_gradient_the_oracle_computes(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(9);
        double[] p = Compare.ToDouble(network.Parameters);
        var random = new DeterministicRandom(13);

        for (int s = 0; s < SamplesPerNetwork; s++)
        {
            (float[] input, float[] target) = c.Sample(ref random);
            double[] x = Compare.ToDouble(input), t = Compare.ToDouble(target);

            network.ZeroGradients();
            float loss = network.Backward(input, target);

            Compare.Close(loss, c.Reference.LossAt(p, x, t), $"{name} loss");
            Compare.Close(network.Gradients, c.Reference.Gradient(p, x, t), $"{name} dE/dp");
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Backward_accumulates_over_samples(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(1);
        double[] p = Compare.ToDouble(network.Parameters);
        (float[] inputs, float[] targets) = c.Batch(3, seed: 17);
        int n = network.InputSize, m = network.OutputSize;

        network.ZeroGradients();
        var expected = new double[network.ParameterCount];
        for (int s = 0; s < 3; s++)
        {
            network.Backward(inputs.AsSpan(s * n, n), targets.AsSpan(s * m, m));
            double[] g = c.Reference.Gradient(p, Compare.ToDouble(inputs.AsSpan(s * n, n)), Compare.ToDouble(targets.AsSpan(s * m, m)));
            for (int k = 0; k < g.Length; k++)
            {
                expected[k] += g[k];
            }
        }

        Compare.Close(network.Gradients, expected, $"{name} accumulated dE/dp");
        Assert.Equal(Compare.ToDouble(network.Parameters), p);
    }

    /// <summary>Predict goes through matrix products from 4 samples on, Forward through matrix-vector products.</summary>
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Predict_matches_the_oracle_and_forward_row_by_row(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(2);
        double[] p = Compare.ToDouble(network.Parameters);
        int n = network.InputSize, m = network.OutputSize;
        var single = new float[m];

        foreach (int count in new[] { 1, 3, 4, 7, 13 })
        {
            (float[] inputs, _) = c.Batch(count, seed: 23 + count);
            var outputs = new float[count * m];
            network.Predict(inputs, outputs);

            for (int s = 0; s < count; s++)
            {
                ReadOnlySpan<float> row = outputs.AsSpan(s * m, m);
                Compare.Close(row, c.Reference.Forward(p, Compare.ToDouble(inputs.AsSpan(s * n, n))), $"{name} Predict of {count}, row {s}");
                network.Forward(inputs.AsSpan(s * n, n), single);
                Compare.Close(row, Compare.ToDouble(single), $"{name} Predict of {count} against Forward, row {s}", relative: 1e-5, absolute: 1e-6);
            }
        }
    }

    /// <summary>
    /// Predict runs a large call in chunks (256 samples; 16 a thread for LeNetCnn), packing each layer's weights for the first chunk only;
    /// the next call packs them again, so a write to Parameters between calls is seen.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Predict_of_several_chunks_matches_the_oracle_and_sees_new_parameters(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(5);
        int n = network.InputSize, m = network.OutputSize;
        const int count = 256 + 256 + 88;
        (float[] inputs, _) = c.Batch(count, seed: 31);
        var outputs = new float[count * m];

        for (int call = 0; call < 2; call++)
        {
            if (call == 1)
            {
                // new weights written straight into the span, as a user loading their own would
                var random = new Random(call);
                foreach (ref float value in network.Parameters)
                {
                    value = (value * 0.5f) + ((float)random.NextDouble() - 0.5f) * 0.1f;
                }
            }

            double[] p = Compare.ToDouble(network.Parameters);
            network.Predict(inputs, outputs);
            for (int s = 0; s < count; s++)
            {
                Compare.Close(outputs.AsSpan(s * m, m), c.Reference.Forward(p, Compare.ToDouble(inputs.AsSpan(s * n, n))), $"{name} Predict of {count}, call {call}, row {s}");
            }
        }
    }

    [Fact]
    public void Cross_entropy_stays_finite_and_exact_for_extreme_logits()
    {
        var network = new LogisticNet(0);
        var softmax = new ReluSoftmaxNet(0);

        // Huge weights drive z far into saturation, where ln y computed from y would be ln 0.
        network.Parameters.Fill(40f);
        softmax.Parameters.Clear();
        softmax.Parameters[ReluSoftmaxNet.ParameterCount - 1] = 200f; // bias of the last output: z = (0, ..., 200)

        float bce = network.Backward([1, 1, 1, 1], [0f]);
        float ce = softmax.Backward(new float[13], [1, 0, 0, 0, 0, 0, 0]);

        Compare.Close(bce, (4 * 40) + 40, "BCE of a saturated sigmoid");
        Compare.Close(ce, 200, "CE of a saturated softmax");
        Assert.All(softmax.Gradients.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Info_describes_the_declared_layers_and_layout()
    {
        NetworkInfo info = DeepNet.Info;

        Assert.Equal("DeepNet", info.Name);
        Assert.Equal((33, 10, DeepNet.ParameterCount), (info.InputSize, info.OutputSize, info.ParameterCount));
        Assert.Equal(Loss.CrossEntropy, info.Loss);
        Assert.Equal([0, 2, 4, 6, 8], info.Layers.Select(l => l.ModuleIndex));
        Assert.Equal([31, 19, 17, 16, 10], info.Layers.Select(l => l.Units));
        Assert.Equal([33, 31, 19, 17, 16], info.Layers.Select(l => l.Inputs));
        Assert.Equal(0.05f, info.Layers[1].Alpha);

        int offset = 0;
        foreach (DenseLayerInfo layer in info.Layers)
        {
            Assert.Equal(offset, layer.WeightOffset);
            Assert.Equal(offset + (layer.Units * layer.Inputs), layer.BiasOffset);
            offset = layer.BiasOffset + layer.Units;
        }

        Assert.Equal(DeepNet.ParameterCount, offset);
        Assert.Equal([0, 1], LinearRegressionNet.Info.Layers.Select(l => l.ModuleIndex));
    }
}
