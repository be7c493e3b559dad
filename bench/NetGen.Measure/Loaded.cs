using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace NetGen.Measure;

/// <summary>
/// Predict of 1,024 samples (or per-sample SGD on 64 samples, TrainSequential, or TrainBatch of 64 or 256), call after call, while
/// other threads keep every core busy: the distribution of the calls' times shows whether a call waits
/// for a helper the OS has descheduled.
/// </summary>
internal static class Loaded
{
    /// <param name="alternate">
    /// When above 0, the timed calls alternate in blocks of this many between one thread and <paramref name="threads"/>,
    /// so that both ways see the same minutes of a host whose speed drifts, and the line gives both means.
    /// </param>
    public static int Run(string networkName, int threads, int busy, int calls, string operation, int alternate)
    {
        Parallelism.MaxThreads = threads;
        INetwork network = Networks.Create(networkName, 1);
        const int Samples = 1024;
        (float[] inputs, float[] targets) = Networks.RandomSamples(network, Samples, seed: 3);
        float[] outputs = new float[Samples * network.OutputSize];
        Action call = operation switch
        {
            "predict-1024" => () => network.Predict(inputs, outputs),
            "train-sequential-64" => () => network.TrainSequential(inputs.AsSpan(0, 64 * network.InputSize), targets.AsSpan(0, 64 * network.OutputSize), 1e-4f),
            "train-batch-64" => () => network.TrainBatch(inputs.AsSpan(0, 64 * network.InputSize), targets.AsSpan(0, 64 * network.OutputSize), 1e-4f),
            "train-batch-256" => () => network.TrainBatch(inputs.AsSpan(0, 256 * network.InputSize), targets.AsSpan(0, 256 * network.OutputSize), 1e-4f),
            _ => throw new ArgumentException($"--operation must be predict-1024, train-sequential-64, train-batch-64 or train-batch-256, not '{operation}'"),
        };

        using var stop = new CancellationTokenSource();
        Thread[] spinners = [.. Enumerable.Range(0, busy).Select(_ => new Thread(() =>
        {
            double x = 1;
            while (!stop.IsCancellationRequested)
            {
                x = Math.Sqrt(x + 1); // a core's worth of work, at the same priority as NetGen's threads
            }

            GC.KeepAlive(x);
        }) { IsBackground = true })];
        foreach (Thread spinner in spinners)
        {
            spinner.Start();
        }

        // with blocks, as many calls each way, in whole blocks
        calls = alternate > 0 ? (calls + alternate - 1) / alternate * alternate : calls;
        var times = new double[calls];
        var alone = new double[alternate > 0 ? calls : 0];
        int aloneCalls = 0, threadsCalls = 0;
        for (int c = -10; c < calls + alone.Length; c++)
        {
            bool oneThread = alternate > 0 && c >= 0 && (c / alternate) % 2 == 1;
            if (alternate > 0)
            {
                Parallelism.MaxThreads = oneThread ? 1 : threads;
            }

            long start = Stopwatch.GetTimestamp();
            call();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (c < 0)
            {
                continue;
            }

            if (oneThread)
            {
                alone[aloneCalls++] = ms;
            }
            else
            {
                times[threadsCalls++] = ms;
            }
        }

        stop.Cancel();
        string oneThreadMean = alternate > 0
            ? string.Create(CultureInfo.InvariantCulture, $",\"alternate\":{alternate},\"one_thread_mean_ms\":{alone.Average():F3},\"mean_over_one_thread\":{times.Average() / alone.Average():F3}")
            : "";
        Array.Sort(times);
        double At(double q) => times[Math.Min(times.Length - 1, (int)(q * times.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"network\":\"{networkName}\",\"operation\":\"{operation}\",\"threads\":{threads},\"busy_threads\":{busy},\"calls\":{calls},\"median_ms\":{At(0.5):F3},\"p90_ms\":{At(0.9):F3},\"p99_ms\":{At(0.99):F3},\"max_ms\":{times[^1]:F3},\"mean_ms\":{times.Average():F3}{oneThreadMean}}}"));
        return 0;
    }
}
