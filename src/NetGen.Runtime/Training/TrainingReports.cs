using System;
using System.Collections.Generic;
using NetGen.Evaluation;

namespace NetGen.Training;

/// <summary>
/// Progress within an epoch, reported after every batch; with batches of one sample (trained by the
/// fused per-sample path), after every chunk of up to 256 samples.
/// </summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">1-based number of the last batch trained within the epoch.</param>
/// <param name="BatchCount">Batches in the epoch.</param>
/// <param name="Loss">The mean loss of the samples trained since the previous report.</param>
public readonly record struct BatchReport(int Epoch, int Batch, int BatchCount, float Loss);

/// <summary>What one epoch did.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">The number of epochs of the run.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (each measured before its update).</param>
/// <param name="Training">Loss and accuracy on the training data after the epoch, unless <see cref="TrainerOptions.EvaluateTraining"/> is off.</param>
/// <param name="Validation">Loss and accuracy on the validation data after the epoch, when there is some.</param>
/// <param name="Duration">Time spent training (not evaluating).</param>
/// <param name="SamplesPerSecond">Training throughput.</param>
public sealed record EpochReport(
    int Epoch,
    int Epochs,
    float LearningRate,
    double TrainLoss,
    Evaluation.Evaluation? Training,
    Evaluation.Evaluation? Validation,
    TimeSpan Duration,
    double SamplesPerSecond)
{
    /// <summary>Accuracy on the training data after the epoch; NaN when it was not measured or the targets are not classes.</summary>
    public double TrainAccuracy => Training?.Accuracy ?? double.NaN;

    /// <summary>Accuracy on the validation data after the epoch; NaN without validation data or when the targets are not classes.</summary>
    public double ValidationAccuracy => Validation?.Accuracy ?? double.NaN;

    /// <summary>One line: "epoch 3/15: loss 0.2345, train accuracy 93.10%, validation loss 0.2456, accuracy 92.80%, lr 0.1, 0.05 s (160,000 samples/s)".</summary>
    public override string ToString()
    {
        var line = new System.Text.StringBuilder();
        System.Globalization.CultureInfo c = System.Globalization.CultureInfo.InvariantCulture;
        line.Append(c, $"epoch {Epoch}/{Epochs}: loss {TrainLoss:F4}");
        if (!double.IsNaN(TrainAccuracy))
        {
            line.Append(c, $", train accuracy {TrainAccuracy:P2}");
        }

        if (Validation is { } validation)
        {
            line.Append(c, $", validation loss {validation.Loss:F4}");
            if (!double.IsNaN(validation.Accuracy))
            {
                line.Append(c, $", accuracy {validation.Accuracy:P2}");
            }
        }

        line.Append(c, $", lr {LearningRate:G4}, {Duration.TotalSeconds:F2} s ({SamplesPerSecond:N0} samples/s)");
        return line.ToString();
    }
}

/// <summary>Why a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>Every epoch ran.</summary>
    Completed = 0,

    /// <summary>The validation loss stopped improving; the best epoch's parameters were restored.</summary>
    EarlyStopped = 1,

    /// <summary>
    /// The loss or a parameter became NaN or infinite; the parameters, optimizer state and step count were
    /// restored to those at the start of the epoch (or where the run resumed), the last ones known finite.
    /// </summary>
    Diverged = 2,

    /// <summary>The cancellation token was canceled; the run stopped after the batch it was training, keeping its updates.</summary>
    Canceled = 3,
}

/// <summary>Where a training run is: <paramref name="Epoch"/> epochs completed, and <paramref name="Batch"/> batches of the next one.</summary>
/// <param name="Epoch">Epochs completed, from 0.</param>
/// <param name="Batch">Batches of the epoch after them completed, from 0.</param>
public readonly record struct TrainingPosition(int Epoch, int Batch)
{
    /// <summary>"after epoch 2" or "in epoch 3, after batch 120".</summary>
    public override string ToString() => Batch == 0
        ? (Epoch == 0 ? "before the first epoch" : $"after epoch {Epoch}")
        : $"in epoch {Epoch + 1}, after batch {Batch}";
}

/// <summary>The result of <see cref="Trainer.Train"/>.</summary>
/// <param name="Outcome">Why the run ended.</param>
/// <param name="Message">A sentence saying what happened, for people.</param>
/// <param name="History">One report per epoch that completed.</param>
/// <param name="BestEpoch">The 1-based epoch with the lowest validation loss, when there was validation data.</param>
/// <param name="Position">
/// Where the network's parameters are in the run: after the last epoch when it completed, where it stopped when
/// canceled, where they were restored to when it diverged or stopped early. Resume with <see cref="TrainerOptions.ResumingAt"/>.
/// </param>
/// <param name="CheckpointPath">The checkpoint saved last (<see cref="TrainerOptions.CheckpointPath"/>), or null when none was saved.</param>
public sealed record TrainingResult(TrainingOutcome Outcome, string Message, IReadOnlyList<EpochReport> History, int? BestEpoch, TrainingPosition Position, string? CheckpointPath = null);
