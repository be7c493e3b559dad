using System.Collections.Generic;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// The batch passes: every sample of a batch at once, through the matrix-product kernels. Each
        /// large product is a phase that <c>WorkerPool</c> may split between threads by rows of its result,
        /// so each value is computed by one thread in the same order whatever the number of threads. A large
        /// layer's one-sample forward product is a phase too.
        /// </summary>
        private sealed partial class ClassWriter
        {
            /// <summary>A phase of the batch pass: its constant's name, what it splits, and the work it does.</summary>
            private sealed record Phase(string Name, DenseLayerModel Layer, string Kind, string Work);

            private List<Phase> Phases
            {
                get
                {
                    var phases = new List<Phase>();
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        if (SplitsSample(layer))
                        {
                            phases.Add(new Phase($"ForwardSampleLayer{layer.Number}", layer, "sample", $"(long)Layer{layer.Number}Inputs * Layer{layer.Number}Units"));
                        }
                    }

                    if (_model.Optimizer.Kind == OptimizerKind.Sgd && SplitsSample(_model.FirstLayer))
                    {
                        phases.Add(new Phase("UpdateForwardLayer1", _model.FirstLayer, "update-forward", "2L * Layer1Inputs * Layer1Units"));
                    }

                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        string size = $"Layer{layer.Number}Inputs * Layer{layer.Number}Units";
                        // packed on the same threads as its forward product uses it, so each half stays in the cache that reads it
                        phases.Add(new Phase($"PackLayer{layer.Number}", layer, "pack", $"(long)rows * {size}"));
                        phases.Add(new Phase($"ForwardLayer{layer.Number}", layer, "forward", $"(long)rows * {size}"));
                        if (!FusesActivation(layer) && layer.Activation != ActivationKind.Identity)
                        {
                            phases.Add(new Phase($"ActivateLayer{layer.Number}", layer, "activate", $"64L * rows * Layer{layer.Number}Units"));
                        }
                    }

                    for (int i = _model.Layers.Count - 1; i >= 0; i--)
                    {
                        DenseLayerModel layer = _model.Layers[i];
                        string size = $"Layer{layer.Number}Inputs * Layer{layer.Number}Units";
                        if (layer.Number > 1)
                        {
                            phases.Add(new Phase($"InputGradientLayer{layer.Number}", layer, "dx", $"(long)rows * {size}"));
                        }

                        phases.Add(new Phase($"WeightsLayer{layer.Number}", layer, "dw", $"(long)rows * {size}"));
                    }

                    return phases;
                }
            }

            private void WriteBatchPass()
            {
                WriteEnsureBatchCapacity();
                WritePhaseMembers();
                WriteForwardBatch();
                WriteTrainBatchProducts();
                WriteRunPart();
            }

            /// <summary>Whether the batch forward product applies the layer's activation in its epilogue (ReLU and LeakyReLU).</summary>
            private static bool FusesActivation(DenseLayerModel layer) =>
                IsVectorised(layer.Activation) && layer.Activation != ActivationKind.Identity;

            /// <summary>Name of the buffer a layer's batch forward pass writes z into.</summary>
            private string BatchPreActivation(DenseLayerModel layer) =>
                layer == Last && KeepsOutputPreActivation ? "_batchZ" + layer.Number : "_batchA" + layer.Number;

            private static string BatchInput(DenseLayerModel layer) =>
                layer.Number == 1 ? "inputs" : BufferRef("_batchA" + (layer.Number - 1));

            /// <summary>A ref to the first element of an aligned batch buffer.</summary>
            private static string BufferRef(string buffer) => buffer + ".Start";

            private void WriteEnsureBatchCapacity()
            {
                _w.Line("/// <summary>Grows the batch buffers to hold <paramref name=\"rows\"/> samples: allocates only for a batch larger than any before.</summary>");
                Generated();
                using (_w.Block("private void EnsureBatchCapacity(int rows)"))
                {
                    using (_w.Block("if (rows <= _batchCapacity)"))
                    {
                        _w.Line("return;");
                    }

                    _w.Line();
                    using (_w.Block("if (_packed1.Length == 0)"))
                    {
                        foreach (DenseLayerModel layer in _model.Layers)
                        {
                            _w.Line($"_packed{layer.Number} = new global::NetGen.Internal.AlignedBuffer(Layer{layer.Number}Inputs * Layer{layer.Number}Units);");
                        }
                    }

                    _w.Line();
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        _w.Line($"_batchA{layer.Number} = new global::NetGen.Internal.AlignedBuffer(rows * Layer{layer.Number}Units);");
                        _w.Line($"_batchDelta{layer.Number} = new global::NetGen.Internal.AlignedBuffer(rows * Layer{layer.Number}Units);");
                    }

                    if (KeepsOutputPreActivation)
                    {
                        _w.Line($"_batchZ{Last.Number} = new global::NetGen.Internal.AlignedBuffer(rows * Layer{Last.Number}Units);");
                    }

                    _w.Line("_batchCapacity = rows;");
                }

                _w.Line();
            }

            private void WritePhaseMembers()
            {
                _w.Line("// The phases that may run on several threads, each splitting the rows of its result.");
                int number = 1;
                foreach (Phase phase in Phases)
                {
                    _w.Line($"private const int {phase.Name} = {number++};");
                }

                _w.Line();
                _w.Line("/// <summary>Units are split between threads at multiples of the widest register tile, so every value is computed as on one thread.</summary>");
                _w.Line($"private const int ColumnSplit = {ColumnSplit};");
                _w.Line();
                _w.Line("// What the current phase works on, set before it runs.");
                _w.Line("private int _phase;");
                _w.Line("private int _phaseRows;");
                _w.Line("private float _phaseScale;");
                if (UpdatesInPlace && HasWeightDecay)
                {
                    _w.Line("private float _phaseDecay;");
                }

                _w.Line();
                _w.Line("/// <summary>Runs a phase on as many threads as its <paramref name=\"work\"/> (multiply-adds) pays for; the result is the same on any number.</summary>");
                Generated();
                using (_w.Block($"private void RunPhase(int phase, {ReadOnlySpan} inputs, int rows, long work)"))
                {
                    _w.Line("_phase = phase;");
                    _w.Line("_phaseRows = rows;");
                    _w.Line("global::NetGen.Threading.WorkerPool.Run(this, global::NetGen.Threading.WorkerPool.ThreadsFor(work), inputs, default);");
                }

                _w.Line();
            }

            private void WriteForwardBatch()
            {
                _w.Line("/// <summary>Runs <paramref name=\"rows\"/> samples through every layer as matrix products, leaving each layer's activations in the batch buffers.</summary>");
                Generated();
                using (_w.Block($"private void ForwardBatch({ReadOnlySpan} inputs, int rows)"))
                {
                    foreach (Phase phase in Phases.FindAll(p => p.Kind is "pack" or "forward" or "activate"))
                    {
                        DenseLayerModel layer = phase.Layer;
                        int n = layer.Number;
                        _w.Line(phase.Kind switch
                        {
                            "pack" => $"// layer {n}: W{n} packed as its transpose, for the forward product to read row by row",
                            "forward" => $"// layer {n}: " + (FusesActivation(layer) ? $"A = {Describe.Activation(layer)}(X W{n}^T + b{n})" : $"Z = X W{n}^T + b{n}") + " over the batch",
                            _ => $"// layer {n}: A = {Describe.Activation(layer)}(Z), sample by sample",
                        });
                        _w.Line($"RunPhase({phase.Name}, inputs, rows, {phase.Work});");
                    }
                }

                _w.Line();
            }

            private void WriteTrainBatchProducts()
            {
                bool update = UpdatesInPlace;
                _w.Line("/// <summary>");
                _w.Line(update
                    ? "/// One SGD step on a batch, as matrix products: forward, then back through each layer, updating it as its dE/dW is computed. Returns the summed loss."
                    : "/// The mean gradient of a batch, as matrix products, written into _gradients for the optimizer. Returns the summed loss.");
                _w.Line("/// </summary>");
                Generated();
                using (_w.Block($"private double {(update ? "TrainBatchProducts" : "GradientBatchProducts")}({ReadOnlySpan} inputs, {ReadOnlySpan} targets, int rows{(update ? ", float learningRate" : string.Empty)})"))
                {
                    int m = Last.Number;
                    _w.Line("ForwardBatch(inputs, rows);");
                    _w.Line("double loss = 0;");
                    _w.Line("ref float t = ref MemoryMarshal.GetReference(targets);");
                    using (_w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        _w.Line($"int row = s * Layer{m}Units;");
                        _w.Line($"loss += OutputLoss(ref Unsafe.Add(ref {BufferRef(BatchPreActivation(Last))}, row), ref Unsafe.Add(ref {BufferRef("_batchA" + m)}, row), ref Unsafe.Add(ref t, row), ref Unsafe.Add(ref {BufferRef("_batchDelta" + m)}, row));");
                    }

                    _w.Line();
                    if (update)
                    {
                        _w.Line("// the mean gradient's step: W -= (lr / n) sum over the samples");
                        _w.Line("_phaseScale = -learningRate / rows;");
                        if (HasWeightDecay)
                        {
                            _w.Line("// L2 weight decay: p - lr (g + wd p) = p (1 - lr wd) - lr g");
                            _w.Line("_phaseDecay = 1f - learningRate * WeightDecay;");
                        }
                    }
                    else
                    {
                        _w.Line("_phaseScale = 1f / rows;");
                    }

                    string target = update ? "_parameters" : "_gradients";
                    string decayArgument = update && HasWeightDecay ? ", _phaseDecay" : string.Empty;
                    string kind = update ? "Update" : "Gradient";
                    foreach (Phase phase in Phases.FindAll(p => p.Kind is "dx" or "dw"))
                    {
                        int n = phase.Layer.Number;
                        if (phase.Kind == "dx")
                        {
                            _w.Line($"// layer {n}: dE/dA{n - 1} = dE/dZ{n} W{n}, before W{n} changes" +
                                (_model.Layers[n - 2].Activation == ActivationKind.Identity ? string.Empty : $", then dE/dZ{n - 1} = dE/dA{n - 1} * {Describe.Activation(_model.Layers[n - 2])}'(Z{n - 1})"));
                        }
                        else
                        {
                            _w.Line(update
                                ? $"// layer {n}: W{n} -= (lr / n) dE/dZ{n}^T X, b{n} -= (lr / n) sum dE/dZ{n}"
                                : $"// layer {n}: dE/dW{n} = (1 / n) dE/dZ{n}^T X, dE/db{n} = (1 / n) sum dE/dZ{n}");
                        }

                        _w.Line($"RunPhase({phase.Name}, inputs, rows, {phase.Work});");
                        if (phase.Kind == "dw")
                        {
                            _w.Line($"Layer{n}Bias{kind}Batch(ref {BufferRef("_batchDelta" + n)}, ref Unsafe.Add(ref {Ref(target)}, Layer{n}Biases), rows, _phaseScale{decayArgument});");
                            _w.Line();
                        }
                    }

                    _w.Line("return loss;");
                }

                _w.Line();
            }

            /// <summary>The body of every phase: which kernel runs on which rows of its result.</summary>
            private void WriteRunPart()
            {
                _w.Line("/// <summary>Runs part <paramref name=\"part\"/> of <paramref name=\"parts\"/> of the current phase: its share of the rows of the result.</summary>");
                Generated();
                using (_w.Block("void global::NetGen.Threading.IParallelJob.RunPart(int part, int parts, nint first, nint second)"))
                {
                    _w.Line($"ref float inputs = ref {Helpers}.AsRef(first);");
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    if (!UpdatesInPlace)
                    {
                        _w.Line("ref float g = ref MemoryMarshal.GetArrayDataReference(_gradients);");
                    }

                    _w.Line("int rows = _phaseRows;");
                    using (_w.Block("switch (_phase)"))
                    {
                        foreach (Phase phase in Phases)
                        {
                            _w.Line($"case {phase.Name}:");
                            using (_w.Block())
                            {
                                WritePhaseBody(phase);
                                _w.Line("break;");
                            }
                        }
                    }
                }

                _w.Line();
            }

            private void WritePhaseBody(Phase phase)
            {
                DenseLayerModel layer = phase.Layer;
                int n = layer.Number;
                string inputs = $"Layer{n}Inputs", units = $"Layer{n}Units";
                (int tileRows, _) = GemmTile(Simd.Vector512);
                switch (phase.Kind)
                {
                    case "sample":
                        string sampleX = n == 1 ? "inputs" : Ref("_a" + (n - 1));
                        _w.Line($"(int start, int count) = {Helpers}.Split({units}, part, parts, {DotRows(Simd.Vector512)});");
                        _w.Line($"Layer{n}Forward(ref Unsafe.Add(ref p, Layer{n}Weights + start * {inputs}), ref Unsafe.Add(ref p, Layer{n}Biases + start), ref {sampleX}, ref Unsafe.Add(ref {Ref(PreActivationBuffer(layer))}, start), count);");
                        break;

                    case "update-forward":
                        _w.Line("// inputs holds this sample, the next one _phaseRows values on; _phaseScale is the learning rate");
                        _w.Line($"(int start, int count) = {Helpers}.Split({units}, part, parts, {DotRows(Simd.Vector512)});");
                        _w.Line($"Layer1UpdateForward(ref Unsafe.Add(ref p, Layer1Weights + start * {inputs}), ref Unsafe.Add(ref p, Layer1Biases + start), ref inputs, ref Unsafe.Add(ref {Ref("_delta1")}, start), _phaseScale, ref Unsafe.Add(ref inputs, rows), ref Unsafe.Add(ref {Ref(PreActivationBuffer(layer))}, start), count);");
                        break;

                    case "pack":
                        _w.Line($"(int start, int count) = {Helpers}.Split({units}, part, parts, ColumnSplit);");
                        _w.Line($"Layer{n}Pack(ref Unsafe.Add(ref p, Layer{n}Weights + start * {inputs}), ref Unsafe.Add(ref {BufferRef("_packed" + n)}, start), count);");
                        break;

                    case "forward":
                        string z = BatchPreActivation(layer);
                        string x = n == 1 ? "inputs" : BufferRef("_batchA" + (n - 1));
                        _w.Line($"// each thread computes its own units: the rows of W{n} it packed and will update");
                        _w.Line($"(int start, int count) = {Helpers}.Split({units}, part, parts, ColumnSplit);");
                        _w.Line($"Layer{n}ForwardBatch(ref {x}, ref {BufferRef("_packed" + n)}, ref Unsafe.Add(ref p, Layer{n}Biases), ref {BufferRef(z)}, rows, start, start + count);");
                        break;

                    case "activate":
                        _w.Line($"(int start, int count) = {Helpers}.Split(rows, part, parts, 1);");
                        _w.Line($"Layer{n}Activation(ref Unsafe.Add(ref {BufferRef(BatchPreActivation(layer))}, start * {units}), ref Unsafe.Add(ref {BufferRef("_batchA" + n)}, start * {units}), count);");
                        break;

                    case "dx":
                        DenseLayerModel previous = _model.Layers[n - 2];
                        _w.Line($"(int start, int count) = {Helpers}.Split(rows, part, parts, {tileRows});");
                        _w.Line($"Layer{n}InputGradientBatch(ref Unsafe.Add(ref {BufferRef("_batchDelta" + n)}, start * {units}), ref Unsafe.Add(ref p, Layer{n}Weights), ref Unsafe.Add(ref {BufferRef("_batchDelta" + (n - 1))}, start * {inputs}), count);");
                        if (previous.Activation != ActivationKind.Identity)
                        {
                            _w.Line($"Layer{n - 1}Derivative(ref Unsafe.Add(ref {BufferRef("_batchA" + (n - 1))}, start * {inputs}), ref Unsafe.Add(ref {BufferRef("_batchDelta" + (n - 1))}, start * {inputs}), count);");
                        }

                        break;

                    default:
                        string target = UpdatesInPlace ? "p" : "g";
                        string kind = UpdatesInPlace ? "Update" : "Gradient";
                        string decay = UpdatesInPlace && HasWeightDecay ? ", _phaseDecay" : string.Empty;
                        _w.Line($"(int start, int count) = {Helpers}.Split({units}, part, parts, ColumnSplit);");
                        _w.Line($"Layer{n}Weight{kind}Batch(ref Unsafe.Add(ref {BufferRef("_batchDelta" + n)}, start), ref {BatchInput(layer)}, ref Unsafe.Add(ref {target}, Layer{n}Weights + start * {inputs}), count, rows, _phaseScale{decay});");
                        break;
                }
            }
        }
    }
}
