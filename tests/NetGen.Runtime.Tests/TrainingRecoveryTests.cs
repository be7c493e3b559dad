using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using NetGen.Checkpoints;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Runtime.Tests;

/// <summary>
/// What a long run needs to survive being stopped: cancellation after a batch with a checkpoint of where it
/// was, resuming from it to the same parameters bit for bit, checkpoints every N epochs, and divergence
/// reported with where it happened and which parameters were kept.
/// </summary>
public sealed class TrainingRecoveryTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static INetwork Create(string optimizer) => optimizer switch
    {
        "sgd" => new TinyNet(5),
        "momentum" => new TinyMomentumNet(5),
        _ => new TinyAdamNet(5),
    };

    [Theory]
    [InlineData("sgd", 16)]
    [InlineData("momentum", 16)]
    [InlineData("adam", 16)]
    [InlineData("adam", 1)] // the fused per-sample path, which reports every 256 samples
    public void A_run_canceled_mid_epoch_resumes_from_its_checkpoint_to_the_same_parameters_bit_for_bit(string optimizer, int batchSize)
    {
        Dataset data = TrainingControlTests.Blobs(600, seed: 11);
        var options = new TrainerOptions { Epochs = 3, BatchSize = batchSize, LearningRate = 0.02f, Seed = 23, Schedule = LearningRateSchedule.Cosine(0.002f) };
        INetwork straight = Create(optimizer);
        new Trainer(options).Train(straight, data.Copy(0, data.Count));

        // Cancelled from the progress callback in epoch 2, as a Ctrl+C handler would, between two batches.
        string path = _files.PathOf("run.safetensors");
        INetwork first = Create(optimizer);
        using var stop = new CancellationTokenSource();
        var cancelInEpochTwo = new Callback<BatchReport>(report =>
        {
            if (report.Epoch == 2 && report.Batch >= 7)
            {
                stop.Cancel();
            }
        });
        TrainingResult stopped = new Trainer(options with { CheckpointPath = path, CheckpointMetadata = new Dictionary<string, string> { ["run"] = "recovery" } })
            .Train(first, data.Copy(0, data.Count), batchProgress: cancelInEpochTwo, cancellationToken: stop.Token);

        int batch = batchSize == 1 ? 256 : 7;
        Assert.Equal(TrainingOutcome.Canceled, stopped.Outcome);
        Assert.Equal(new TrainingPosition(1, batch), stopped.Position);
        Assert.Equal(path, stopped.CheckpointPath);
        Assert.Equal($"Canceled in epoch 2, after batch {batch}; the checkpoint {path} holds the parameters in epoch 2, after batch {batch}.", stopped.Message);

        INetwork resumed = Create(optimizer);
        resumed.Parameters.Clear();
        CheckpointInfo info = Checkpoint.Load(resumed, path);
        Assert.Equal(stopped.Position, info.Position);
        Assert.Equal("recovery", info.Metadata["run"]);
        TrainingResult rest = new Trainer(options.ResumingAt(info.Position!.Value)).Train(resumed, data.Copy(0, data.Count));

        Assert.Equal(TrainingOutcome.Completed, rest.Outcome);
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(straight.OptimizerState.ToArray(), resumed.OptimizerState.ToArray());
        Assert.Equal(straight.StepCount, resumed.StepCount);
    }

    [Fact]
    public void Checkpoints_are_saved_every_n_epochs_and_after_the_last()
    {
        string path = _files.PathOf("every.safetensors");
        var seen = new List<int?>();
        var network = new TinyAdamNet(3);
        var options = new TrainerOptions { Epochs = 5, BatchSize = 32, LearningRate = 0.01f, CheckpointPath = path, CheckpointEveryEpochs = 2 };

        // Each report comes before its epoch's checkpoint: what the file holds then is the one before.
        TrainingResult result = new Trainer(options).Train(network, TrainingControlTests.Blobs(200, seed: 4), epochProgress: new Callback<EpochReport>(_ =>
            seen.Add(File.Exists(path) ? Checkpoint.Load(new TinyAdamNet(), path).Epoch : null)));

        Assert.Equal([null, null, 2, 2, 4], seen);
        var last = new TinyAdamNet(9);
        Assert.Equal(new TrainingPosition(5, 0), Checkpoint.Load(last, path).Position);
        Assert.Equal(network.Parameters.ToArray(), last.Parameters.ToArray());
        Assert.Equal(path, result.CheckpointPath);
        Assert.Equal(new TrainingPosition(5, 0), result.Position);
    }

    [Fact]
    public void Divergence_names_the_epoch_and_batch_and_keeps_the_parameters_of_the_epochs_start()
    {
        // The learning rate grows tenfold each epoch: training is fine at first, then the loss blows up.
        Dataset data = TrainerTests.Regression(64, seed: 2, scale: 50f);
        var network = new RegressionNet(1);
        var starts = new List<float[]> { network.Parameters.ToArray() };
        var batches = new List<BatchReport>();
        var options = new TrainerOptions { Epochs = 12, BatchSize = 4, LearningRate = 1e-6f, Schedule = new TenfoldEachEpoch() };

        TrainingResult result = new Trainer(options).Train(
            network,
            data,
            epochProgress: new Callback<EpochReport>(_ => starts.Add(network.Parameters.ToArray())),
            batchProgress: new Callback<BatchReport>(batches.Add));

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Match where = Regex.Match(result.Message, @"^Training diverged in epoch (\d+), batch (\d+) of 16: the loss became (\S+) at learning rate (\S+)\. The parameters were restored to those (.+), the last known finite\.");
        Assert.True(where.Success, result.Message);
        int epoch = int.Parse(where.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int batch = int.Parse(where.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(epoch > 1, $"diverged in the first epoch already: {result.Message}");

        // The batch named is the first whose loss was not finite: the one after the last reported.
        BatchReport lastGood = batches[^1];
        Assert.Equal(lastGood.Epoch == epoch ? lastGood.Batch + 1 : 1, batch);
        Assert.Equal(new TrainingPosition(epoch - 1, 0), result.Position);
        Assert.Equal(result.Position.ToString(), where.Groups[5].Value);
        Assert.Equal(starts[epoch - 1], network.Parameters.ToArray());
        Assert.Equal(epoch - 1, result.History.Count);
    }

    [Fact]
    public void A_start_batch_past_the_epoch_is_refused()
    {
        var trainer = new Trainer(new TrainerOptions { BatchSize = 16, StartBatch = 19 });
        var e = Assert.Throws<ArgumentException>(() => trainer.Train(new TinyNet(), TrainingControlTests.Blobs(300, seed: 1)));
        Assert.Contains("has only 19 batches", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_path_that_cannot_be_written_is_refused_before_the_first_batch()
    {
        string path = _files.PathOf(Path.Combine("missing", "run.safetensors"));
        var batches = new List<BatchReport>();
        var trainer = new Trainer(new TrainerOptions { CheckpointPath = path });

        var e = Assert.Throws<DirectoryNotFoundException>(() => trainer.Train(new TinyNet(), TrainingControlTests.Blobs(100, seed: 1), batchProgress: new Callback<BatchReport>(batches.Add)));

        Assert.Empty(batches);
        Assert.StartsWith($"Cannot save {path}: the folder ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A learning rate ten times larger every epoch: fine at first, then far too high.</summary>
    private sealed record TenfoldEachEpoch : LearningRateSchedule
    {
        public override float LearningRate(float initial, int epoch, int epochs) => initial * MathF.Pow(10, epoch);
    }

    private sealed class Callback<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
