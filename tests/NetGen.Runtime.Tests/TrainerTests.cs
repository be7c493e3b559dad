using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Training;

namespace NetGen.Runtime.Tests;

public sealed class TrainerTests
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> s_digits = new(() => Mnist.Load(TestFiles.MnistFolder));

    private sealed class Recorder<T> : IProgress<T>
    {
        public List<T> Reports { get; } = [];

        public void Report(T value) => Reports.Add(value);
    }

    [Fact]
    public void Trains_the_shipped_digits_to_at_least_90_percent()
    {
        (Dataset train, Dataset test) = s_digits.Value;
        var network = new DigitNet(seed: 1);
        var epochs = new Recorder<EpochReport>();
        var batches = new Recorder<BatchReport>();

        TrainingResult result = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 16, LearningRate = 0.1f, Seed = 1 })
            .Train(network, train.Copy(0, train.Count), test, epochs, batches);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Evaluation.Evaluation evaluation = Evaluator.Evaluate(network, test);
        Assert.True(evaluation.Accuracy >= 0.90, $"test accuracy {evaluation.Accuracy:P2}");
        Assert.Equal([1, 2], epochs.Reports.Select(r => r.Epoch));
        Assert.Equal(2 * 500, batches.Reports.Count);
        Assert.Equal(evaluation.Accuracy, epochs.Reports[^1].Validation!.Accuracy);
        Assert.True(epochs.Reports[1].TrainLoss < epochs.Reports[0].TrainLoss);

        // the training accuracy is the network's on the training data after the epoch
        EpochReport last = epochs.Reports[^1];
        Assert.Equal(Evaluator.Evaluate(network, train).Accuracy, last.TrainAccuracy);
        Assert.True(last.TrainAccuracy >= 0.90, $"training accuracy {last.TrainAccuracy:P2}");
    }

    [Fact]
    public void An_epoch_report_prints_as_one_readable_line()
    {
        Dataset data = Classes(90, seed: 2);
        var epochs = new Recorder<EpochReport>();
        new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 8, LearningRate = 0.1f }).Train(new TinyNet(1), data, data.Copy(0, 30), epochs);

        string line = epochs.Reports.Single().ToString();
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("epoch 1/1: loss ", line, StringComparison.Ordinal);
        Assert.Contains("train accuracy ", line, StringComparison.Ordinal);
        Assert.Contains(", validation loss ", line, StringComparison.Ordinal);
        Assert.Contains(" samples/s)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Confusion", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_training_evaluation_can_be_turned_off()
    {
        Dataset data = Classes(40, seed: 2);
        var epochs = new Recorder<EpochReport>();
        new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 8, LearningRate = 0.1f, EvaluateTraining = false }).Train(new TinyNet(1), data, epochProgress: epochs);

        EpochReport report = epochs.Reports.Single();
        Assert.Null(report.Training);
        Assert.True(double.IsNaN(report.TrainAccuracy));
        Assert.DoesNotContain("accuracy", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_gives_the_same_parameters()
    {
        Dataset data = Regression(200, seed: 3);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 8, LearningRate = 0.05f, Seed = 11 };
        RegressionNet a = new(1), b = new(1);

        new Trainer(options).Train(a, data.Copy(0, data.Count));
        new Trainer(options).Train(b, data.Copy(0, data.Count));

        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
    }

    [Fact]
    public void Batches_of_one_train_through_the_fused_path_exactly_as_one_update_per_sample()
    {
        Dataset data = Regression(600, seed: 5);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 1, LearningRate = 0.02f, Seed = 4 };
        RegressionNet viaTrainer = new(3), byHand = new(3);
        var batches = new Recorder<BatchReport>();

        TrainingResult result = new Trainer(options).Train(viaTrainer, data.Copy(0, data.Count), batchProgress: batches);

        // The oracle: the documented semantics, one TrainBatch per sample in each epoch's shuffled order.
        Dataset copy = data.Copy(0, data.Count);
        var epochLosses = new double[2];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            copy.Shuffle(Trainer.EpochSeed(options.Seed, epoch));
            foreach (Batch sample in copy.Batches(1))
            {
                epochLosses[epoch] += byHand.TrainBatch(sample.Inputs, sample.Targets, options.LearningRate);
            }
        }

        Assert.Equal(byHand.Parameters.ToArray(), viaTrainer.Parameters.ToArray());
        Assert.Equal(1200, byHand.StepCount);
        Assert.Equal(viaTrainer.StepCount, byHand.StepCount);
        Assert.Equal(epochLosses[1] / 600, result.History[1].TrainLoss, 4);

        // Reports come per chunk of samples, numbered by samples done, and end at the epoch's size.
        Assert.Equal([256, 512, 600, 256, 512, 600], batches.Reports.Select(r => r.Batch));
        Assert.All(batches.Reports, r => Assert.Equal(600, r.BatchCount));
    }

    [Fact]
    public void A_diverging_loss_stops_training_and_restores_the_last_good_parameters()
    {
        Dataset data = Regression(64, seed: 2, scale: 1e3f);
        var network = new RegressionNet(2);
        var epochs = new Recorder<EpochReport>();
        float[] before = network.Parameters.ToArray();

        TrainingResult result = new Trainer(new TrainerOptions { Epochs = 50, BatchSize = 4, LearningRate = 10f })
            .Train(network, data, epochProgress: epochs);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Contains("smaller learning rate", result.Message, StringComparison.Ordinal);
        Assert.All(network.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        if (epochs.Reports.Count == 0)
        {
            Assert.Equal(before, network.Parameters.ToArray());
        }

        Assert.Equal(result.History.Count, epochs.Reports.Count);
    }

    [Fact]
    public void Options_out_of_range_name_the_option()
    {
        static string Rejected(TrainerOptions options) =>
            Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(options)).ParamName!;

        Assert.Equal("Epochs", Rejected(new TrainerOptions { Epochs = 0 }));
        Assert.Equal("BatchSize", Rejected(new TrainerOptions { BatchSize = -1 }));
        Assert.Equal("LearningRate", Rejected(new TrainerOptions { LearningRate = float.NaN }));
        Assert.Equal("LearningRate", Rejected(new TrainerOptions { LearningRate = 0 }));
        Assert.Equal("StartEpoch", Rejected(new TrainerOptions { Epochs = 3, StartEpoch = 3 }));
        Assert.Equal("StartBatch", Rejected(new TrainerOptions { StartBatch = -1 }));
        Assert.Equal("CheckpointEveryEpochs", Rejected(new TrainerOptions { CheckpointEveryEpochs = 0 }));
        Assert.Equal("CheckpointPath", Rejected(new TrainerOptions { CheckpointPath = string.Empty }));
        Assert.Equal("MaxGradientNorm", Rejected(new TrainerOptions { MaxGradientNorm = -1 }));
        Assert.Equal("EarlyStopping", Rejected(new TrainerOptions { EarlyStopping = new EarlyStopping(0) }));
    }

    [Fact]
    public void Data_of_the_wrong_shape_and_early_stopping_without_validation_are_rejected()
    {
        var trainer = new Trainer(new TrainerOptions());
        var e = Assert.Throws<ArgumentException>(() => trainer.Train(new TinyNet(), Regression(10, 1)));
        Assert.Contains("TinyNet takes 4 inputs", e.Message, StringComparison.Ordinal);

        var early = new Trainer(new TrainerOptions { EarlyStopping = new EarlyStopping(2) });
        Assert.Throws<ArgumentException>(() => early.Train(new RegressionNet(), Regression(10, 1)));
    }

    [Fact]
    public void Cancellation_stops_between_batches()
    {
        using var cancellation = new CancellationTokenSource();
        var batches = new Recorder<BatchReport>();
        var progress = new Progress(batches, cancellation, after: 3);
        TrainingResult result = new Trainer(new TrainerOptions { BatchSize = 2 })
            .Train(new RegressionNet(), Regression(40, 1), batchProgress: progress, cancellationToken: cancellation.Token);

        Assert.Equal(3, batches.Reports.Count);
        Assert.Equal(TrainingOutcome.Canceled, result.Outcome);
        Assert.Equal(new TrainingPosition(0, 3), result.Position);
        Assert.Equal("Canceled in epoch 1, after batch 3.", result.Message);
        Assert.Null(result.CheckpointPath);
    }

    private sealed class Progress(Recorder<BatchReport> inner, CancellationTokenSource source, int after) : IProgress<BatchReport>
    {
        public void Report(BatchReport value)
        {
            inner.Report(value);
            if (inner.Reports.Count == after)
            {
                source.Cancel();
            }
        }
    }

    /// <summary>y = sum of sin(3 x_i), on inputs in [-1, 1), times <paramref name="scale"/>.</summary>
    internal static Dataset Regression(int count, int seed, float scale = 1f)
    {
        var random = new DeterministicRandom(seed);
        float[] x = [.. Enumerable.Range(0, count * 3).Select(_ => (2 * random.NextSingle()) - 1)];
        float[] y = [.. Enumerable.Range(0, count).Select(s => scale * (MathF.Sin(3 * x[3 * s]) + MathF.Sin(3 * x[(3 * s) + 1]) + MathF.Sin(3 * x[(3 * s) + 2])))];
        return new Dataset(x, 3, y, 1);
    }

    /// <summary>Three classes of 4 features: the class is which of the first three features is largest.</summary>
    internal static Dataset Classes(int count, int seed)
    {
        var random = new DeterministicRandom(seed);
        float[] x = [.. Enumerable.Range(0, count * 4).Select(_ => (2 * random.NextSingle()) - 1)];
        int[] labels = [.. Enumerable.Range(0, count).Select(s => x[4 * s] > x[(4 * s) + 1] ? (x[4 * s] > x[(4 * s) + 2] ? 0 : 2) : (x[(4 * s) + 1] > x[(4 * s) + 2] ? 1 : 2))];
        return Dataset.FromLabels(x, 4, labels, 3);
    }
}
