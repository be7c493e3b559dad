using System;
using System.Linq;
using NetGen.Tests.Oracle;

namespace NetGen.Tests;

/// <summary>Step, TrainBatch and the optimizers against the contract and a double-precision oracle.</summary>
public sealed class TrainingStepTests
{
    [Fact]
    public void Sgd_step_is_p_minus_lr_g_exactly_and_zeroes_the_gradients()
    {
        var network = new ReluSoftmaxNet(4);
        (float[] inputs, float[] targets) = NetworkCases.Get("ReluSoftmaxNet").Batch(1, seed: 3);
        network.Backward(inputs, targets);
        float[] p = network.Parameters.ToArray(), g = network.Gradients.ToArray();
        Assert.Contains(g, v => v != 0);

        network.Step(0.37f);

        for (int k = 0; k < p.Length; k++)
        {
            Assert.Equal(p[k] - (0.37f * g[k]), network.Parameters[k]);
        }

        Assert.All(network.Gradients.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(1, network.StepCount);
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void TrainBatch_equals_zero_backward_each_scale_and_step(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork batched = c.Create(6), manual = c.Create(6);
        int n = batched.InputSize, m = batched.OutputSize;

        for (int step = 0; step < 3; step++)
        {
            (float[] inputs, float[] targets) = c.Batch(5, seed: 100 + step);
            manual.Gradients.Fill(123f); // TrainBatch starts from zero whatever was accumulated before
            batched.Gradients.Fill(123f);

            float batchLoss = batched.TrainBatch(inputs, targets, 0.05f);

            manual.ZeroGradients();
            double loss = 0;
            for (int s = 0; s < 5; s++)
            {
                loss += manual.Backward(inputs.AsSpan(s * n, n), targets.AsSpan(s * m, m));
            }

            foreach (ref float g in manual.Gradients)
            {
                g /= 5;
            }

            manual.Step(0.05f);

            Compare.Close(batchLoss, loss / 5, $"{name} mean loss");
            Compare.Close(batched.Parameters, Compare.ToDouble(manual.Parameters), $"{name} parameters after step {step}", relative: 1e-5, absolute: 1e-6);
            Compare.Close(batched.OptimizerState, Compare.ToDouble(manual.OptimizerState), $"{name} optimizer state", relative: 1e-5, absolute: 1e-6);
            Assert.All(batched.Gradients.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Theory]
    [InlineData("SgdDecayNet")]
    [InlineData("MomentumNet")]
    [InlineData("AdamNet")]
    [InlineData("AdamWNet")]
    [InlineData("ReluSoftmaxNet")]
    public void Optimizer_updates_follow_the_reference_formulas_over_many_steps(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(8);
        var oracle = new ReferenceOptimizer(network.Info.Optimizer, Compare.ToDouble(network.Parameters));
        int n = network.InputSize, m = network.OutputSize;

        for (int step = 1; step <= 12; step++)
        {
            (float[] inputs, float[] targets) = c.Batch(4, seed: step);
            float lr = 0.01f * step; // a changing learning rate, as a schedule would give

            // The oracle takes the network's own mean gradient, so only the update rule is compared.
            network.ZeroGradients();
            for (int s = 0; s < 4; s++)
            {
                network.Backward(inputs.AsSpan(s * n, n), targets.AsSpan(s * m, m));
            }

            double[] meanGradient = [.. network.Gradients.ToArray().Select(g => g / 4.0)];
            oracle.Step(meanGradient, lr);
            network.TrainBatch(inputs, targets, lr);

            Compare.Close(network.Parameters, oracle.Parameters, $"{name} parameters after step {step}", relative: 1e-5, absolute: 1e-6);
            Assert.Equal(step, network.StepCount);
        }
    }

    [Fact]
    public void Adam_first_step_moves_each_parameter_by_about_lr_against_its_gradient()
    {
        // With bias correction, m_hat = g and v_hat = g^2 after one step, so the update is lr * g / (|g| + eps).
        var network = new AdamNet(3);
        (float[] inputs, float[] targets) = NetworkCases.Get("AdamNet").Batch(1, seed: 1);
        network.Backward(inputs, targets);
        float[] p = network.Parameters.ToArray(), g = network.Gradients.ToArray();

        network.Step(0.001f);

        for (int k = 0; k < p.Length; k++)
        {
            float expected = Math.Abs(g[k]) > 1e-4f ? -0.001f * Math.Sign(g[k]) : network.Parameters[k] - p[k];
            Assert.Equal(expected, network.Parameters[k] - p[k], 1e-6f);
        }
    }

    [Fact]
    public void Momentum_state_is_the_velocity()
    {
        var network = new MomentumNet(2);
        (float[] inputs, float[] targets) = NetworkCases.Get("MomentumNet").Batch(1, seed: 4);
        Assert.Equal(MomentumNet.ParameterCount, network.OptimizerState.Length);

        network.Backward(inputs, targets);
        float[] g = network.Gradients.ToArray(), p = network.Parameters.ToArray();
        network.Step(0.1f);

        // first step: v = g + wd p (L2 decay 0.01)
        for (int k = 0; k < g.Length; k++)
        {
            Assert.Equal(g[k] + (0.01f * p[k]), network.OptimizerState[k], 1e-6f);
        }
    }

    [Fact]
    public void Adam_state_holds_both_moments()
    {
        Assert.Equal(2 * AdamNet.ParameterCount, new AdamNet().OptimizerState.Length);
        Assert.Equal(0, new ReluSoftmaxNet().OptimizerState.Length);
    }
}
