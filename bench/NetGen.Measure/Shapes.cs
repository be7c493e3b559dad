using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace NetGen.Measure;

/// <summary>
/// Throughput of the batch operations on one network: Predict of 1,024 samples, TrainBatch of 64 and of
/// 256, and the per-sample paths (TrainBatch of one sample, TrainSequential), as the median of timed rounds.
/// Random inputs and one-hot targets, plain SGD; one JSON line per operation.
/// </summary>
internal static class Shapes
{
    public static int Run(string networkName, int threads, double seconds, string? only = null)
    {
        Parallelism.MaxThreads = threads;
        INetwork network = Networks.Create(networkName, 1);
        const int Samples = 1024;
        (float[] inputs, float[] targets) = Networks.RandomSamples(network, Samples, seed: 7);

        float[] outputs = new float[Samples * network.OutputSize];
        double macs = Work.ForwardMultiplyAdds(network.Info);
        Measure("predict-1024", Samples, () => network.Predict(inputs, outputs));
        Measure("predict-64", 64, () => network.Predict(inputs.AsSpan(0, 64 * network.InputSize), outputs.AsSpan(0, 64 * network.OutputSize)));
        foreach (int batch in new[] { 64, 256 })
        {
            int offset = 0;
            Measure($"train-batch-{batch}", batch, () =>
            {
                network.TrainBatch(inputs.AsSpan(offset * network.InputSize, batch * network.InputSize), targets.AsSpan(offset * network.OutputSize, batch * network.OutputSize), 1e-4f);
                offset = (offset + batch) % Samples;
            });
        }

        int sample = 0;
        Measure("train-batch-1", 1, () =>
        {
            network.TrainBatch(inputs.AsSpan(sample * network.InputSize, network.InputSize), targets.AsSpan(sample * network.OutputSize, network.OutputSize), 1e-4f);
            sample = (sample + 1) % Samples;
        });
        int first = 0;
        Measure("train-sequential-64", 64, () =>
        {
            network.TrainSequential(inputs.AsSpan(first * network.InputSize, 64 * network.InputSize), targets.AsSpan(first * network.OutputSize, 64 * network.OutputSize), 1e-4f);
            first = (first + 64) % Samples; // Samples is a multiple of 64
        });
        return 0;

        void Measure(string operation, int samplesPerCall, Action call)
        {
            if (only is not null && !operation.StartsWith(only, StringComparison.Ordinal))
            {
                return;
            }

            for (int i = 0; i < 3; i++)
            {
                call(); // compile, size the buffers, wake the helpers
            }

            long start = Stopwatch.GetTimestamp();
            call();
            double once = Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-7);
            int callsPerRound = (int)Math.Clamp(0.02 / once, 1, 1_000_000); // rounds of about 20 ms
            var rounds = new System.Collections.Generic.List<double>();
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds || rounds.Count < 5)
            {
                start = Stopwatch.GetTimestamp();
                for (int c = 0; c < callsPerRound; c++)
                {
                    call();
                }

                rounds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds / callsPerRound);
            }

            double median = rounds.Order().ElementAt(rounds.Count / 2);
            double samplesPerSecond = samplesPerCall / median;
            double flopsPerSample = operation.StartsWith("predict", StringComparison.Ordinal)
                ? 2 * macs
                : Networks.TrainingFlopsPerSample(network.Info, samplesPerCall);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"side\":\"netgen\",\"network\":\"{networkName}\",\"threads\":{threads},\"operation\":\"{operation}\",\"samples_per_second\":{samplesPerSecond:F1},\"gflops\":{samplesPerSecond * flopsPerSample / 1e9:F2}}}"));
        }
    }
}
