using System;
using NetGen.Internal.Kernels;

namespace NetGen.Runtime.Tests.Kernels;

/// <summary>The copies the batch products read (W^T in panels, X in panels, dE/dZ transposed), against the layouts written out value by value.</summary>
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
        float[] w = RandomValues(units * inputs, seed: (units * 1000) + inputs);

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

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 16)]
    [InlineData(7, 37)]
    [InlineData(64, 784)]
    [InlineData(64, 1024)]
    [InlineData(130, 20)]
    public void Packs_the_rows_of_x_in_panels_and_leaves_the_padding_alone(int rows, int columns)
    {
        float[] x = RandomValues(rows * columns, seed: (rows * 1000) + columns);

        int panels = (columns + Gemm.Panel - 1) / Gemm.Panel;

        // every row at once, and in two ranges as threads pack their own rows
        foreach (int split in new[] { 0, rows / 3 })
        {
            var packed = new float[panels * rows * Gemm.Panel];
            Array.Fill(packed, float.NaN);
            if (split == 0)
            {
                PanelPacking.PackRows(ref x[0], columns, rows, ref packed[0]);
            }
            else
            {
                PanelPacking.PackRows(ref x[0], columns, rows, ref packed[0], 0, split);
                PanelPacking.PackRows(ref x[0], columns, rows, ref packed[0], split, rows - split);
            }

            for (int k = 0; k < rows; k++)
            {
                for (int c = 0; c < panels * Gemm.Panel; c++)
                {
                    float value = packed[((c / Gemm.Panel) * rows * Gemm.Panel) + (k * Gemm.Panel) + (c % Gemm.Panel)];
                    if (c < columns)
                    {
                        Assert.True(value == x[(k * columns) + c], $"{rows} x {columns}, split at {split}: X[{k}, {c}] packed as {value}");
                    }
                    else
                    {
                        Assert.True(float.IsNaN(value), $"{rows} x {columns}, split at {split}: padding of row {k}, lane {c}, written as {value}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 9)]
    [InlineData(8, 8)]
    [InlineData(13, 19)]
    [InlineData(64, 1024)]
    [InlineData(256, 30)]
    public void Transposes_every_value_and_writes_nothing_past_the_copy(int rows, int columns)
    {
        float[] x = RandomValues(rows * columns, seed: (rows * 1000) + columns);

        var transposed = new float[(rows * columns) + 8];
        Array.Fill(transposed, float.NaN);
        PanelPacking.Transpose(ref x[0], rows, columns, ref transposed[0]);

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.True(transposed[(c * rows) + r] == x[(r * columns) + c], $"{rows} x {columns}: X[{r}, {c}] transposed as {transposed[(c * rows) + r]}");
            }
        }

        Assert.All(transposed[(rows * columns)..], value => Assert.True(float.IsNaN(value)));
    }

    /// <summary><paramref name="count"/> values drawn uniformly from [0, 1) with <paramref name="seed"/>.</summary>
    private static float[] RandomValues(int count, int seed)
    {
        var random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        return values;
    }
}
