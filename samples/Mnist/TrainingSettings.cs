using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetGen.Samples;

/// <summary>What the command line asked for; null where an option was not given.</summary>
internal sealed record TrainingSettings(
    SampleModel Model,
    DirectoryInfo Data,
    int? Epochs,
    int? BatchSize,
    float? LearningRate,
    int? Seed,
    int? Copies,
    FileInfo? Save,
    FileInfo? Load,
    FileInfo? Resume)
{
    /// <summary>The settings of a run when the command line gives none: the model's.</summary>
    public RunSettings Default => Model.Defaults;
}

/// <summary>The settings a run trains with: the same on resuming, so the run ends where it would have.</summary>
/// <param name="Epochs">Passes over the training data.</param>
/// <param name="BatchSize">Samples per update.</param>
/// <param name="LearningRate">The learning rate (the schedule's start).</param>
/// <param name="Seed">Seed of the initial weights, the shuffles and the shifted copies.</param>
/// <param name="Copies">Copies of each training digit shifted by up to two pixels, added to the training data.</param>
internal sealed record RunSettings(int Epochs, int BatchSize, float LearningRate, int Seed, int Copies = 0)
{
    private const string EpochsKey = "mnist.epochs", BatchKey = "mnist.batch_size", LearningRateKey = "mnist.learning_rate", SeedKey = "mnist.seed", CopiesKey = "mnist.shifted_copies";

    /// <summary>The settings as checkpoint metadata.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>
    {
        [EpochsKey] = Epochs.ToString(CultureInfo.InvariantCulture),
        [BatchKey] = BatchSize.ToString(CultureInfo.InvariantCulture),
        [LearningRateKey] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        [SeedKey] = Seed.ToString(CultureInfo.InvariantCulture),
        [CopiesKey] = Copies.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The settings a checkpoint of this sample recorded, or null when it holds none (saved by something else).</summary>
    public static RunSettings? FromMetadata(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(EpochsKey, out string? epochs) && int.TryParse(epochs, CultureInfo.InvariantCulture, out int e) &&
        metadata.TryGetValue(BatchKey, out string? batch) && int.TryParse(batch, CultureInfo.InvariantCulture, out int b) &&
        metadata.TryGetValue(LearningRateKey, out string? lr) && float.TryParse(lr, CultureInfo.InvariantCulture, out float l) &&
        metadata.TryGetValue(SeedKey, out string? seed) && int.TryParse(seed, CultureInfo.InvariantCulture, out int s)
            ? new RunSettings(e, b, l, s, metadata.TryGetValue(CopiesKey, out string? copies) && int.TryParse(copies, CultureInfo.InvariantCulture, out int c) ? c : 0)
            : null;
}
