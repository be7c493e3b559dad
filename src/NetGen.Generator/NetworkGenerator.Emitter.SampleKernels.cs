using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The kernels that process one sample: matrix-vector products and rank-1 updates over one layer.</summary>
        private sealed partial class ClassWriter
        {
            /// <summary>Rows of W whose dot products share each load of x.</summary>
            private static int DotRows(Simd simd) => simd.IsScalar ? 1 : 4;

            /// <summary>Vectors of x held in registers per tile of the backward kernels.</summary>
            private static int TileVectors(Simd simd) => simd == Simd.Vector512 ? 4 : simd.IsScalar ? 1 : 2;

            private static string Inputs(DenseLayerModel layer) => $"Layer{layer.Number}Inputs";

            private static string Units(DenseLayerModel layer) => $"Layer{layer.Number}Units";

            private void WriteSampleKernels(DenseLayerModel layer)
            {
                WriteForwardKernel(layer);
                WriteActivationKernel(layer);
                WriteDerivativeKernel(layer);
                WriteBackwardKernel(layer, sgd: false);
                if (_model.Optimizer.Kind == OptimizerKind.Sgd)
                {
                    WriteBackwardKernel(layer, sgd: true);
                    if (layer.Number == 1)
                    {
                        WriteUpdateForwardKernel(layer);
                    }
                }
            }

            /// <summary>
            /// z = W x + b: each output is a dot product of a row of W with x. Takes the number of rows, so
            /// that threads can share a large layer's rows (see <see cref="SplitsSample"/>).
            /// </summary>
            private void WriteForwardKernel(DenseLayerModel layer)
            {
                int n = layer.Number;
                WriteKernel(
                    $"Layer{n}Forward",
                    "ref float w, ref float b, ref float x, ref float z, int units",
                    "ref w, ref b, ref x, ref z, units",
                    $"Dense layer {n}, one sample: z = W{n} x + b{n} for <paramref name=\"units\"/> rows of W{n} [{layer.Units}, {layer.Inputs}].",
                    simd =>
                    {
                        int rows = DotRows(simd);
                        _w.Line($"// z_j = b_j + sum_i W{n}[j, i] x_i, {(rows == 1 ? "one row at a time" : $"{rows} rows at a time so each load of x serves {rows} rows")}");
                        WriteRowBlocks("units", rows, (blockRows, j) =>
                        {
                            List<string>[] terms = WriteRowDots(simd, layer, blockRows, j, weightOffset: r => $"{RowOffset(j, r)} * {Inputs(layer)}");
                            for (int r = 0; r < blockRows; r++)
                            {
                                _w.Line($"Unsafe.Add(ref z, {RowIndex(j, r)}) = {string.Join(" + ", terms[r])} + Unsafe.Add(ref b, {RowIndex(j, r)});");
                            }
                        });
                    });
            }

            /// <summary>Loops over a run-time number of rows in blocks of <paramref name="rows"/>, then one at a time for the rest.</summary>
            private void WriteRowBlocks(string count, int rows, System.Action<int, string> block)
            {
                _w.Line("int j = 0;");
                if (rows > 1)
                {
                    using (_w.Block($"for (; j + {rows} <= {count}; j += {rows})"))
                    {
                        block(rows, "j");
                    }
                }

                using (_w.Block($"for (; j < {count}; j++)"))
                {
                    block(1, "j");
                }
            }

            /// <summary>Loops over rows in blocks of <paramref name="rows"/>, then one at a time for the rest.</summary>
            private void WriteRowBlocks(int count, int rows, System.Action<int, string> block)
            {
                int blocked = count / rows * rows;
                if (blocked > 0)
                {
                    using (_w.Block($"for (int j = 0; j < {blocked}; j += {rows})"))
                    {
                        block(rows, "j");
                    }
                }

                if (count > blocked)
                {
                    using (_w.Block($"for (int j = {blocked}; j < {count}; j++)"))
                    {
                        block(1, "j");
                    }
                }
            }

            private static string RowIndex(string j, int r) => r == 0 ? j : $"{j} + {r}";

            private static string RowOffset(string j, int r) => r == 0 ? j : $"({j} + {r})";

            /// <summary>
            /// Writes the dot products of <paramref name="rows"/> rows of W with x and returns, per row, the
            /// terms whose sum is the product: the full-width accumulator, then one term per tail chunk.
            /// </summary>
            private List<string>[] WriteRowDots(Simd simd, DenseLayerModel layer, int rows, string j, System.Func<int, string> weightOffset)
            {
                ChunkPlan plan = simd.Plan(layer.Inputs);
                var terms = Enumerable.Range(0, rows).Select(_ => new List<string>()).ToArray();
                if (plan.FullLength > 0)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        _w.Line($"var sum{r} = {simd.Zero};");
                    }

                    using (_w.Block($"for (int i = 0; i < {plan.FullLength}; i += {simd.Lanes})"))
                    {
                        _w.Line($"var xi = {simd.Load("x", "i")};");
                        for (int r = 0; r < rows; r++)
                        {
                            _w.Line($"sum{r} = {MulAdd(simd, simd.Load("w", Literals.Plus(weightOffset(r), "i")), "xi", $"sum{r}")};");
                        }
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        terms[r].Add(simd.Sum($"sum{r}"));
                    }
                }

                foreach ((int offset, Simd width) in plan.Tail)
                {
                    string x = width.IsScalar ? width.Load("x", Literals.Int(offset)) : $"xTail{offset}";
                    if (!width.IsScalar)
                    {
                        _w.Line($"var {x} = {width.Load("x", Literals.Int(offset))};");
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        terms[r].Add(width.Sum($"{width.Load("w", Literals.Plus(weightOffset(r), Literals.Int(offset)))} * {x}"));
                    }
                }

                return terms;
            }

            /// <summary>a = act(z) over <c>rows</c> rows of a layer's outputs; z and a may be the same buffer.</summary>
            private void WriteActivationKernel(DenseLayerModel layer)
            {
                if (layer.Activation == ActivationKind.Identity)
                {
                    return;
                }

                int n = layer.Number;
                string summary = $"Dense layer {n}: a = {Describe.Activation(layer)}(z) = {Describe.ActivationFormula(layer)}, for <paramref name=\"rows\"/> rows of {layer.Units} values.";
                if (IsVectorised(layer.Activation))
                {
                    WriteKernel($"Layer{n}Activation", "ref float z, ref float a, int rows", "ref z, ref a, rows", summary, simd =>
                    {
                        using (_w.Block("for (int row = 0; row < rows; row++)"))
                        {
                            _w.Line($"ref float zRow = ref Unsafe.Add(ref z, row * {Units(layer)});");
                            _w.Line($"ref float aRow = ref Unsafe.Add(ref a, row * {Units(layer)});");
                            ForEachChunk(simd, layer.Units, "j", (width, j) =>
                                _w.Line(width.Store(ActivateVector(width, layer, width.Load("zRow", j)), "aRow", j)));
                        }
                    });
                    return;
                }

                // Sigmoid, tanh and softmax need e^z: MathF, one value at a time, whatever the SIMD width.
                _w.Line($"/// <summary>{summary} MathF per value.</summary>");
                Generated();
                using (_w.Block($"private static void Layer{n}Activation(ref float z, ref float a, int rows)"))
                {
                    using (_w.Block("for (int row = 0; row < rows; row++)"))
                    {
                        _w.Line($"ref float zRow = ref Unsafe.Add(ref z, row * {Units(layer)});");
                        _w.Line($"ref float aRow = ref Unsafe.Add(ref a, row * {Units(layer)});");
                        if (layer.Activation == ActivationKind.Softmax)
                        {
                            WriteSoftmaxRow(layer);
                        }
                        else
                        {
                            using (_w.Block($"for (int j = 0; j < {Units(layer)}; j++)"))
                            {
                                _w.Line(layer.Activation == ActivationKind.Sigmoid
                                    ? "Unsafe.Add(ref aRow, j) = 1f / (1f + MathF.Exp(-Unsafe.Add(ref zRow, j)));"
                                    : "Unsafe.Add(ref aRow, j) = MathF.Tanh(Unsafe.Add(ref zRow, j));");
                            }
                        }
                    }
                }

                _w.Line();
            }

            /// <summary>Softmax of one row, numerically stable: subtracting max z leaves it unchanged and keeps e^z finite.</summary>
            private void WriteSoftmaxRow(DenseLayerModel layer)
            {
                _w.Line("float max = zRow;");
                using (_w.Block($"for (int j = 1; j < {Units(layer)}; j++)"))
                {
                    _w.Line("max = MathF.Max(max, Unsafe.Add(ref zRow, j));");
                }

                _w.Line();
                _w.Line("float sum = 0f;");
                using (_w.Block($"for (int j = 0; j < {Units(layer)}; j++)"))
                {
                    _w.Line("float e = MathF.Exp(Unsafe.Add(ref zRow, j) - max);");
                    _w.Line("Unsafe.Add(ref aRow, j) = e;");
                    _w.Line("sum += e;");
                }

                _w.Line();
                _w.Line("float scale = 1f / sum;");
                using (_w.Block($"for (int j = 0; j < {Units(layer)}; j++)"))
                {
                    _w.Line("Unsafe.Add(ref aRow, j) *= scale;");
                }
            }

            /// <summary>dE/dz = dE/da * act'(z), in place, for the layers whose dE/da the next layer sends back.</summary>
            private void WriteDerivativeKernel(DenseLayerModel layer)
            {
                if (layer.Activation == ActivationKind.Identity || layer == Last)
                {
                    return;
                }

                int n = layer.Number;
                WriteKernel(
                    $"Layer{n}Derivative",
                    "ref float a, ref float delta, int rows",
                    "ref a, ref delta, rows",
                    $"Dense layer {n}: dE/dz = dE/da * {Describe.Activation(layer)}'(z), with {Describe.Activation(layer)}' = {Describe.DerivativeFormula(layer)} written in terms of a, in place over <paramref name=\"rows\"/> rows.",
                    simd =>
                    {
                        using (_w.Block("for (int row = 0; row < rows; row++)"))
                        {
                            _w.Line($"ref float aRow = ref Unsafe.Add(ref a, row * {Units(layer)});");
                            _w.Line($"ref float dRow = ref Unsafe.Add(ref delta, row * {Units(layer)});");
                            ForEachChunk(simd, layer.Units, "j", (width, j) =>
                            {
                                _w.Line($"var aj = {width.Load("aRow", j)};");
                                _w.Line($"var dj = {width.Load("dRow", j)};");
                                _w.Line(width.Store(TimesDerivative(width, layer, "aj", "dj"), "dRow", j));
                            });
                        }
                    });
            }

            /// <summary>
            /// One sample backward through one layer: either adds dE/dW = dE/dz x^T and dE/db = dE/dz into the
            /// gradients, or (<paramref name="sgd"/>) applies the SGD update straight to W and b, so dE/dW is never
            /// stored and W is read once. Layers after the first also send back dE/dx = W^T dE/dz, from W before the update.
            /// </summary>
            private void WriteBackwardKernel(DenseLayerModel layer, bool sgd)
            {
                int n = layer.Number;
                bool sendsBack = n > 1;
                string name = sgd ? $"Layer{n}BackwardSgd" : $"Layer{n}Backward";
                string parameters = sgd
                    ? "ref float w, ref float b, ref float x, ref float delta" + (sendsBack ? ", ref float dx" : string.Empty) + ", float learningRate"
                    : "ref float w, ref float x, ref float delta, ref float gw, ref float gb" + (sendsBack ? ", ref float dx" : string.Empty);
                string arguments = sgd
                    ? "ref w, ref b, ref x, ref delta" + (sendsBack ? ", ref dx" : string.Empty) + ", learningRate"
                    : "ref w, ref x, ref delta, ref gw, ref gb" + (sendsBack ? ", ref dx" : string.Empty);
                string what = sgd
                    ? $"W{n} -= lr (dE/dz x^T{Decay(" + wd W")}), b{n} -= lr (dE/dz{Decay(" + wd b")})"
                    : $"dE/dW{n} += dE/dz x^T, dE/db{n} += dE/dz";
                string summary = $"Dense layer {n} backward, one sample: {what}" + (sendsBack ? $"; dE/dx = W{n}^T dE/dz with W{n} before the update." : ".");

                WriteKernel(name, parameters, arguments, summary, simd =>
                {
                    if (sgd)
                    {
                        WriteDecayFactor();
                        WriteBiasUpdate(simd, layer);
                    }
                    else
                    {
                        _w.Line($"// dE/db{n} += dE/dz");
                        ForEachChunk(simd, layer.Units, "j", (width, j) =>
                            _w.Line(width.Store($"{width.Load("gb", j)} + {width.Load("delta", j)}", "gb", j)));
                    }

                    _w.Line();
                    if (sendsBack)
                    {
                        WriteBackwardTiles(simd, layer, sgd);
                    }
                    else
                    {
                        WriteBackwardRows(simd, layer, sgd);
                    }
                });
            }

            private string Decay(string term) => HasWeightDecay ? term : string.Empty;

            /// <summary>Declares <c>decay</c> = 1 - lr wd when SGD has weight decay: p - lr (g + wd p) = p decay - lr g.</summary>
            private void WriteDecayFactor()
            {
                if (HasWeightDecay)
                {
                    _w.Line("// L2 weight decay: p - lr (g + wd p) = p (1 - lr wd) - lr g");
                    _w.Line("float decay = 1f - learningRate * WeightDecay;");
                }
            }

            /// <summary>The weight after one SGD step: x u + w, where u = -lr dE/dz_j.</summary>
            private string UpdatedWeight(Simd width, string x, string u, string w) =>
                MulAdd(width, x, u, HasWeightDecay ? $"{w} * {width.Broadcast("decay")}" : w);

            /// <summary>The bias after one SGD step, the same expression wherever the update is fused.</summary>
            private string UpdatedBias(Simd width, string b, string d) =>
                HasWeightDecay
                    ? $"{b} * {width.Broadcast("decay")} - {width.Broadcast("learningRate")} * {d}"
                    : $"{b} - {width.Broadcast("learningRate")} * {d}";

            private void WriteBiasUpdate(Simd simd, DenseLayerModel layer)
            {
                _w.Line($"// b{layer.Number} -= lr (dE/dz{Decay(" + wd b")})");
                ForEachChunk(simd, layer.Units, "j", (width, j) =>
                    _w.Line(width.Store(UpdatedBias(width, width.Load("b", j), width.Load("delta", j)), "b", j)));
            }

            /// <summary>The first layer needs no dE/dx: row by row, W[j, :] or dE/dW[j, :] changes by dE/dz_j x.</summary>
            private void WriteBackwardRows(Simd simd, DenseLayerModel layer, bool sgd)
            {
                int n = layer.Number;
                _w.Line(sgd ? $"// W{n}[j, i] += u_j x_i with u_j = -lr dE/dz_j" : $"// dE/dW{n}[j, i] += dE/dz_j x_i");
                using (_w.Block($"for (int j = 0; j < {Units(layer)}; j++)"))
                {
                    WriteSkipZeroRow(sgd);
                    string scalar = sgd ? "-learningRate * Unsafe.Add(ref delta, j)" : "Unsafe.Add(ref delta, j)";
                    _w.Line($"float dj = {scalar};");
                    if (!simd.IsScalar)
                    {
                        _w.Line($"var d = {simd.Broadcast("dj")};");
                    }

                    string target = sgd ? "w" : "gw";
                    ForEachChunk(simd, layer.Inputs, "i", (width, i) =>
                    {
                        string d = width == simd && !simd.IsScalar ? "d" : width.Broadcast("dj");
                        string offset = Literals.Plus($"j * {Inputs(layer)}", i);
                        string updated = sgd
                            ? UpdatedWeight(width, width.Load("x", i), d, width.Load("w", offset))
                            : MulAdd(width, width.Load("x", i), d, width.Load("gw", offset));
                        _w.Line(width.Store(updated, target, offset));
                    });
                }
            }

            /// <summary>
            /// A row whose dE/dz_j is 0 (every unit a ReLU switched off, for one) changes neither W[j, :] nor
            /// dE/dx: skip it. Not with weight decay, which changes every weight.
            /// </summary>
            private void WriteSkipZeroRow(bool sgd)
            {
                if (sgd && HasWeightDecay)
                {
                    return;
                }

                using (_w.Block("if (Unsafe.Add(ref delta, j) == 0f)"))
                {
                    _w.Line("continue; // dE/dz_j = 0: this row changes nothing");
                }

                _w.Line();
            }

            /// <summary>
            /// Layers after the first: a tile of x (and of dE/dx) stays in registers while every row j passes
            /// over it, so each element of W is read once for both dE/dx += W[j, :] dE/dz_j and the update of W[j, :].
            /// </summary>
            private void WriteBackwardTiles(Simd simd, DenseLayerModel layer, bool sgd)
            {
                int n = layer.Number;
                _w.Line($"// for each tile of inputs i: dE/dx_i = sum_j W{n}[j, i] dE/dz_j, and " +
                    (sgd ? $"W{n}[j, i] += u_j x_i with u_j = -lr dE/dz_j" : $"dE/dW{n}[j, i] += dE/dz_j x_i"));
                WriteColumnTiles(simd, layer.Inputs, TileVectors(simd), chunks =>
                {
                    for (int v = 0; v < chunks.Count; v++)
                    {
                        (Simd width, string offset) = chunks[v];
                        _w.Line($"var x{v} = {width.Load("x", offset)};");
                        _w.Line($"var dx{v} = {width.Zero};");
                    }

                    using (_w.Block($"for (int j = 0; j < {Units(layer)}; j++)"))
                    {
                        WriteSkipZeroRow(sgd);
                        _w.Line("float dj = Unsafe.Add(ref delta, j);");
                        if (sgd)
                        {
                            _w.Line("float uj = -learningRate * dj;");
                        }

                        foreach (Simd width in chunks.Select(c => c.Width).Distinct().Where(w => !w.IsScalar))
                        {
                            _w.Line($"var d{width.Lanes} = {width.Broadcast("dj")};");
                            if (sgd)
                            {
                                _w.Line($"var u{width.Lanes} = {width.Broadcast("uj")};");
                            }
                        }

                        for (int v = 0; v < chunks.Count; v++)
                        {
                            (Simd width, string offset) = chunks[v];
                            string d = width.IsScalar ? "dj" : $"d{width.Lanes}";
                            string at = Literals.Plus($"j * {Inputs(layer)}", offset);
                            _w.Line($"var w{v} = {width.Load("w", at)};");
                            _w.Line($"dx{v} = {MulAdd(width, $"w{v}", d, $"dx{v}")};");
                            if (sgd)
                            {
                                string u = width.IsScalar ? "uj" : $"u{width.Lanes}";
                                _w.Line(width.Store(UpdatedWeight(width, $"x{v}", u, $"w{v}"), "w", at));
                            }
                            else
                            {
                                _w.Line(width.Store(MulAdd(width, $"x{v}", d, width.Load("gw", at)), "gw", at));
                            }
                        }
                    }

                    _w.Line();
                    for (int v = 0; v < chunks.Count; v++)
                    {
                        (Simd width, string offset) = chunks[v];
                        _w.Line(width.Store($"dx{v}", "dx", offset));
                    }
                });
            }

            /// <summary>
            /// Covers [0, length) with tiles of <paramref name="vectors"/> full-width vectors (a loop), then one
            /// smaller tile of full-width vectors, then the exact tail of narrower vectors and scalars. With
            /// <paramref name="splitTail"/>, the smaller tile, the narrower vectors and each scalar column are
            /// separate passes, which keeps a matrix product's accumulators within the registers.
            /// </summary>
            private void WriteColumnTiles(
                Simd simd,
                int length,
                int vectors,
                System.Action<IReadOnlyList<(Simd Width, string Offset)>> tile,
                string index = "i",
                bool splitTail = false,
                (string Start, string End)? range = null)
            {
                int tileWidth = vectors * simd.Lanes;
                int looped = length / tileWidth * tileWidth;
                if (looped > 0)
                {
                    string loop = range is { } r
                        ? $"for (int {index} = {r.Start}; {index} < global::System.Math.Min({r.End}, {looped}); {index} += {tileWidth})"
                        : $"for (int {index} = 0; {index} < {looped}; {index} += {tileWidth})";
                    using (_w.Block(loop))
                    {
                        tile([.. Enumerable.Range(0, vectors).Select(v => (simd, v == 0 ? index : $"{index} + {v * simd.Lanes}"))]);
                    }
                }

                if (range is { } part && looped < length)
                {
                    // the tail columns belong to the part that reaches the last column
                    using (_w.Block($"if ({part.End} == {length})"))
                    {
                        WriteColumnRest(simd, length, looped, tile, index, splitTail);
                    }

                    return;
                }

                WriteColumnRest(simd, length, looped, tile, index, splitTail);
            }

            private void WriteColumnRest(
                Simd simd,
                int length,
                int looped,
                System.Action<IReadOnlyList<(Simd Width, string Offset)>> tile,
                string index,
                bool splitTail)
            {
                ChunkPlan rest = simd.Plan(length - looped);
                string At(int offset) => Literals.Int(looped + offset);
                var full = new List<(Simd, string)>();
                for (int offset = 0; offset < rest.FullLength; offset += simd.Lanes)
                {
                    full.Add((simd, At(offset)));
                }

                var narrower = rest.Tail.Where(t => !t.Width.IsScalar).Select(t => (t.Width, At(t.Offset))).ToList();
                var scalars = rest.Tail.Where(t => t.Width.IsScalar).Select(t => t.Offset).ToList();
                if (!splitTail)
                {
                    var all = full.Concat(narrower).Concat(scalars.Select(o => (Simd.Scalar, At(o)))).ToList();
                    if (all.Count > 0)
                    {
                        using (_w.Block())
                        {
                            tile(all);
                        }
                    }

                    return;
                }

                foreach (List<(Simd, string)> group in new[] { full, narrower }.Where(g => g.Count > 0))
                {
                    using (_w.Block())
                    {
                        tile(group);
                    }
                }

                if (scalars.Count > 0)
                {
                    using (_w.Block($"for (int {index} = {At(scalars[0])}; {index} < {length}; {index}++)"))
                    {
                        tile([(Simd.Scalar, index)]);
                    }
                }
            }

            /// <summary>Whether the SGD kernels skip rows whose dE/dz is 0 (not with weight decay).</summary>
            private bool SkipsZeroRows => !HasWeightDecay;

            /// <summary>
            /// The weight after a fused step, or the old weight where the row's dE/dz is 0: Layer1BackwardSgd
            /// skips such rows, and adding x (-lr 0) could turn a weight of -0 into +0.
            /// </summary>
            private string KeptOrUpdated(Simd width, string keep, string d, string x, string u, string old)
            {
                if (!SkipsZeroRows)
                {
                    return UpdatedWeight(width, x, u, old);
                }

                return width.IsScalar
                    ? $"{d} == 0f ? {old} : {UpdatedWeight(width, x, u, old)}"
                    : $"{width.Name}.ConditionalSelect({keep}, {old}, {UpdatedWeight(width, x, u, old)})";
            }

            /// <summary>
            /// Per-sample SGD over a sequence of samples, first layer: the update of sample s and the forward
            /// pass of sample s + 1 in one pass over W1, which halves its memory traffic. Row by row it computes
            /// exactly what <c>Layer1BackwardSgd</c> then <c>Layer1Forward</c> compute, in the same order.
            /// </summary>
            private void WriteUpdateForwardKernel(DenseLayerModel layer)
            {
                WriteKernel(
                    "Layer1UpdateForward",
                    "ref float w, ref float b, ref float x, ref float delta, float learningRate, ref float next, ref float z, int units",
                    "ref w, ref b, ref x, ref delta, learningRate, ref next, ref z, units",
                    $"Dense layer 1, one SGD step fused with the next sample's forward pass, for <paramref name=\"units\"/> rows: W1 += u x^T with u = -lr dE/dz{Decay(" (and weight decay)")}, b1 -= lr dE/dz, then z = W1 next + b1.",
                    simd =>
                    {
                        WriteDecayFactor();
                        int rows = DotRows(simd);
                        ChunkPlan plan = simd.Plan(layer.Inputs);
                        _w.Line($"// row j: W1[j, :] += u_j x, then z_j = W1[j, :] . next + b1_j, {(rows == 1 ? "one row" : $"{rows} rows")} at a time");
                        WriteRowBlocks("units", rows, (blockRows, j) =>
                        {
                            var terms = Enumerable.Range(0, blockRows).Select(_ => new List<string>()).ToArray();
                            for (int r = 0; r < blockRows; r++)
                            {
                                _w.Line($"float d{r} = Unsafe.Add(ref delta, {RowIndex(j, r)});");
                                _w.Line($"float u{r} = -learningRate * d{r};");
                            }

                            if (plan.FullLength > 0)
                            {
                                for (int r = 0; r < blockRows; r++)
                                {
                                    _w.Line($"var uv{r} = {simd.Broadcast($"u{r}")};");
                                    if (SkipsZeroRows && !simd.IsScalar)
                                    {
                                        _w.Line($"var keep{r} = {simd.Name}.Equals({simd.Broadcast($"d{r}")}, {simd.Zero}); // dE/dz = 0: W1[j, :] stays as it is");
                                    }

                                    _w.Line($"var sum{r} = {simd.Zero};");
                                }

                                using (_w.Block($"for (int i = 0; i < {plan.FullLength}; i += {simd.Lanes})"))
                                {
                                    _w.Line($"var xi = {simd.Load("x", "i")};");
                                    _w.Line($"var ni = {simd.Load("next", "i")};");
                                    for (int r = 0; r < blockRows; r++)
                                    {
                                        string at = Literals.Plus($"{RowOffset(j, r)} * {Inputs(layer)}", "i");
                                        _w.Line($"var old{r} = {simd.Load("w", at)};");
                                        _w.Line($"var w{r} = {KeptOrUpdated(simd, $"keep{r}", $"d{r}", "xi", $"uv{r}", $"old{r}")};");
                                        _w.Line(simd.Store($"w{r}", "w", at));
                                        _w.Line($"sum{r} = {MulAdd(simd, $"w{r}", "ni", $"sum{r}")};");
                                    }
                                }

                                for (int r = 0; r < blockRows; r++)
                                {
                                    terms[r].Add(simd.Sum($"sum{r}"));
                                }
                            }

                            foreach ((int offset, Simd width) in plan.Tail)
                            {
                                string x = width.IsScalar ? width.Load("x", Literals.Int(offset)) : $"xTail{offset}";
                                string next = width.IsScalar ? width.Load("next", Literals.Int(offset)) : $"nextTail{offset}";
                                if (!width.IsScalar)
                                {
                                    _w.Line($"var {x} = {width.Load("x", Literals.Int(offset))};");
                                    _w.Line($"var {next} = {width.Load("next", Literals.Int(offset))};");
                                }

                                for (int r = 0; r < blockRows; r++)
                                {
                                    string at = Literals.Plus($"{RowOffset(j, r)} * {Inputs(layer)}", Literals.Int(offset));
                                    string updated = $"wTail{offset}_{r}";
                                    string keep = $"{width.Name}.Equals({width.Broadcast($"d{r}")}, {width.Zero})";
                                    _w.Line($"var old{offset}_{r} = {width.Load("w", at)};");
                                    _w.Line($"var {updated} = {KeptOrUpdated(width, keep, $"d{r}", x, width.Broadcast($"u{r}"), $"old{offset}_{r}")};");
                                    _w.Line(width.Store(updated, "w", at));
                                    terms[r].Add(width.Sum($"{updated} * {next}"));
                                }
                            }

                            for (int r = 0; r < blockRows; r++)
                            {
                                string bias = $"Unsafe.Add(ref b, {RowIndex(j, r)})";
                                _w.Line($"float b{r} = {UpdatedBias(Simd.Scalar, bias, $"d{r}")};");
                                _w.Line($"{bias} = b{r};");
                                _w.Line($"Unsafe.Add(ref z, {RowIndex(j, r)}) = {string.Join(" + ", terms[r])} + b{r};");
                            }
                        });
                    });
            }
        }
    }
}
