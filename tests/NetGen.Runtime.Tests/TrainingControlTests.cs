using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NetGen.Checkpoints;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Runtime.Tests;

/// <summary>Resuming from a checkpoint, learning-rate schedules, early stopping and gradient clipping.</summary>
public sealed class TrainingControlTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-control-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Optimizers => ["sgd", "momentum", "adam"];

    private static INetwork Create(string optimizer) => optimizer switch
    {
        "sgd" => new TinyNet(5),
        "momentum" => new TinyMomentumNet(5),
        _ => new TinyAdamNet(5),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Two_epochs_saved_loaded_and_one_more_equal_three_epochs_bit_for_bit(string optimizer)
    {
        Dataset data = Blobs(300, seed: 9);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = 0.05f, Seed = 21 };

        INetwork straight = Create(optimizer);
        new Trainer(options).Train(straight, data.Copy(0, data.Count));

        INetwork first = Create(optimizer);
        new Trainer(options with { Epochs = 2 }).Train(first, data.Copy(0, data.Count));
        INetwork resumed = SaveAndLoadIntoAFreshNetwork(first, optimizer);
        new Trainer(options with { StartEpoch = 2 }).Train(resumed, data.Copy(0, data.Count));

        AssertSameState(straight, resumed);
        Assert.Equal(3 * 19, straight.StepCount); // 300 samples in batches of 16: 19 updates per epoch
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_run_interrupted_after_two_of_four_epochs_resumes_exactly_with_its_schedule(string optimizer)
    {
        // A cosine schedule depends on the run's length, so the interrupted run is the full run,
        // cancelled after its second epoch.
        Dataset data = Blobs(300, seed: 10);
        var options = new TrainerOptions { Epochs = 4, BatchSize = 32, LearningRate = 0.05f, Seed = 22, Schedule = LearningRateSchedule.Cosine(0.005f) };

        INetwork straight = Create(optimizer);
        new Trainer(options).Train(straight, data.Copy(0, data.Count));

        INetwork first = Create(optimizer);
        using var stop = new CancellationTokenSource();
        var stopAfterTwo = new Recorder([], report => { if (report.Epoch == 2) { stop.Cancel(); } });
        TrainingResult stopped = new Trainer(options).Train(first, data.Copy(0, data.Count), epochProgress: stopAfterTwo, cancellationToken: stop.Token);
        Assert.Equal(TrainingOutcome.Canceled, stopped.Outcome);
        Assert.Equal(new TrainingPosition(2, 0), stopped.Position);
        INetwork resumed = SaveAndLoadIntoAFreshNetwork(first, optimizer);
        new Trainer(options with { StartEpoch = 2 }).Train(resumed, data.Copy(0, data.Count));

        AssertSameState(straight, resumed);
    }

    private INetwork SaveAndLoadIntoAFreshNetwork(INetwork trained, string optimizer)
    {
        string path = Path.Combine(_folder, optimizer + ".safetensors");
        Checkpoint.Save(trained, path);
        INetwork fresh = Create(optimizer);
        fresh.Parameters.Clear(); // nothing of the fresh initialisation may survive the load
        Checkpoint.Load(fresh, path);
        return fresh;
    }

    private static void AssertSameState(INetwork expected, INetwork actual)
    {
        Assert.Equal(expected.Parameters.ToArray(), actual.Parameters.ToArray());
        Assert.Equal(expected.OptimizerState.ToArray(), actual.OptimizerState.ToArray());
        Assert.Equal(expected.StepCount, actual.StepCount);
    }

    [Fact]
    public void Schedules_give_pytorchs_learning_rates()
    {
        // StepLR(step_size=3, gamma=0.5) and CosineAnnealingLR(T_max=10, eta_min=0.001) from 0.1, written out.
        float[] step = [0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f];
        for (int epoch = 0; epoch < step.Length; epoch++)
        {
            Assert.Equal(step[epoch], LearningRateSchedule.StepDecay(3, 0.5f).LearningRate(0.1f, epoch, 10), 6);
        }

        Assert.Equal(0.1f, LearningRateSchedule.Cosine(0.001f).LearningRate(0.1f, 0, 10), 6);
        Assert.Equal(0.0505f, LearningRateSchedule.Cosine(0.001f).LearningRate(0.1f, 5, 10), 6); // halfway: the mean
        Assert.Equal(0.001f + (0.099f * (1 + Math.Cos(Math.PI * 0.2)) / 2), LearningRateSchedule.Cosine(0.001f).LearningRate(0.1f, 2, 10), 6);
        Assert.Equal(0.1f, LearningRateSchedule.Constant.LearningRate(0.1f, 7, 10));

        // The trainer uses the schedule's rate in each epoch and reports it.
        var reports = new List<EpochReport>();
        new Trainer(new TrainerOptions { Epochs = 7, BatchSize = 50, LearningRate = 0.1f, Schedule = LearningRateSchedule.StepDecay(3, 0.5f) })
            .Train(new TinyNet(1), Blobs(100, seed: 1), epochProgress: new Recorder(reports));
        Assert.Equal(step, reports.Select(r => r.LearningRate));
    }

    [Fact]
    public void Invalid_schedules_name_their_argument()
    {
        Assert.Equal("stepEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.StepDecay(0, 0.5f)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.StepDecay(1, 1.5f)).ParamName);
        Assert.Equal("minimum", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(-1)).ParamName);
    }

    [Fact]
    public void Early_stopping_restores_the_parameters_of_the_best_epoch()
    {
        // Validation targets are the training classes shifted by one: the better the network fits the
        // training data, the worse the validation loss, so it stops improving within a few epochs.
        Dataset train = Blobs(240, seed: 3);
        Dataset validation = Blobs(240, seed: 3, shift: 1);
        var options = new TrainerOptions { Epochs = 30, BatchSize = 8, LearningRate = 0.05f, Seed = 2, EarlyStopping = new EarlyStopping(Patience: 2) };

        var network = new TinyAdamNet(4);
        TrainingResult result = new Trainer(options).Train(network, train.Copy(0, train.Count), validation);

        Assert.Equal(TrainingOutcome.EarlyStopped, result.Outcome);
        int best = result.BestEpoch!.Value;
        Assert.Equal(best + 2, result.History.Count);
        Assert.Equal(result.History.Min(r => r.Validation!.Loss), result.History[best - 1].Validation!.Loss);

        // The oracle: the same run stopped by hand after the best epoch.
        var reference = new TinyAdamNet(4);
        new Trainer(options with { Epochs = best, EarlyStopping = null }).Train(reference, train.Copy(0, train.Count), validation);
        Assert.Equal(reference.Parameters.ToArray(), network.Parameters.ToArray());
        Assert.Equal(reference.OptimizerState.ToArray(), network.OptimizerState.ToArray());
        Assert.Equal(reference.StepCount, network.StepCount);
    }

    [Theory]
    [InlineData(0.05f)] // clipped
    [InlineData(1e6f)]  // below the limit: untouched
    public void Gradient_clipping_scales_the_mean_gradient_to_the_maximum_norm(float maxNorm)
    {
        Dataset data = Blobs(16, seed: 8);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.5f, Shuffle = false, MaxGradientNorm = maxNorm };
        var network = new TinyNet(6);
        float[] before = network.Parameters.ToArray();

        // The oracle in double precision: the mean gradient, its norm, the clipped SGD step.
        var probe = new TinyNet(6);
        probe.ZeroGradients();
        for (int s = 0; s < data.Count; s++)
        {
            probe.Backward(data.GetFeatures(s), data.GetTarget(s));
        }

        double[] mean = [.. probe.Gradients.ToArray().Select(g => (double)g / data.Count)];
        double norm = Math.Sqrt(mean.Sum(g => g * g));
        double scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
        Assert.True(maxNorm > 1 || norm > 4 * maxNorm, $"the test needs a gradient norm well above {maxNorm}, not {norm}");

        new Trainer(options).Train(network, data);

        float[] after = network.Parameters.ToArray();
        for (int i = 0; i < after.Length; i++)
        {
            Assert.Equal(before[i] - (0.5 * scale * mean[i]), after[i], 1e-5);
        }
    }

    /// <summary>
    /// Three classes in four dimensions, class = argmax of three fixed linear scores (plus
    /// <paramref name="shift"/>, mod 3), one-hot targets.
    /// </summary>
    internal static Dataset Blobs(int count, int seed, int shift = 0)
    {
        var random = new DeterministicRandom(seed);
        float[] x = [.. Enumerable.Range(0, count * 4).Select(_ => (2 * random.NextSingle()) - 1)];
        int[] labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> p = x.AsSpan(4 * s, 4);
            float[] scores = [p[0] + p[1], p[2] - p[0], p[3] - p[1]];
            labels[s] = (Array.IndexOf(scores, scores.Max()) + shift) % 3;
        }

        return Dataset.FromLabels(x, 4, labels, 3);
    }

    private sealed class Recorder(List<EpochReport> reports, Action<EpochReport>? then = null) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            reports.Add(value);
            then?.Invoke(value);
        }
    }
}
