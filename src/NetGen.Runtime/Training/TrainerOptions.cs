using System;
using System.Collections.Generic;

namespace NetGen.Training;

/// <summary>Stop when the validation loss has not improved for a while, and go back to the best epoch.</summary>
/// <param name="Patience">Epochs without improvement before stopping, at least 1.</param>
/// <param name="MinDelta">How much lower than the best a loss must be to count as an improvement, 0 or more.</param>
public sealed record EarlyStopping(int Patience, double MinDelta = 0);

/// <summary>How a <see cref="Trainer"/> trains.</summary>
public sealed record TrainerOptions
{
    /// <summary>Number of passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per update. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The initial learning rate, finite and greater than 0. Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>How the learning rate changes with the epochs. Default constant.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Seed of each epoch's shuffle: the same seed gives the same batches on every machine. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Whether to shuffle the training data before each epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Whether each epoch's report carries the loss and accuracy on the training data after the epoch
    /// (<see cref="EpochReport.Training"/>): one more forward pass over it, not counted in the epoch's time. Default true.
    /// </summary>
    public bool EvaluateTraining { get; init; } = true;

    /// <summary>Stop early on the validation loss; needs validation data. Default none.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Clip the mean gradient of each batch to this L2 norm, as PyTorch's <c>clip_grad_norm_</c>
    /// (g *= max / (norm + 1e-6) when norm &gt; max). Default none.
    /// </summary>
    public float? MaxGradientNorm { get; init; }

    /// <summary>
    /// Number of epochs already done, to resume a run: epoch numbers, shuffles and the schedule continue from
    /// here, so a run resumed from a checkpoint gives the same parameters as one that never stopped. Default 0.
    /// </summary>
    public int StartEpoch { get; init; }

    /// <summary>
    /// Number of batches of epoch <see cref="StartEpoch"/> already done, to resume a run that stopped
    /// mid-epoch: that epoch is shuffled as it was and its first batches are skipped. Default 0.
    /// </summary>
    public int StartBatch { get; init; }

    /// <summary>
    /// Where to save a checkpoint (with <see cref="Checkpoints.Checkpoint.Save"/>: atomically, parameters, optimizer
    /// state, and the run's position in the metadata) every <see cref="CheckpointEveryEpochs"/> epochs, after the
    /// last epoch, and when the run is canceled. Default none.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Epochs between checkpoints, at least 1. Default 1.</summary>
    public int CheckpointEveryEpochs { get; init; } = 1;

    /// <summary>More metadata for every checkpoint, such as the settings needed to resume the run. Default none.</summary>
    public IReadOnlyDictionary<string, string>? CheckpointMetadata { get; init; }

    /// <summary>These options, resuming at <paramref name="position"/> (from <see cref="TrainingResult.Position"/> or <see cref="Checkpoints.CheckpointInfo.Position"/>).</summary>
    public TrainerOptions ResumingAt(TrainingPosition position) => this with { StartEpoch = position.Epoch, StartBatch = position.Batch };

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; its name is the parameter name.</exception>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        }

        if (!(LearningRate > 0) || float.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be finite and greater than 0.");
        }

        if (StartEpoch < 0 || StartEpoch >= Epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(StartEpoch), StartEpoch, $"StartEpoch must be in [0, Epochs = {Epochs}).");
        }

        if (StartBatch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(StartBatch), StartBatch, "StartBatch must be 0 or more.");
        }

        if (CheckpointEveryEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointEveryEpochs), CheckpointEveryEpochs, "CheckpointEveryEpochs must be at least 1.");
        }

        if (CheckpointPath is { Length: 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointPath), CheckpointPath, "CheckpointPath must be a file name, or null for no checkpoints.");
        }

        if (MaxGradientNorm is { } norm && (!(norm > 0) || float.IsInfinity(norm)))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), norm, "MaxGradientNorm must be finite and greater than 0.");
        }

        if (EarlyStopping is { } stopping)
        {
            if (stopping.Patience < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(EarlyStopping), stopping.Patience, "EarlyStopping.Patience must be at least 1.");
            }

            if (!(stopping.MinDelta >= 0) || double.IsInfinity(stopping.MinDelta))
            {
                throw new ArgumentOutOfRangeException(nameof(EarlyStopping), stopping.MinDelta, "EarlyStopping.MinDelta must be finite and 0 or more.");
            }
        }

        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
    }
}
