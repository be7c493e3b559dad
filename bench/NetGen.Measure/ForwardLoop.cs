using System;
using System.Diagnostics;
using System.Globalization;

namespace NetGen.Measure;

/// <summary>
/// One sample's Forward in a tight loop, the input nudged each call (as bench/tiny-c/forward.c does): the
/// best of 30 rounds of a million calls, in nanoseconds per call.
/// </summary>
internal static class ForwardLoop
{
    public static int Run(string networkName)
    {
        Parallelism.MaxThreads = 1;
        INetwork network = Networks.Create(networkName, 1);
        var x = new float[network.InputSize];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = 0.1f * (i + 1);
        }

        var y = new float[network.OutputSize];
        double best = double.MaxValue;
        for (int round = 0; round < 30; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int n = 0; n < 1_000_000; n++)
            {
                x[n % x.Length] += 1e-7f;
                network.Forward(x, y);
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / 1e6);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"NetGen Forward {networkName}: {best:F1} ns (best of 30 rounds of 1M), y0={y[0]}"));
        return 0;
    }
}
