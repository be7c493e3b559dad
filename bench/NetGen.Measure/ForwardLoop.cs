using System;
using System.Diagnostics;
using System.Globalization;

namespace NetGen.Measure;

/// <summary>
/// One sample's Forward in a tight loop, the input nudged each call (as bench/tiny-c/forward.c does): the
/// best of 30 rounds (a million calls each for a tiny network, 50 ms for larger ones) after a second of warm-up, in
/// nanoseconds per call.
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

        // a second of calls first, so that tiered compilation has replaced every method on the path by its
        // optimised code (rounds timed straight away measured the first tiers)
        var warmUp = Stopwatch.StartNew();
        int warmCalls = 0;
        while (warmUp.Elapsed.TotalSeconds < 1)
        {
            network.Forward(x, y);
            warmCalls++;
        }

        double seconds = warmUp.Elapsed.TotalSeconds / warmCalls;
        int calls = (int)Math.Clamp(0.05 / seconds, 1000, 1_000_000); // rounds of up to 50 ms
        double best = double.MaxValue;
        for (int round = 0; round < 30; round++)
        {
            long start = Stopwatch.GetTimestamp();
            int nudged = 0;
            for (int n = 0; n < calls; n++)
            {
                x[nudged] += 1e-7f; // a wrapping index, not n % length: a division would cost as much as a small network
                nudged = nudged + 1 == x.Length ? 0 : nudged + 1;
                network.Forward(x, y);
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"NetGen Forward {networkName}: {best:F1} ns (best of 30 rounds of {calls:N0} calls), y0={y[0]}"));
        return 0;
    }
}
