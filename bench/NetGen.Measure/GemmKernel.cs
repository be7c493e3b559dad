using System;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;
using NetGen.Internal.Kernels;

namespace NetGen.Measure;

/// <summary>
/// The batch product alone, C = A B with B in panels (what a layer's forward pass runs once W is packed) or, with a
/// row stride, B row-major with its rows that far apart (the batch backward product's padded copy of W), and A along
/// its rows (as a forward product reads X) or down the columns of its stored transpose (as the weight-gradient
/// product reads dE/dZ), at the
/// machine's widest accelerated vector: GFLOP/s as the best of many short rounds, beside this core's FMA peak
/// measured in the same process. Best of rounds rather than a median, so that a noisy VM's stolen time does not hide
/// a change to the kernel of a few percent; run an old and a new build in turn to compare them.
/// </summary>
internal static class GemmKernel
{
    public static void Run(int rows, int steps, int columns, int bRowStride, int aTransposedStride, double seconds)
    {
        // the peak first: it also says which vector width the machine accelerates, the product's width here
        (double peak, int bits) = FmaPeak.Measure(TimeSpan.FromSeconds(1));
        var random = new DeterministicRandom(1);
        int panels = (columns + Gemm.Panel - 1) / Gemm.Panel;
        if (aTransposedStride != 0 && aTransposedStride < rows)
        {
            throw new ArgumentOutOfRangeException(nameof(aTransposedStride), aTransposedStride, $"a row of A's transpose holds {rows} values");
        }

        float[] a = new float[Math.Max(rows * steps, steps * aTransposedStride)];
        if (bRowStride != 0 && bRowStride < columns)
        {
            throw new ArgumentOutOfRangeException(nameof(bRowStride), bRowStride, $"a row of B holds {columns} columns");
        }

        float[] b = new float[Math.Max(panels * steps * Gemm.Panel, steps * bRowStride)];
        random.FillUniform(a, 0.5f);
        random.FillUniform(b, 0.5f);
        float[] bias = new float[(panels * Gemm.Panel) + 16];
        float[] c = new float[rows * columns];
        Action product = () =>
        {
            var p = new Product
            {
                A = ref a[0], ARow = aTransposedStride == 0 ? steps : 1, AStep = aTransposedStride == 0 ? 1 : aTransposedStride, B = ref b[0], BPanels = bRowStride == 0, BStep = bRowStride, C = ref c[0], CRow = columns, Bias = ref bias[0],
                Rows = rows, Columns = columns, ColumnStart = 0, ColumnEnd = columns, Steps = steps,
            };
            switch (bits)
            {
                case 512: Gemm.Run<Simd512, Vector512<float>, PlainEpilogue>(ref p); break;
                case 256: Gemm.Run<Simd256, Vector256<float>, PlainEpilogue>(ref p); break;
                default: Gemm.Run<Simd128, Vector128<float>, PlainEpilogue>(ref p); break;
            }
        };

        product(); // compile and warm up
        const int rounds = 30;
        double best = 0;
        for (int round = 0; round < rounds; round++)
        {
            long count = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed.TotalSeconds < seconds / rounds)
            {
                product();
                count++;
            }

            best = Math.Max(best, 2.0 * rows * steps * columns * count / watch.Elapsed.TotalSeconds / 1e9);
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            shape = $"{rows}x{steps}x{columns}",
            a = aTransposedStride == 0 ? "rows" : $"transposed, rows {aTransposedStride} apart",
            b = bRowStride == 0 ? "panels" : $"rows {bRowStride} apart",
            vector_bits = bits,
            gflops = Math.Round(best, 1),
            peak_gflops = Math.Round(peak, 1),
            percent_of_peak = Math.Round(100 * best / peak, 1),
        }));
    }
}
