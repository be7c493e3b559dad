using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen;
using NetGen.Checkpoints;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Training;

namespace Consumer;

/// <summary>
/// An app that uses NetGen from its package alone, as a user's would: it declares a network, trains it,
/// saves and loads a checkpoint, and checks what it gets. It exits with 1 when a check fails.
/// With --startup it makes one prediction and exits, to time a process from start to first prediction.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var network = new Blobs(seed: 1);
        Span<float> output = stackalloc float[Blobs.OutputSize];
        network.Forward([0.5f, -0.25f], output);
        if (args.Length > 0 && args[0] == "--startup")
        {
            return output[0] >= 0f ? 0 : 1;
        }

        (Dataset train, Dataset test) = Data(seed: 3);
        var trainer = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 16, LearningRate = 0.01f, Seed = 1 });
        TrainingResult result = trainer.Train(network, train, test);
        Evaluation evaluation = Evaluator.Evaluate(network, test);
        ClassPrediction first = network.Classify(test.Features.Slice(0, Blobs.InputSize));

        string path = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"consumer-{Environment.ProcessId}.safetensors"));
        Checkpoint.Save(network, path);
        var loaded = new Blobs(seed: 2);
        Checkpoint.Load(loaded, path);
        File.Delete(path);
        bool same = SameOutputs(network, loaded, test);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"consumer: {result.Message} Last epoch: {result.History[^1]}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"consumer: test {evaluation}; first test sample: {first}; checkpoint round trip {(same ? "exact" : "DIFFERS")}"));
        return result.Outcome == TrainingOutcome.Completed && evaluation.Accuracy >= 0.95 && same ? 0 : 1;
    }

    /// <summary>Three blobs of points in the plane, 300 to train on and 150 to test.</summary>
    private static (Dataset Train, Dataset Test) Data(int seed)
    {
        var random = new DeterministicRandom(seed);
        Dataset Make(int count)
        {
            var features = new float[2 * count];
            var labels = new int[count];
            for (int s = 0; s < count; s++)
            {
                int c = s % 3;
                labels[s] = c;
                features[2 * s] = (c == 0 ? -1f : c == 1 ? 1f : 0f) + (0.4f * (random.NextSingle() - 0.5f));
                features[(2 * s) + 1] = (c == 2 ? 1f : -0.5f) + (0.4f * (random.NextSingle() - 0.5f));
            }

            return Dataset.FromLabels(features, 2, labels, 3);
        }

        return (Make(300), Make(150));
    }

    private static bool SameOutputs(Blobs a, Blobs b, Dataset data)
    {
        var x = new float[data.Count * Blobs.OutputSize];
        var y = new float[data.Count * Blobs.OutputSize];
        a.Predict(data.Features, x);
        b.Predict(data.Features, y);
        return x.AsSpan().SequenceEqual(y);
    }
}
