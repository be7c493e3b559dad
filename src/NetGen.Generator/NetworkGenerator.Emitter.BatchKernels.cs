using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The kernels that process a batch: matrix products over all its samples at once.</summary>
        private sealed partial class ClassWriter
        {
            private bool UpdatesInPlace => _model.Optimizer.Kind == OptimizerKind.Sgd;

            private void WriteBatchKernels(DenseLayerModel layer)
            {
                WritePackKernel(layer);
                WriteForwardBatchKernel(layer);
                if (layer.Number > 1)
                {
                    WriteInputGradientBatchKernel(layer);
                }

                WriteWeightGradientBatchKernel(layer);
                WriteBiasGradientBatchKernel(layer);
            }

            private void WriteForwardBatchKernel(DenseLayerModel layer)
            {
                int n = layer.Number;
                bool fused = IsVectorised(layer.Activation) && layer.Activation != ActivationKind.Identity;
                string result = fused ? $"A = {Describe.Activation(layer)}(X W{n}^T + b{n})" : $"Z = X W{n}^T + b{n}";
                WriteKernel(
                    $"Layer{n}ForwardBatch",
                    "ref float x, ref float packed, ref float b, ref float z, int rows, int columnStart, int columnEnd",
                    "ref x, ref packed, ref b, ref z, rows, columnStart, columnEnd",
                    $"Dense layer {n}, a batch: {result} for <paramref name=\"rows\"/> samples and the units [columnStart, columnEnd); X is [rows, {layer.Inputs}], W{n}^T comes packed as [{layer.Inputs}, {layer.Units}].",
                    simd => WriteGemm(simd, new GemmSpec(
                        Rows: "rows",
                        ConstantRows: null,
                        Columns: layer.Units,
                        Steps: Inputs(layer),
                        A: (r, k) => $"Unsafe.Add(ref x, {Literals.Plus(Literals.Times(r, Inputs(layer)), k)})",
                        B: "packed",
                        BOffset: (k, c) => Literals.Plus(Literals.Times(k, Units(layer)), c),
                        Epilogue: (width, r, c, acc) =>
                        {
                            string z = $"{acc} + {width.Load("b", c)}";
                            _w.Line(width.Store(fused ? ActivateVector(width, layer, $"({z})") : z, "z", Literals.Plus(Literals.Times(r, Units(layer)), c)));
                        },
                        SplitsColumns: true)));
            }

            private void WriteInputGradientBatchKernel(DenseLayerModel layer)
            {
                int n = layer.Number;
                WriteKernel(
                    $"Layer{n}InputGradientBatch",
                    "ref float delta, ref float w, ref float dx, int rows",
                    "ref delta, ref w, ref dx, rows",
                    $"Dense layer {n}, a batch: dE/dX = dE/dZ W{n}, [rows, {layer.Units}] x [{layer.Units}, {layer.Inputs}], from W{n} before its update.",
                    simd => WriteGemm(simd, new GemmSpec(
                        Rows: "rows",
                        ConstantRows: null,
                        Columns: layer.Inputs,
                        Steps: Units(layer),
                        A: (r, k) => $"Unsafe.Add(ref delta, {Literals.Plus(Literals.Times(r, Units(layer)), k)})",
                        B: "w",
                        BOffset: (k, c) => Literals.Plus(Literals.Times(k, Inputs(layer)), c),
                        Epilogue: (width, r, c, acc) =>
                            _w.Line(width.Store(acc, "dx", Literals.Plus(Literals.Times(r, Inputs(layer)), c))))));
            }

            /// <summary>
            /// dE/dW = dE/dZ^T X summed over the batch. With plain SGD the update is applied in the epilogue
            /// (W = W decay + scale dE/dW with scale = -lr / n), so dE/dW is never stored; otherwise the mean
            /// gradient is stored for the optimizer.
            /// </summary>
            private void WriteWeightGradientBatchKernel(DenseLayerModel layer)
            {
                int n = layer.Number;
                bool update = UpdatesInPlace;
                string decay = update && HasWeightDecay ? ", float decay" : string.Empty;
                WriteKernel(
                    update ? $"Layer{n}WeightUpdateBatch" : $"Layer{n}WeightGradientBatch",
                    $"ref float delta, ref float x, ref float target, int units, int rows, float scale{decay}",
                    $"ref delta, ref x, ref target, units, rows, scale{(decay.Length > 0 ? ", decay" : string.Empty)}",
                    update
                        ? $"Dense layer {n}, a batch: W{n} = W{n}{(HasWeightDecay ? " decay" : string.Empty)} + scale dE/dZ^T X for <paramref name=\"units\"/> rows of W{n}, the SGD step applied as the product is computed (scale = -lr / n)."
                        : $"Dense layer {n}, a batch: dE/dW{n} = scale dE/dZ^T X for <paramref name=\"units\"/> rows of W{n}, [units, rows] x [rows, {layer.Inputs}], with scale = 1 / n for the mean.",
                    simd => WriteGemm(simd, new GemmSpec(
                        Rows: "units",
                        ConstantRows: null,
                        Columns: layer.Inputs,
                        Steps: "rows",
                        A: (r, k) => $"Unsafe.Add(ref delta, {Literals.Plus(Literals.Times(k, Units(layer)), r)})",
                        B: "x",
                        BOffset: (k, c) => Literals.Plus(Literals.Times(k, Inputs(layer)), c),
                        Epilogue: (width, r, c, acc) =>
                        {
                            string at = Literals.Plus(Literals.Times(r, Inputs(layer)), c);
                            string old = width.Load("target", at);
                            _w.Line(width.Store(
                                update
                                    ? MulAdd(width, acc, width.Broadcast("scale"), HasWeightDecay ? $"{old} * {width.Broadcast("decay")}" : old)
                                    : $"{acc} * {width.Broadcast("scale")}",
                                "target",
                                at));
                        })));
            }

            private void WriteBiasGradientBatchKernel(DenseLayerModel layer)
            {
                int n = layer.Number;
                bool update = UpdatesInPlace;
                string decay = update && HasWeightDecay ? ", float decay" : string.Empty;
                WriteKernel(
                    update ? $"Layer{n}BiasUpdateBatch" : $"Layer{n}BiasGradientBatch",
                    $"ref float delta, ref float target, int rows, float scale{decay}",
                    $"ref delta, ref target, rows, scale{(decay.Length > 0 ? ", decay" : string.Empty)}",
                    update
                        ? $"Dense layer {n}, a batch: b{n} = b{n}{(HasWeightDecay ? " decay" : string.Empty)} + scale sum over the samples of dE/dz."
                        : $"Dense layer {n}, a batch: dE/db{n} = scale sum over the samples of dE/dz.",
                    simd => ForEachChunk(simd, layer.Units, "j", (width, j) =>
                    {
                        _w.Line($"var sum = {width.Zero};");
                        using (_w.Block("for (int s = 0; s < rows; s++)"))
                        {
                            _w.Line($"sum += {width.Load("delta", Literals.Plus($"s * {Units(layer)}", j))};");
                        }

                        string old = width.Load("target", j);
                        _w.Line(width.Store(
                            update
                                ? MulAdd(width, "sum", width.Broadcast("scale"), HasWeightDecay ? $"{old} * {width.Broadcast("decay")}" : old)
                                : $"sum * {width.Broadcast("scale")}",
                            "target",
                            j));
                    }));
            }
        }
    }
}
