using System;
using System.Diagnostics;
using System.Linq;
using NetGen.Internal;

namespace NetGen.Measure;

/// <summary>Per-call times of one-sample operations, as a distribution (BenchmarkDotNet reports means).</summary>
internal static class Latency
{
    public static int Run(string networkName, int threads, int calls)
    {
        WorkerPool.MaxThreads = threads;
        INetwork network = Networks.Create(networkName, 1);
        var random = new DeterministicRandom(3);
        const int Samples = 1024;
        float[] inputs = new float[Samples * network.InputSize];
        float[] targets = new float[Samples * network.OutputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextSingle();
        }

        for (int s = 0; s < Samples; s++)
        {
            targets[(s * network.OutputSize) + random.NextInt32(network.OutputSize)] = 1;
        }

        float[] output = new float[network.OutputSize];
        var times = new double[calls];
        foreach (string operation in new[] { "forward", "train-batch-1", "train-sequential-64" })
        {
            for (int round = 0; round < 2; round++) // the first round warms up
            {
                var wake = Stopwatch.StartNew();
                int spins = 0;
                while (threads > 1 && WorkerPool.ThreadsForSample(1 << 20) < 2 && wake.ElapsedMilliseconds < 100)
                {
                    spins++;
                }

                Console.Error.WriteLine($"{operation} round {round}: helpers awake after {wake.Elapsed.TotalMicroseconds:F0} us, {spins} polls");
                for (int c = 0; c < calls; c++)
                {
                    int s = c % (Samples - 64);
                    ReadOnlySpan<float> x = inputs.AsSpan(s * network.InputSize, network.InputSize);
                    ReadOnlySpan<float> t = targets.AsSpan(s * network.OutputSize, network.OutputSize);
                    long start = Stopwatch.GetTimestamp();
                    switch (operation)
                    {
                        case "forward":
                            network.Forward(x, output);
                            break;
                        case "train-batch-1":
                            network.TrainBatch(x, t, 0.001f);
                            break;
                        default:
                            network.TrainSequential(inputs.AsSpan(s * network.InputSize, 64 * network.InputSize), targets.AsSpan(s * network.OutputSize, 64 * network.OutputSize), 0.001f);
                            break;
                    }

                    times[c] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / (operation == "forward" || operation == "train-batch-1" ? 1 : 64);
                }
            }

            Array.Sort(times);
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                tool = "netgen",
                network = networkName,
                threads,
                operation,
                microseconds_p10 = Math.Round(times[calls / 10], 3),
                microseconds_p50 = Math.Round(times[calls / 2], 3),
                microseconds_p90 = Math.Round(times[calls * 9 / 10], 3),
                microseconds_p99 = Math.Round(times[calls * 99 / 100], 3),
                microseconds_mean = Math.Round(times.Average(), 3),
            }));
        }

        return 0;
    }
}
