using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The batch passes: every sample of a batch at once, through the matrix-product kernels.</summary>
        private sealed partial class ClassWriter
        {
            private void WriteBatchPass()
            {
                WriteEnsureBatchCapacity();
                WriteForwardBatch();
                WriteTrainBatchProducts();
            }

            /// <summary>Name of the buffer a layer's batch forward pass writes z into.</summary>
            private string BatchPreActivation(DenseLayerModel layer) =>
                layer == Last && KeepsOutputPreActivation ? "_batchZ" + layer.Number : "_batchA" + layer.Number;

            private static string BatchInput(DenseLayerModel layer) =>
                layer.Number == 1 ? "inputs" : Ref("_batchA" + (layer.Number - 1));

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
                            _w.Line($"_packed{layer.Number} = new float[Layer{layer.Number}Inputs * Layer{layer.Number}Units];");
                        }
                    }

                    _w.Line();
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        _w.Line($"_batchA{layer.Number} = new float[rows * Layer{layer.Number}Units];");
                        _w.Line($"_batchDelta{layer.Number} = new float[rows * Layer{layer.Number}Units];");
                    }

                    if (KeepsOutputPreActivation)
                    {
                        _w.Line($"_batchZ{Last.Number} = new float[rows * Layer{Last.Number}Units];");
                    }

                    _w.Line("_batchCapacity = rows;");
                }

                _w.Line();
            }

            private void WriteForwardBatch()
            {
                _w.Line("/// <summary>Runs <paramref name=\"rows\"/> samples through every layer as matrix products, leaving each layer's activations in the batch buffers.</summary>");
                Generated();
                using (_w.Block("private void ForwardBatch(ref float inputs, int rows)"))
                {
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        int n = layer.Number;
                        string z = BatchPreActivation(layer);
                        _w.Line($"// layer {n}: Z = X W{n}^T + b{n} over the batch, with W{n} packed as its transpose" +
                            (layer.Activation == ActivationKind.Identity ? string.Empty : $"; A = {Describe.Activation(layer)}(Z)"));
                        _w.Line($"Layer{n}Pack(ref Unsafe.Add(ref p, Layer{n}Weights), ref {Ref("_packed" + n)});");
                        _w.Line($"Layer{n}ForwardBatch(ref {BatchInput(layer)}, ref {Ref("_packed" + n)}, ref Unsafe.Add(ref p, Layer{n}Biases), ref {Ref(z)}, rows);");
                        WriteActivationCall(layer, z, "_batchA" + n, "rows");
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
                using (_w.Block($"private double {(update ? "TrainBatchProducts" : "GradientBatchProducts")}(ref float inputs, ref float targets, int rows{(update ? ", float learningRate" : string.Empty)})"))
                {
                    int m = Last.Number;
                    _w.Line("ForwardBatch(ref inputs, rows);");
                    _w.Line("double loss = 0;");
                    using (_w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        _w.Line($"int row = s * Layer{m}Units;");
                        _w.Line($"loss += OutputLoss(ref Unsafe.Add(ref {Ref(BatchPreActivation(Last))}, row), ref Unsafe.Add(ref {Ref("_batchA" + m)}, row), ref Unsafe.Add(ref targets, row), ref Unsafe.Add(ref {Ref("_batchDelta" + m)}, row));");
                    }

                    _w.Line();
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    if (update)
                    {
                        _w.Line("// the mean gradient's step: W -= (lr / n) sum over the samples");
                        _w.Line("float scale = -learningRate / rows;");
                        if (HasWeightDecay)
                        {
                            _w.Line("// L2 weight decay: p - lr (g + wd p) = p (1 - lr wd) - lr g");
                            _w.Line("float decay = 1f - learningRate * WeightDecay;");
                        }
                    }
                    else
                    {
                        _w.Line("ref float g = ref MemoryMarshal.GetArrayDataReference(_gradients);");
                        _w.Line("float scale = 1f / rows;");
                    }

                    string target = update ? "p" : "g";
                    string decayArgument = update && HasWeightDecay ? ", decay" : string.Empty;
                    for (int i = _model.Layers.Count - 1; i >= 0; i--)
                    {
                        DenseLayerModel layer = _model.Layers[i];
                        int n = layer.Number;
                        _w.Line();
                        if (n > 1)
                        {
                            _w.Line($"// layer {n}: dE/dA{n - 1} = dE/dZ{n} W{n}, before W{n} changes");
                            _w.Line($"Layer{n}InputGradientBatch(ref {Ref("_batchDelta" + n)}, ref Unsafe.Add(ref p, Layer{n}Weights), ref {Ref("_batchDelta" + (n - 1))}, rows);");
                            WriteDerivativeCall(layer, "rows", sample: false);
                        }

                        _w.Line(update
                            ? $"// layer {n}: W{n} -= (lr / n) dE/dZ{n}^T X, b{n} -= (lr / n) sum dE/dZ{n}"
                            : $"// layer {n}: dE/dW{n} = (1 / n) dE/dZ{n}^T X, dE/db{n} = (1 / n) sum dE/dZ{n}");
                        string kind = update ? "Update" : "Gradient";
                        _w.Line($"Layer{n}Weight{kind}Batch(ref {Ref("_batchDelta" + n)}, ref {BatchInput(layer)}, ref Unsafe.Add(ref {target}, Layer{n}Weights), rows, scale{decayArgument});");
                        _w.Line($"Layer{n}Bias{kind}Batch(ref {Ref("_batchDelta" + n)}, ref Unsafe.Add(ref {target}, Layer{n}Biases), rows, scale{decayArgument});");
                    }

                    _w.Line();
                    _w.Line("return loss;");
                }

                _w.Line();
            }
        }
    }
}
