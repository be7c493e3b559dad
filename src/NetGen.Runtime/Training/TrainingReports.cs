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
/// <param name="Validation">Loss and accuracy on the validation data after the epoch, when there is some.</param>
/// <param name="Duration">Time spent training (not validating).</param>
/// <param name="SamplesPerSecond">Training throughput.</param>
public sealed record EpochReport(
    int Epoch,
    int Epochs,
    float LearningRate,
    double TrainLoss,
    Evaluation.Evaluation? Validation,
    TimeSpan Duration,
    double SamplesPerSecond);

/// <summary>Why a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>Every epoch ran.</summary>
    Completed = 0,

    /// <summary>The validation loss stopped improving; the best epoch's parameters were restored.</summary>
    EarlyStopped = 1,

    /// <summary>The loss became NaN or infinite; the last good parameters were restored.</summary>
    Diverged = 2,
}

/// <summary>The result of <see cref="Trainer.Train"/>.</summary>
/// <param name="Outcome">Why the run ended.</param>
/// <param name="Message">A sentence saying what happened, for people.</param>
/// <param name="History">One report per epoch that completed.</param>
/// <param name="BestEpoch">The 1-based epoch with the lowest validation loss, when there was validation data.</param>
public sealed record TrainingResult(TrainingOutcome Outcome, string Message, IReadOnlyList<EpochReport> History, int? BestEpoch);
