using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics.Tensors;
using System.Threading;
using NetGen.Checkpoints;
using NetGen.Data;
using NetGen.Evaluation;

namespace NetGen.Training;

/// <summary>
/// Trains any <see cref="INetwork"/> with minibatches: each epoch shuffles the training data (seeded),
/// updates once per batch, then evaluates on the validation data. Reports progress through
/// <see cref="IProgress{T}"/>; stops when the loss diverges (restoring the last good parameters), when the
/// validation loss stops improving (restoring the best), or when cancelled (after the batch it is training);
/// saves checkpoints on request, from which a run resumes to the same parameters, bit for bit.
/// </summary>
public sealed class Trainer
{
    private readonly TrainerOptions _options;

    /// <summary>A trainer with <paramref name="options"/>, checked now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Trains <paramref name="network"/> on <paramref name="train"/>.</summary>
    /// <param name="network">The network; its parameters and optimizer state are updated in place.</param>
    /// <param name="train">The training data; its rows are reordered by the shuffles.</param>
    /// <param name="validation">Data to evaluate after each epoch, or null.</param>
    /// <param name="epochProgress">Receives a report after each epoch.</param>
    /// <param name="batchProgress">Receives a report after each batch.</param>
    /// <param name="cancellationToken">
    /// Stops the run before its next batch: the network keeps the updates made so far, a checkpoint is saved
    /// when <see cref="TrainerOptions.CheckpointPath"/> is set, and the result is <see cref="TrainingOutcome.Canceled"/>
    /// with the <see cref="TrainingResult.Position"/> to resume from.
    /// </param>
    /// <exception cref="ArgumentException">The data does not fit the network, or <see cref="TrainerOptions.StartBatch"/> is past the epoch's batches.</exception>
    /// <exception cref="IOException">A checkpoint could not be saved (the run stops; the previous checkpoint is intact).</exception>
    public TrainingResult Train(
        INetwork network,
        Dataset train,
        Dataset? validation = null,
        IProgress<EpochReport>? epochProgress = null,
        IProgress<BatchReport>? batchProgress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        CheckShape(network, train, nameof(train));
        if (validation is not null)
        {
            CheckShape(network, validation, nameof(validation));
        }
        else if (_options.EarlyStopping is not null)
        {
            throw new ArgumentException("Early stopping watches the validation loss, so it needs validation data.", nameof(validation));
        }

        if (train.Count == 0)
        {
            throw new ArgumentException("The training data is empty.", nameof(train));
        }

        int batchCount = train.Batches(_options.BatchSize).Count;
        if (_options.StartBatch >= batchCount)
        {
            throw new ArgumentException($"StartBatch is {_options.StartBatch}, but an epoch of {train.Count} samples in batches of {_options.BatchSize} has only {batchCount} batches.", nameof(train));
        }

        if (_options.CheckpointPath is { } checkpointPath)
        {
            AtomicFile.CheckWritable(checkpointPath); // now, not after the first epoch
        }

        var run = new Run(network, _options);
        var evaluator = validation is null && !_options.EvaluateTraining ? null : new Evaluator(network);
        var history = new List<EpochReport>();
        double bestLoss = double.PositiveInfinity;
        int? bestEpoch = null;
        string? checkpoint = null;
        TrainingResult Result(TrainingOutcome outcome, string message, TrainingPosition position) =>
            new(outcome, message, history, bestEpoch, position, checkpoint);

        for (int epoch = _options.StartEpoch; epoch < _options.Epochs; epoch++)
        {
            float learningRate = _options.Schedule.LearningRate(_options.LearningRate, epoch, _options.Epochs);
            if (_options.Shuffle)
            {
                train.Shuffle(EpochSeed(_options.Seed, epoch));
            }

            // The last parameters known good: those at the start of the epoch, or where this run resumed.
            var start = new TrainingPosition(epoch, epoch == _options.StartEpoch ? _options.StartBatch : 0);
            run.LastGood.Capture();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int samples = 0, done = start.Batch;
            for (int first = start.Batch * _options.BatchSize; first < train.Count;)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    var here = new TrainingPosition(epoch, done);
                    checkpoint = SaveCheckpoint(network, here) ?? checkpoint;
                    return Result(TrainingOutcome.Canceled, $"Canceled {here}{Saved(checkpoint, here)}.", here);
                }

                Batch batch = train.Slice(first, Math.Min(run.CallSize, train.Count - first));
                float loss = run.Train(batch, learningRate);
                int updates = run.UpdatesPerCall(batch);
                if (!float.IsFinite(loss))
                {
                    run.LastGood.Restore();
                    string batches = updates == 1 ? $"batch {done + 1}" : $"batches {done + 1}-{done + updates}";
                    return Result(
                        TrainingOutcome.Diverged,
                        $"Training diverged in epoch {epoch + 1}, {batches} of {batchCount}: the loss became {loss.ToString(CultureInfo.InvariantCulture)} at learning rate {learningRate.ToString(CultureInfo.InvariantCulture)}. " +
                        $"The parameters were restored to those {start}, the last known finite. Try a smaller learning rate.",
                        start);
                }

                lossSum += (double)loss * batch.Count;
                samples += batch.Count;
                done += updates;
                first += batch.Count;
                batchProgress?.Report(new BatchReport(epoch + 1, done, batchCount, loss));
            }

            clock.Stop();
            if (!AllFinite(network.Parameters))
            {
                run.LastGood.Restore();
                return Result(
                    TrainingOutcome.Diverged,
                    $"Training diverged in epoch {epoch + 1}: a parameter became NaN or infinite in its last batch. The parameters were restored to those {start}, the last known finite. Try a smaller learning rate.",
                    start);
            }

            Evaluation.Evaluation? evaluation = validation is null ? null : evaluator!.Evaluate(validation);
            Evaluation.Evaluation? trained = _options.EvaluateTraining ? evaluator!.Evaluate(train) : null;
            var report = new EpochReport(
                epoch + 1,
                _options.Epochs,
                learningRate,
                lossSum / samples,
                trained,
                evaluation,
                clock.Elapsed,
                samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
            history.Add(report);
            epochProgress?.Report(report);

            var end = new TrainingPosition(epoch + 1, 0);
            if (evaluation is not null)
            {
                if (evaluation.Loss < bestLoss - (_options.EarlyStopping?.MinDelta ?? 0))
                {
                    bestLoss = evaluation.Loss;
                    bestEpoch = epoch + 1;
                    if (_options.EarlyStopping is not null)
                    {
                        run.Best!.Capture();
                    }
                }
                else if (_options.EarlyStopping is { } stopping && epoch + 1 - bestEpoch.GetValueOrDefault(_options.StartEpoch) >= stopping.Patience)
                {
                    string restored = bestEpoch is null ? "No epoch improved on the starting loss; the parameters were left as they are." : $"The parameters of epoch {bestEpoch} were restored.";
                    var position = end;
                    if (bestEpoch is int best)
                    {
                        run.Best!.Restore();
                        position = new TrainingPosition(best, 0);
                    }

                    checkpoint = SaveCheckpoint(network, position) ?? checkpoint;
                    return Result(
                        TrainingOutcome.EarlyStopped,
                        $"Stopped early after epoch {epoch + 1}: the validation loss has not improved for {stopping.Patience} epochs. {restored}",
                        position);
                }
            }

            if ((epoch + 1) % _options.CheckpointEveryEpochs == 0 || epoch + 1 == _options.Epochs)
            {
                checkpoint = SaveCheckpoint(network, end) ?? checkpoint;
            }
        }

        var last = new TrainingPosition(_options.Epochs, 0);
        return Result(TrainingOutcome.Completed, $"Trained {_options.Epochs - _options.StartEpoch} epochs{Saved(checkpoint, last)}.", last);
    }

    /// <summary>Saves a checkpoint at <paramref name="position"/> when the options ask for them; returns its path.</summary>
    private string? SaveCheckpoint(INetwork network, TrainingPosition position)
    {
        if (_options.CheckpointPath is not { } path)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in _options.CheckpointMetadata ?? new Dictionary<string, string>())
        {
            metadata[key] = value;
        }

        metadata[Checkpoint.EpochKey] = position.Epoch.ToString(CultureInfo.InvariantCulture);
        metadata[Checkpoint.BatchKey] = position.Batch.ToString(CultureInfo.InvariantCulture);
        Checkpoint.Save(network, path, metadata);
        return path;
    }

    private static string Saved(string? checkpoint, TrainingPosition position) =>
        checkpoint is null ? string.Empty : $"; the checkpoint {checkpoint} holds the parameters {position}";

    /// <summary>The shuffle seed of an epoch: depends only on the run's seed and the epoch, so a resumed run shuffles alike.</summary>
    public static long EpochSeed(long seed, int epoch) =>
        unchecked((long)new DeterministicRandom(seed ^ ((long)0x9E3779B97F4A7C15UL * (epoch + 1))).NextUInt64());

    private static void CheckShape(INetwork network, Dataset data, string name)
    {
        if (data.FeatureSize != network.InputSize || data.TargetSize != network.OutputSize)
        {
            throw new ArgumentException(
                $"{name} has {data.FeatureSize} features and {data.TargetSize} targets per sample, but {network.Info.Name} takes {network.InputSize} inputs and gives {network.OutputSize} outputs.",
                name);
        }
    }

    /// <summary>Whether no value is NaN or infinite: the largest magnitude is NaN if any value is, and infinite if any value is.</summary>
    private static bool AllFinite(ReadOnlySpan<float> values) =>
        values.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude(values));

    /// <summary>The state of one call to Train: the network, and the snapshots it may restore.</summary>
    private sealed class Run(INetwork network, TrainerOptions options)
    {
        public Snapshot LastGood { get; } = new(network);

        /// <summary>Samples per fused per-sample call: enough to amortise the call, few enough for a smooth progress bar.</summary>
        private const int SequentialChunk = 256;

        public Snapshot? Best { get; } = options.EarlyStopping is null ? null : new Snapshot(network);

        /// <summary>
        /// Batches of one sample without clipping go through <see cref="INetwork.TrainSequential"/>, which
        /// fuses the update into the backward pass and gives bitwise the same parameters as one
        /// TrainBatch per sample, in chunks of samples; every other batch is one call.
        /// </summary>
        private bool Sequential => options.BatchSize == 1 && options.MaxGradientNorm is null;

        /// <summary>Samples per call to <see cref="Train"/>.</summary>
        public int CallSize => Sequential ? SequentialChunk : options.BatchSize;

        /// <summary>How many updates (batches of BatchSize) one call made.</summary>
        public int UpdatesPerCall(Batch batch) => Sequential ? batch.Count : 1;

        /// <summary>Trains on the samples of <paramref name="batch"/>; returns their mean loss.</summary>
        public float Train(Batch batch, float learningRate)
        {
            if (Sequential)
            {
                return network.TrainSequential(batch.Inputs, batch.Targets, learningRate);
            }

            if (options.MaxGradientNorm is not { } maxNorm)
            {
                return network.TrainBatch(batch.Inputs, batch.Targets, learningRate);
            }

            // Clipping needs the mean gradient before the update: Backward each sample, then Step.
            network.ZeroGradients();
            int inputs = network.InputSize, outputs = network.OutputSize;
            double loss = 0;
            for (int s = 0; s < batch.Count; s++)
            {
                loss += network.Backward(batch.Inputs.Slice(s * inputs, inputs), batch.Targets.Slice(s * outputs, outputs));
            }

            Span<float> gradients = network.Gradients;
            TensorPrimitives.Multiply(gradients, 1f / batch.Count, gradients);
            float norm = TensorPrimitives.Norm(gradients);
            if (norm > maxNorm)
            {
                TensorPrimitives.Multiply(gradients, maxNorm / (norm + 1e-6f), gradients);
            }

            network.Step(learningRate);
            return (float)(loss / batch.Count);
        }
    }

    /// <summary>A copy of a network's parameters, optimizer state and step count, allocated once.</summary>
    private sealed class Snapshot(INetwork network)
    {
        private readonly float[] _parameters = new float[network.ParameterCount];
        private readonly float[] _state = new float[network.OptimizerState.Length];
        private long _stepCount;

        public void Capture()
        {
            network.Parameters.CopyTo(_parameters);
            network.OptimizerState.CopyTo(_state);
            _stepCount = network.StepCount;
        }

        public void Restore()
        {
            _parameters.CopyTo(network.Parameters);
            _state.CopyTo(network.OptimizerState);
            network.StepCount = _stepCount;
        }
    }
}
