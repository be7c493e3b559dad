using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetGen.Checkpoints;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Internal;
using NetGen.Training;

namespace NetGen.Measure;

/// <summary>The tool's commands. Each prints one JSON object per line on stdout, for the script to read.</summary>
internal static class Measurements
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static int Peak(double seconds)
    {
        (double gflops, int bits) = FmaPeak.Measure(TimeSpan.FromSeconds(seconds));
        Print(new { Gflops = Math.Round(gflops, 1), VectorBits = bits, Cpu = CpuName() });
        return 0;
    }

    /// <summary>
    /// Trains in a fresh process, in the files' order (no shuffle, so PyTorch sees the same samples in the
    /// same batches), from the initial parameters it saves to <paramref name="init"/>; one line per epoch.
    /// </summary>
    public static int Train(string networkName, string data, int batch, float learningRate, int seed, int threads, long? minWork, int epochs, string? init, string? save)
    {
        WorkerPool.MaxThreads = threads;
        if (minWork is { } work)
        {
            WorkerPool.MinWorkPerThread = work;
        }

        (Dataset train, Dataset test) = Mnist.Load(data);
        INetwork network = Networks.Create(networkName, seed);
        if (init is not null)
        {
            Checkpoint.Save(network, init);
        }

        double flops = Networks.TrainingFlopsPerSample(network.Info, batch);
        var trainer = new Trainer(new TrainerOptions { Epochs = epochs, BatchSize = batch, LearningRate = learningRate, Shuffle = false });
        var reports = new List<EpochReport>();
        TrainingResult result = trainer.Train(network, train, test, new Recorder(reports));
        foreach (EpochReport report in reports)
        {
            Print(new
            {
                Tool = "netgen",
                Network = networkName,
                Batch = batch,
                Threads = threads,
                report.Epoch,
                Seconds = Math.Round(report.Duration.TotalSeconds, 4),
                SamplesPerSecond = Math.Round(report.SamplesPerSecond),
                Gflops = Math.Round(report.SamplesPerSecond * flops / 1e9, 1),
                TrainLoss = Math.Round(report.TrainLoss, 5),
                TestAccuracy = Math.Round(report.Validation!.Accuracy, 5),
            });
        }

        if (save is not null)
        {
            Checkpoint.Save(network, save);
        }

        return result.Outcome == TrainingOutcome.Completed ? 0 : 2;
    }

    /// <summary>Evaluates parameters saved by NetGen or PyTorch on the test set.</summary>
    public static int Evaluate(string networkName, string data, string load)
    {
        Dataset test = Mnist.LoadSet(data, "t10k");
        INetwork network = Networks.Create(networkName, 0);
        Checkpoint.Load(network, load);
        Evaluation.Evaluation evaluation = Evaluator.Evaluate(network, test);
        Print(new { Tool = "netgen", Network = networkName, Loaded = Path.GetFileName(load), TestAccuracy = Math.Round(evaluation.Accuracy, 5), TestLoss = Math.Round(evaluation.Loss, 5) });
        return 0;
    }

    /// <summary>Trains with shuffles until the test accuracy reaches <paramref name="target"/>: epochs and training seconds it took.</summary>
    public static int Converge(string networkName, string data, int batch, float learningRate, int seed, int maxEpochs, double target, bool cosine)
    {
        (Dataset train, Dataset test) = Mnist.Load(data);
        INetwork network = Networks.Create(networkName, seed);
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = maxEpochs,
            BatchSize = batch,
            LearningRate = learningRate,
            Seed = seed,
            Schedule = cosine ? LearningRateSchedule.Cosine() : LearningRateSchedule.Constant,
        });
        var reports = new List<EpochReport>();
        trainer.Train(network, train, test, new Recorder(reports));
        double seconds = 0;
        int? reached = null;
        double? secondsToTarget = null;
        foreach (EpochReport report in reports)
        {
            seconds += report.Duration.TotalSeconds;
            if (reached is null && report.Validation!.Accuracy >= target)
            {
                reached = report.Epoch;
                secondsToTarget = seconds;
            }
        }

        Print(new
        {
            Tool = "netgen",
            Network = networkName,
            Batch = batch,
            LearningRate = learningRate,
            Target = target,
            EpochsToTarget = reached,
            TrainingSecondsToTarget = secondsToTarget is { } s ? Math.Round(s, 2) : (double?)null,
            BestAccuracy = Math.Round(reports.Max(r => r.Validation!.Accuracy), 5),
            FinalAccuracy = Math.Round(reports[^1].Validation!.Accuracy, 5),
            Epochs = reports.Count,
            TrainingSeconds = Math.Round(seconds, 2),
            AccuracyByEpoch = reports.Select(r => Math.Round(r.Validation!.Accuracy, 4)).ToArray(),
        });
        return 0;
    }

    private static void Print<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, s_json));

    private static string CpuName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private sealed class Recorder(List<EpochReport> reports) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => reports.Add(value);
    }
}
