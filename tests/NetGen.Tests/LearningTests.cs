using System;

namespace NetGen.Tests;

/// <summary>Generated networks learn: the seeds' XOR and a separable classification problem.</summary>
public sealed class LearningTests
{
    [Fact]
    public void Xor_is_solved_by_per_sample_sgd_with_sigmoid_and_squared_error()
    {
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];
        var network = new XorNet(seed: 1);
        var output = new float[1];

        for (int epoch = 0; epoch < 3000; epoch++)
        {
            for (int s = 0; s < 4; s++)
            {
                network.TrainBatch(inputs.AsSpan(s * 2, 2), targets.AsSpan(s, 1), 2f);
            }
        }

        for (int s = 0; s < 4; s++)
        {
            network.Forward(inputs.AsSpan(s * 2, 2), output);
            Assert.True(Math.Abs(output[0] - targets[s]) < 0.1f, $"XOR({inputs[2 * s]}, {inputs[(2 * s) + 1]}) = {output[0]}, expected {targets[s]}");
        }
    }

    [Fact]
    public void A_small_classifier_separates_three_blobs()
    {
        (float[] trainX, float[] trainY, int[] _) = Blobs(600, seed: 1);
        (float[] testX, float[] _, int[] testLabels) = Blobs(300, seed: 2);
        var network = new BlobClassifier(seed: 3);

        for (int epoch = 0; epoch < 30; epoch++)
        {
            for (int start = 0; start < 600; start += 20)
            {
                network.TrainBatch(trainX.AsSpan(start * 2, 40), trainY.AsSpan(start * 3, 60), 0.1f);
            }
        }

        var outputs = new float[300 * 3];
        network.Predict(testX, outputs);
        int correct = 0;
        for (int s = 0; s < 300; s++)
        {
            ReadOnlySpan<float> y = outputs.AsSpan(s * 3, 3);
            int predicted = y[0] >= y[1] && y[0] >= y[2] ? 0 : y[1] >= y[2] ? 1 : 2;
            correct += predicted == testLabels[s] ? 1 : 0;
        }

        Assert.True(correct >= 0.97 * 300, $"accuracy {correct / 300.0:P1}");
    }

    /// <summary>Three Gaussian blobs in the plane, centred on the vertices of a triangle, well apart.</summary>
    private static (float[] X, float[] OneHot, int[] Labels) Blobs(int count, int seed)
    {
        var random = new DeterministicRandom(seed);
        float[] cx = [0, 3, -3], cy = [3, -2, -2];
        var x = new float[count * 2];
        var y = new float[count * 3];
        var labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            int label = s % 3;
            // Box-Muller from two uniforms
            double u1 = 1 - random.NextSingle(), u2 = random.NextSingle();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            x[2 * s] = cx[label] + (float)(r * Math.Cos(2 * Math.PI * u2));
            x[(2 * s) + 1] = cy[label] + (float)(r * Math.Sin(2 * Math.PI * u2));
            y[(3 * s) + label] = 1;
            labels[s] = label;
        }

        return (x, y, labels);
    }
}
