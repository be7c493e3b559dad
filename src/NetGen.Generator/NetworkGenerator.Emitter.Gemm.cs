using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Helpers;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// One matrix product C[r, c] = sum_k A(r, k) B[k, c], finished by an epilogue per tile
        /// (add the bias, apply an update, ...). B is read a row of vectors at a time; A one value at a time,
        /// broadcast to every lane.
        /// </summary>
        /// <param name="Rows">Number of rows of C: a constant's name, or <c>rows</c> for the batch size.</param>
        /// <param name="ConstantRows">The row count when it is known at compile time.</param>
        /// <param name="Columns">Number of columns of C, a compile-time constant.</param>
        /// <param name="Steps">Length of the sums: a constant's name, or <c>rows</c>.</param>
        /// <param name="A">The element A(r, k) as an expression, given expressions for r and k.</param>
        /// <param name="B">The ref variable B starts at.</param>
        /// <param name="BOffset">The offset of B[k, c] from <paramref name="B"/>.</param>
        /// <param name="Epilogue">Writes the statements that finish C[r, c..] from an accumulator (width, r, c, acc).</param>
        /// <param name="SplitsColumns">
        /// Whether the kernel computes only the columns [columnStart, columnEnd), where columnStart is a
        /// multiple of <c>ClassWriter.ColumnSplit</c> (a multiple of every tile width): full tiles run where the
        /// whole computation would run them, and the exact tail only in the part that reaches the last column.
        /// </param>
        private sealed record GemmSpec(
            string Rows,
            int? ConstantRows,
            int Columns,
            string Steps,
            Func<string, string, string> A,
            string B,
            Func<string, string, string> BOffset,
            Action<Simd, string, string, string> Epilogue,
            bool SplitsColumns = false);

        private sealed partial class ClassWriter
        {
            /// <summary>Columns a matrix product may be split at: the widest tile's width, so tiles fall where they fall on one thread.</summary>
            public const int ColumnSplit = 64;

            /// <summary>Rows and full-width vectors of C held in registers per tile: 24 of the 32 zmm registers, 12 of 16 ymm, 8 of 16 xmm.</summary>
            private static (int Rows, int Vectors) GemmTile(Simd simd) =>
                simd == Simd.Vector512 ? (6, 4) : simd == Simd.Vector256 ? (6, 2) : simd == Simd.Vector128 ? (4, 2) : (1, 1);

            private void WriteGemm(Simd simd, GemmSpec spec)
            {
                (int tileRows, int tileVectors) = GemmTile(simd);
                _w.Line($"// register tiles of {tileRows} row{(tileRows == 1 ? string.Empty : "s")} x {tileVectors * simd.Lanes} column{(tileVectors * simd.Lanes == 1 ? string.Empty : "s")}: " +
                    (simd.IsScalar ? "one value of C at a time" : $"{tileRows * tileVectors} accumulators, each step loads {tileVectors} vectors of B and broadcasts {tileRows} values of A"));
                if (spec.ConstantRows is { } constantRows)
                {
                    int blocked = constantRows / tileRows * tileRows;
                    if (blocked > 0)
                    {
                        using (_w.Block($"for (int r = 0; r < {blocked}; r += {tileRows})"))
                        {
                            WriteGemmRowBlock(simd, spec, tileRows, tileVectors);
                        }
                    }

                    if (constantRows > blocked)
                    {
                        using (_w.Block($"for (int r = {blocked}; r < {constantRows}; r++)"))
                        {
                            WriteGemmRowBlock(simd, spec, 1, tileVectors);
                        }
                    }

                    return;
                }

                _w.Line("int r = 0;");
                if (tileRows > 1)
                {
                    using (_w.Block($"for (; r + {tileRows} <= {spec.Rows}; r += {tileRows})"))
                    {
                        WriteGemmRowBlock(simd, spec, tileRows, tileVectors);
                    }

                    _w.Line();
                }

                using (_w.Block($"for (; r < {spec.Rows}; r++)"))
                {
                    WriteGemmRowBlock(simd, spec, 1, tileVectors);
                }
            }

            private void WriteGemmRowBlock(Simd simd, GemmSpec spec, int rows, int vectors) =>
                WriteColumnTiles(
                    simd,
                    spec.Columns,
                    vectors,
                    chunks => WriteMicroKernel(spec, rows, chunks),
                    index: "c",
                    splitTail: true,
                    range: spec.SplitsColumns ? ("columnStart", "columnEnd") : null);

            /// <summary>The innermost loop: <paramref name="rows"/> x chunks accumulators, one step of the sum per iteration.</summary>
            private void WriteMicroKernel(GemmSpec spec, int rows, IReadOnlyList<(Simd Width, string Offset)> chunks)
            {
                string Row(int r) => r == 0 ? "r" : $"r + {r}";
                for (int r = 0; r < rows; r++)
                {
                    for (int v = 0; v < chunks.Count; v++)
                    {
                        _w.Line($"var c{r}{v} = {chunks[v].Width.Zero};");
                    }
                }

                using (_w.Block($"for (int k = 0; k < {spec.Steps}; k++)"))
                {
                    for (int v = 0; v < chunks.Count; v++)
                    {
                        _w.Line($"var b{v} = {chunks[v].Width.Load(spec.B, spec.BOffset("k", chunks[v].Offset))};");
                    }

                    Simd[] widths = [.. chunks.Select(c => c.Width).Distinct()];
                    for (int r = 0; r < rows; r++)
                    {
                        foreach (Simd width in widths)
                        {
                            _w.Line($"var a{r}{Suffix(width)} = {width.Broadcast(spec.A(Row(r), "k"))};");
                        }

                        for (int v = 0; v < chunks.Count; v++)
                        {
                            _w.Line($"c{r}{v} = {MulAdd(chunks[v].Width, $"a{r}{Suffix(chunks[v].Width)}", $"b{v}", $"c{r}{v}")};");
                        }
                    }
                }

                _w.Line();
                for (int r = 0; r < rows; r++)
                {
                    for (int v = 0; v < chunks.Count; v++)
                    {
                        spec.Epilogue(chunks[v].Width, Row(r), chunks[v].Offset, $"c{r}{v}");
                    }
                }
            }

            private static string Suffix(Simd width) => width.IsScalar ? "s" : "v" + width.Lanes;

            /// <summary>
            /// Packs W [units, inputs] as its transpose [inputs, units], so the forward matrix product reads
            /// rows of it. In blocks of 8 units, so that both the reads and the writes of a block stay in cache.
            /// </summary>
            private void WritePackKernel(Model.DenseLayerModel layer)
            {
                int n = layer.Number;
                _w.Line($"/// <summary>Dense layer {n}: packed[i, j] = W{n}[j, i] for <paramref name=\"units\"/> rows j of W{n}, the transpose the forward matrix product reads row by row.</summary>");
                Generated();
                _w.Line(AggressiveOptimization);
                using (_w.Block($"private static void Layer{n}Pack(ref float w, ref float packed, int units)"))
                {
                    _w.Line("// blocks of 8 rows of W: eight values of each column are read while one row of the transpose is written");
                    _w.Line("int j0 = 0;");
                    using (_w.Block("for (; j0 + 8 <= units; j0 += 8)"))
                    using (_w.Block($"for (int i = 0; i < {Inputs(layer)}; i++)"))
                    {
                        _w.Line($"ref float source = ref Unsafe.Add(ref w, j0 * {Inputs(layer)} + i);");
                        _w.Line($"ref float target = ref Unsafe.Add(ref packed, i * {Units(layer)} + j0);");
                        for (int q = 0; q < 8; q++)
                        {
                            _w.Line($"Unsafe.Add(ref target, {q}) = Unsafe.Add(ref source, {(q == 0 ? "0" : $"{q} * {Inputs(layer)}")});");
                        }
                    }

                    _w.Line();
                    _w.Line("// the last rows, which do not fill a block");
                    using (_w.Block("for (int j = j0; j < units; j++)"))
                    using (_w.Block($"for (int i = 0; i < {Inputs(layer)}; i++)"))
                    {
                        _w.Line($"Unsafe.Add(ref packed, i * {Units(layer)} + j) = Unsafe.Add(ref w, j * {Inputs(layer)} + i);");
                    }
                }

                _w.Line();
            }
        }
    }
}
