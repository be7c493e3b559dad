using System;
using NetGen.Data;

namespace NetGen.Evaluation;

/// <summary>The result of running a network over a dataset.</summary>
/// <param name="Count">Number of samples.</param>
/// <param name="Loss">Mean loss per sample.</param>
/// <param name="Accuracy">Fraction of samples whose predicted class is their class; NaN when the targets are not classes.</param>
/// <param name="Confusion">Counts of (actual, predicted) classes; null when the targets are not classes.</param>
public sealed record Evaluation(int Count, double Loss, double Accuracy, ConfusionMatrix? Confusion)
{
    /// <summary>One line: "loss 0.2456, accuracy 92.80% on 2,000 samples" (no accuracy when the targets are not classes).</summary>
    public override string ToString() => double.IsNaN(Accuracy)
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"loss {Loss:F4} on {Count:N0} samples")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"loss {Loss:F4}, accuracy {Accuracy:P2} on {Count:N0} samples");
}

/// <summary>
/// Computes the loss, accuracy and confusion matrix of a network on a dataset, with
/// <see cref="IPredictor.Predict"/> over batches. Holds its output buffer, so evaluating again allocates
/// only the result.
/// </summary>
public sealed class Evaluator
{
    private readonly IPredictor _network;
    private readonly int _batchSize;
    private readonly float[] _outputs;

    /// <summary>An evaluator for <paramref name="network"/> that predicts <paramref name="batchSize"/> samples at a time.</summary>
    public Evaluator(IPredictor network, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _network = network;
        _batchSize = batchSize;
        _outputs = new float[batchSize * network.OutputSize];
    }

    /// <summary>Evaluates <paramref name="network"/> on <paramref name="data"/>.</summary>
    public static Evaluation Evaluate(IPredictor network, Dataset data, int batchSize = 256) =>
        new Evaluator(network, batchSize).Evaluate(data);

    /// <summary>Evaluates the network on <paramref name="data"/>.</summary>
    public Evaluation Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int outputs = _network.OutputSize;
        if (data.FeatureSize != _network.InputSize || data.TargetSize != outputs)
        {
            throw new ArgumentException(
                $"The data has {data.FeatureSize} features and {data.TargetSize} targets per sample, but the network takes {_network.InputSize} inputs and gives {outputs} outputs.",
                nameof(data));
        }

        bool classes = data.HasLabels || outputs == 1;
        ConfusionMatrix? confusion = classes ? new ConfusionMatrix(Math.Max(2, outputs)) : null;
        Loss loss = _network.Info.Loss;
        double total = 0;

        foreach (Batch batch in data.Batches(_batchSize))
        {
            Span<float> y = _outputs.AsSpan(0, batch.Count * outputs);
            _network.Predict(batch.Inputs, y);
            for (int s = 0; s < batch.Count; s++)
            {
                ReadOnlySpan<float> output = y.Slice(s * outputs, outputs);
                ReadOnlySpan<float> target = batch.Targets.Slice(s * outputs, outputs);
                total += Losses.Compute(loss, output, target);
                if (confusion is not null)
                {
                    int actual = batch.Labels.IsEmpty ? Losses.PredictedClass(target) : batch.Labels[s];
                    confusion.Add(actual, Losses.PredictedClass(output));
                }
            }
        }

        return new Evaluation(data.Count, data.Count == 0 ? 0 : total / data.Count, confusion?.Accuracy ?? double.NaN, confusion);
    }
}
