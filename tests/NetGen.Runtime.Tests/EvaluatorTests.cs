using System;
using System.Linq;
using NetGen.Data;
using NetGen.Evaluation;

namespace NetGen.Runtime.Tests;

public sealed class EvaluatorTests
{
    [Fact]
    public void Accuracy_confusion_and_loss_agree_with_forward_and_backward_sample_by_sample()
    {
        var network = new TinyNet(3);
        var random = new DeterministicRandom(1);
        float[] features = [.. Enumerable.Range(0, 40 * 4).Select(_ => (2 * random.NextSingle()) - 1)];
        int[] labels = [.. Enumerable.Range(0, 40).Select(i => i % 3)];
        Dataset data = Dataset.FromLabels(features, 4, labels, 3);

        Evaluation.Evaluation result = new Evaluator(network, batchSize: 7).Evaluate(data);

        int correct = 0;
        double loss = 0;
        var output = new float[3];
        var expected = new ConfusionMatrix(3);
        for (int s = 0; s < 40; s++)
        {
            network.Forward(data.GetFeatures(s), output);
            int predicted = Array.IndexOf(output, output.Max());
            correct += predicted == labels[s] ? 1 : 0;
            expected.Add(labels[s], predicted);
            loss += network.Backward(data.GetFeatures(s), data.GetTarget(s));
        }

        Assert.Equal(correct / 40.0, result.Accuracy);
        Assert.Equal(loss / 40, result.Loss, 5);
        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.Equal(expected[a, p], result.Confusion![a, p]);
            }
        }

        Assert.Equal(40, result.Confusion!.Total);
    }

    [Fact]
    public void Confusion_matrix_precision_recall_and_text()
    {
        var matrix = new ConfusionMatrix(2);
        matrix.Add(0, 0);
        matrix.Add(0, 1);
        matrix.Add(1, 1);
        matrix.Add(1, 1);

        Assert.Equal(0.75, matrix.Accuracy);
        Assert.Equal(2 / 3.0, matrix.Precision(1));
        Assert.Equal(0.5, matrix.Recall(0));
        Assert.Contains("actual\\predicted", matrix.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(2, 0));
    }

    [Fact]
    public void Losses_match_their_definitions()
    {
        Assert.Equal(0.5f * ((0.5f * 0.5f) + (1f * 1f)), Losses.SquaredError([0.5f, 2f], [1f, 1f]));
        Assert.Equal(-MathF.Log(0.7f), Losses.CrossEntropy([0.2f, 0.7f, 0.1f], [0, 1, 0]));
        Assert.Equal(-(MathF.Log(0.8f) + MathF.Log(1 - 0.3f)), Losses.BinaryCrossEntropy([0.8f, 0.3f], [1, 0]), 6);
        Assert.True(float.IsFinite(Losses.CrossEntropy([0f, 1f], [1, 0])));
        Assert.Equal(1, Losses.PredictedClass([0.6f]));
        Assert.Equal(2, Losses.PredictedClass([0.1f, 0.2f, 0.7f]));
    }

    [Fact]
    public void A_dataset_of_the_wrong_shape_is_rejected()
    {
        Dataset data = Dataset.FromLabels(new float[10], 5, [0, 1], 2);
        var e = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(new TinyNet(), data));
        Assert.Contains("takes 4 inputs and gives 3 outputs", e.Message, StringComparison.Ordinal);
    }
}
