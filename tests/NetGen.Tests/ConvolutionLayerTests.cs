using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NetGen.Checkpoints;
using NetGen.Tests.Oracle;
using A = NetGen.Activation;

namespace NetGen.Tests;

/// <summary>
/// What the oracle cases of NetworkCases cannot show: dropout's masks, which input of a tied max-pooling
/// window gets the gradient, the checkpoint names of a CNN, and a CNN trained in PyTorch.
/// </summary>
public sealed class ConvolutionLayerTests
{
    private static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "Models", name);

    [Fact]
    public void Dropout_masks_repeat_for_a_seed_and_differ_for_another()
    {
        (float[] inputs, float[] targets) = Batches();

        float[] Train(int seed, ReadOnlySpan<float> start)
        {
            var network = new DropoutCnn(seed);
            start.CopyTo(network.Parameters);
            for (int i = 0; i < 3; i++)
            {
                network.TrainBatch(inputs, targets, 0.1f);       // the batch products
                network.TrainBatch(inputs.AsSpan(0, 64), targets.AsSpan(0, 3), 0.1f); // one sample
                network.TrainSequential(inputs.AsSpan(0, 3 * 64), targets.AsSpan(0, 9), 0.1f);
            }

            return network.Parameters.ToArray();
        }

        float[] start = new DropoutCnn(1).Parameters.ToArray();
        Assert.Equal(Train(5, start), Train(5, start));
        Assert.NotEqual(Train(5, start), Train(6, start));
    }

    [Fact]
    public void Dropout_zeroes_a_fraction_p_in_training_and_scales_the_rest_by_one_over_one_minus_p()
    {
        var network = new InputDropoutNet(3);
        Span<float> p = network.Parameters;
        p.Slice(0, 400).Fill(1f); // W = 1, b = 0: y is the sum of the kept inputs
        p[400] = 0f;
        float[] x = Enumerable.Repeat(1f, 400).ToArray();

        // inference passes every value through
        var y = new float[1];
        network.Forward(x, y);
        Assert.Equal(400f, y[0]);

        // training: E = y^2 / 2 with t = 0, so dE/dW_i = y m_i x_i = y m_i
        network.ZeroGradients();
        float loss = network.Backward(x, [0f]);
        float sum = MathF.Sqrt(2 * loss);
        float[] masks = [.. network.Gradients.Slice(0, 400).ToArray().Select(g => g / sum)];
        int zeros = 0;
        foreach (float m in masks)
        {
            if (m == 0f)
            {
                zeros++;
            }
            else
            {
                Assert.Equal(1 / 0.75, m, 1e-5);
            }
        }

        // 400 draws of p = 0.25: 100 expected, 8.7 the standard deviation
        Assert.InRange(zeros, 70, 130);
        Assert.Equal(masks.Sum(), sum, 1e-2);
    }

    [Fact]
    public void Backward_through_dropout_is_the_derivative_of_the_loss_with_that_mask()
    {
        // A new network of the same seed draws the same first mask, so the loss of Backward on fresh copies,
        // one parameter moved each way, differentiates the network with the mask Backward used
        var random = new DeterministicRandom(3);
        float[] x = new float[36];
        random.FillUniform(x, 1f);
        float[] t = [0f, 1f, 0f];
        float[] p = new SmoothDropoutNet(8).Parameters.ToArray();

        var network = new SmoothDropoutNet(8);
        network.ZeroGradients();
        network.Backward(x, t);
        float[] gradient = network.Gradients.ToArray();

        double LossAt(int k, float h)
        {
            var copy = new SmoothDropoutNet(8);
            p.CopyTo(copy.Parameters);
            copy.Parameters[k] += h;
            copy.ZeroGradients();
            return copy.Backward(x, t);
        }

        int checkedWeights = 0;
        for (int k = 0; k < 20; k++) // the convolution's 18 weights and 2 biases, all before the dropout
        {
            const float H = 1e-2f;
            double numeric = (LossAt(k, H) - LossAt(k, -H)) / (2 * H);
            Assert.True(Math.Abs(gradient[k] - numeric) <= 2e-3 + (2e-2 * Math.Abs(numeric)), $"dE/dp[{k}] = {gradient[k]}, finite differences {numeric}");
            checkedWeights += numeric != 0 ? 1 : 0;
        }

        Assert.True(checkedWeights >= 10, "the mask should leave most of the convolution's weights some effect");
    }

    [Fact]
    public void Forward_and_predict_of_a_network_with_dropout_are_inference_the_oracle_without_dropout_computes()
    {
        var network = new DropoutCnn(4);
        var reference = new ReferenceNetwork(new Shape3(1, 8, 8), Loss.CrossEntropy, new ReferenceConvolution(4, 3, Activation: A.ReLU), new ReferencePooling(2, 2, Max: true), new ReferenceLayer(16, A.ReLU), new ReferenceLayer(3, A.Softmax));
        double[] p = Compare.ToDouble(network.Parameters);
        (float[] inputs, _) = Batches();
        var outputs = new float[8 * 3];
        network.Predict(inputs, outputs);
        var one = new float[3];
        for (int s = 0; s < 8; s++)
        {
            double[] expected = reference.Forward(p, Compare.ToDouble(inputs.AsSpan(s * 64, 64)));
            Compare.Close(outputs.AsSpan(s * 3, 3), expected, $"Predict, sample {s}");
            network.Forward(inputs.AsSpan(s * 64, 64), one);
            Compare.Close(one, expected, $"Forward, sample {s}");
        }
    }

    [Fact]
    public void A_tied_max_pooling_window_sends_the_gradient_to_its_first_input_row_by_row()
    {
        // channel 0 is the same everywhere, so the 1 x 1 convolution K = (1, 0) ties all four pooled
        // values; channel 1 tells which position the gradient went to: dE/dK[1] = dE/dz x1[position]
        float[] x = [0.5f, 0.5f, 0.5f, 0.5f, 1f, 2f, 3f, 4f];
        var network = new PoolTieNet(1);
        float[] start = [1f, 0f, 0f, 1f, 0f]; // K [1, 2, 1, 1], b, W [1, 1], b
        start.CopyTo(network.Parameters);

        network.ZeroGradients();
        network.Backward(x, [0f]); // y = 0.5, dE/dy = 0.5
        Assert.Equal(0.25f, network.Gradients[0]); // dE/dK[0] = 0.5 * 0.5
        Assert.Equal(0.5f, network.Gradients[1]);  // dE/dK[1] = 0.5 * x1[0, 0]: the first of the tie

        // the batch kernels route the same way: four copies, one SGD step of lr 1 on the mean gradient
        float[] batch = [.. Enumerable.Range(0, 4).SelectMany(_ => x)];
        network.TrainBatch(batch, new float[4], 1f);
        Assert.Equal(0f - 0.5f, network.Parameters[1]);
    }

    [Fact]
    public void Ties_in_four_windows_at_once_go_to_the_first_largest_input_of_each()
    {
        // channel 0 (what the 1 x 1 convolution K = (1, 0) passes on) ties differently in each window:
        // all four equal; the top right, bottom left and bottom right equal; the bottom row equal; the bottom
        // right alone. Channel 1 numbers the positions 1 (top left) to 4 (bottom right) in every window.
        float[] top0 = [5, 5, 1, 7, 1, 2, 1, 2], bottom0 = [5, 5, 7, 7, 6, 6, 3, 9];
        float[] top1 = [1, 2, 1, 2, 1, 2, 1, 2], bottom1 = [3, 4, 3, 4, 3, 4, 3, 4];
        float[] x = [.. top0, .. bottom0, .. top1, .. bottom1];
        var network = new PoolTieRowNet(1);
        float[] start = [1f, 0f, 0f, 1f, 10f, 100f, 1000f, 0f]; // K, b, W = (1, 10, 100, 1000), b
        start.CopyTo(network.Parameters);

        network.ZeroGradients();
        float loss = network.Backward(x, [0f]);
        float dy = MathF.Sqrt(2 * loss); // y - t = y: every window's max times its weight
        Assert.Equal(5 + 70 + 600 + 9000, dy);

        // dE/dK[1] = dy * sum over windows of W_w * x1[its first largest input]: 1, 2, 3 and 4, in that order
        Assert.Equal(dy * ((1 * 1) + (10 * 2) + (100 * 3) + (1000 * 4)), network.Gradients[1]);
    }

    [Fact]
    public void A_cnn_saves_under_the_state_dict_names_of_its_nn_sequential()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netgen-lenet-{Guid.NewGuid():N}.safetensors");
        try
        {
            var network = new LeNetCnn(2);
            Checkpoint.Save(network, path);
            byte[] file = File.ReadAllBytes(path);
            int length = (int)BitConverter.ToUInt64(file, 0);
            using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, length));
            string Shape(string name) => string.Join(",", header.RootElement.GetProperty(name).GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));

            // Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Linear, ReLU, Linear, Softmax
            Assert.Equal("8,1,5,5", Shape("0.weight"));
            Assert.Equal("8", Shape("0.bias"));
            Assert.Equal("16,8,5,5", Shape("3.weight"));
            Assert.Equal("16", Shape("3.bias"));
            Assert.Equal("64,256", Shape("7.weight"));
            Assert.Equal("10,64", Shape("9.weight"));
            Assert.Equal(8, header.RootElement.EnumerateObject().Count(p => p.Name != "__metadata__"));

            var loaded = new LeNetCnn(9);
            Checkpoint.Load(loaded, path);
            Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_cnn_trained_in_pytorch_gives_pytorchs_outputs_compiled_in_and_loaded()
    {
        using JsonDocument recorded = JsonDocument.Parse(File.ReadAllText(Model("pytorch-cnn.json")));
        float[][] inputs = [.. recorded.RootElement.GetProperty("inputs").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        double[][] outputs = [.. recorded.RootElement.GetProperty("outputs").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
        Assert.Equal(8, inputs.Length);

        var compiled = new PyTorchCnn();
        var loaded = new PyTorchCnnLoaded(1);
        Checkpoint.Load(loaded, Model("pytorch-cnn.safetensors"));
        Assert.Equal(loaded.Parameters.ToArray(), compiled.Parameters.ToArray());

        var y = new float[5];
        var batch = new float[8 * 5];
        loaded.Predict([.. inputs.SelectMany(row => row)], batch);
        double worst = 0;
        for (int s = 0; s < inputs.Length; s++)
        {
            compiled.Forward(inputs[s], y);
            for (int k = 0; k < 5; k++)
            {
                worst = Math.Max(worst, Math.Abs(y[k] - outputs[s][k]) / Math.Abs(outputs[s][k]));
                worst = Math.Max(worst, Math.Abs(batch[(s * 5) + k] - outputs[s][k]) / Math.Abs(outputs[s][k]));
            }
        }

        Assert.True(worst <= 1e-5, $"largest relative difference from PyTorch: {worst:E2}");
    }

    /// <summary>Eight 1 x 8 x 8 images in [0, 1) and one-hot targets of three classes.</summary>
    private static (float[] Inputs, float[] Targets) Batches()
    {
        var random = new DeterministicRandom(21);
        var inputs = new float[8 * 64];
        var targets = new float[8 * 3];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextSingle();
        }

        for (int s = 0; s < 8; s++)
        {
            targets[(s * 3) + (s % 3)] = 1f;
        }

        return (inputs, targets);
    }
}
