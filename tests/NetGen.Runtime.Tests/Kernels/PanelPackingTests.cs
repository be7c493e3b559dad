using System;
using NetGen.Internal.Kernels;

namespace NetGen.Runtime.Tests.Kernels;

/// <summary>The packing of W^T into the panels the forward products read, against the layout written out value by value.</summary>
public sealed class PanelPackingTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(8, 8)]
    [InlineData(13, 9)]
    [InlineData(16, 784)]
    [InlineData(37, 33)]
    [InlineData(130, 17)]
    [InlineData(200, 64)]
    public void Packs_every_weight_where_a_panel_reads_it(int units, int inputs)
    {
        var random = new Random(units * 1000 + inputs);
        float[] w = new float[units * inputs];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)random.NextDouble();
        }

        int panels = (units + Gemm.Panel - 1) / Gemm.Panel;

        // the whole layer at once, and split at a panel boundary as two threads split it
        foreach (int split in new[] { 0, units > Gemm.Panel ? Gemm.Panel : 0, units > 3 * Gemm.Panel ? 3 * Gemm.Panel : 0 })
        {
            var packed = new float[panels * inputs * Gemm.Panel];
            Array.Fill(packed, float.NaN);
            PanelPacking.Pack(ref w[0], inputs, ref packed[0], 0, split == 0 ? units : split);
            if (split != 0)
            {
                PanelPacking.Pack(ref w[0], inputs, ref packed[0], split, units - split);
            }

            for (int j = 0; j < units; j++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    float value = packed[((j / Gemm.Panel) * inputs * Gemm.Panel) + (i * Gemm.Panel) + (j % Gemm.Panel)];
                    Assert.True(value == w[(j * inputs) + i], $"{units} x {inputs}, split at {split}: W[{j}, {i}] packed as {value}");
                }
            }
        }
    }
}
