using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class ClassWriter
        {
            /// <summary>Writes OutputLoss and the one-sample backward passes: accumulating, and (SGD) updating in place.</summary>
            private void WriteBackwardPass()
            {
                WriteOutputLoss();
                WriteBackwardSample();
                if (UpdatesInPlace)
                {
                    WriteTrainSample();
                    WriteTrainSequence();
                }
            }

            private void WriteBackwardSample()
            {
                _w.Line("/// <summary>Runs one sample forward and back: adds its dE/dp into _gradients and returns its loss.</summary>");
                Generated();
                using (_w.Block("private float BackwardSample(ref float input, ref float target)"))
                {
                    _w.Line("ForwardSample(ref input, share: false);");
                    _w.Line($"float loss = OutputLoss(ref {Ref(PreActivationBuffer(Last))}, ref {Ref("_a" + Last.Number)}, ref target, ref {Ref("_delta" + Last.Number)});");
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    _w.Line("ref float g = ref MemoryMarshal.GetArrayDataReference(_gradients);");
                    for (int i = _model.Layers.Count - 1; i >= 0; i--)
                    {
                        DenseLayerModel layer = _model.Layers[i];
                        int n = layer.Number;
                        string sendBack = n > 1 ? $", ref {Ref("_delta" + (n - 1))}" : string.Empty;
                        _w.Line($"// layer {n} backward: dE/dW{n} += dE/dz{n} x^T, dE/db{n} += dE/dz{n}" + (n > 1 ? $", dE/da{n - 1} = W{n}^T dE/dz{n}" : string.Empty));
                        _w.Line($"Layer{n}Backward(ref Unsafe.Add(ref p, Layer{n}Weights), ref {LayerInput(layer)}, ref {Ref("_delta" + n)}, ref Unsafe.Add(ref g, Layer{n}Weights), ref Unsafe.Add(ref g, Layer{n}Biases){sendBack});");
                        WriteDerivativeCall(layer, "1", sample: true);
                    }

                    _w.Line("return loss;");
                }

                _w.Line();
            }

            /// <summary>After layer n sends back dE/da of layer n - 1, turns it into dE/dz of layer n - 1.</summary>
            private void WriteDerivativeCall(DenseLayerModel layer, string rows, bool sample)
            {
                if (layer.Number == 1)
                {
                    return;
                }

                DenseLayerModel previous = _model.Layers[layer.Number - 2];
                if (previous.Activation != ActivationKind.Identity)
                {
                    int p = previous.Number;
                    string a = sample ? Ref("_a" + p) : "_batchA" + p + ".Start";
                    string delta = sample ? Ref("_delta" + p) : "_batchDelta" + p + ".Start";
                    _w.Line($"// dE/dz{p} = dE/da{p} * {Describe.Activation(previous)}'(z{p})");
                    _w.Line($"Layer{p}Derivative(ref {a}, ref {delta}, {rows});");
                }
            }

            /// <summary>Plain SGD on one sample: the update is applied inside the backward pass, so dE/dW is never stored.</summary>
            private void WriteTrainSample()
            {
                _w.Line("/// <summary>One SGD step on one sample, fused: each layer's update is applied as it is back-propagated. Returns the loss.</summary>");
                Generated();
                using (_w.Block("private float TrainSample(ref float input, ref float target, float learningRate)"))
                {
                    // Shared between threads, the forward pass and the update of W1 give each thread the same
                    // rows of W1, so they stay in its cache; otherwise the update, on this thread, would pull
                    // every row back from the other core's cache on each call.
                    bool shares = SplitsSample(_model.FirstLayer);
                    _w.Line($"ForwardSample(ref input, share: {(shares ? "true" : "false")});");
                    _w.Line($"float loss = OutputLoss(ref {Ref(PreActivationBuffer(Last))}, ref {Ref("_a" + Last.Number)}, ref target, ref {Ref("_delta" + Last.Number)});");
                    WriteSgdBackwardLayersAboveFirst(declareP: true);
                    _w.Line("// layer 1: W1 -= lr dE/dz1 x^T, b1 -= lr dE/dz1 (no dE/dx: nothing consumes it)");
                    string single = "Layer1BackwardSgd(ref Unsafe.Add(ref p, Layer1Weights), ref Unsafe.Add(ref p, Layer1Biases), ref input, ref MemoryMarshal.GetArrayDataReference(_delta1), learningRate);";
                    if (shares)
                    {
                        _w.Line("// (shared, through the fused update-and-forward pass, whose z1 of this sample again nothing reads)");
                        WriteSharedLayer1Update("0", single);
                    }
                    else
                    {
                        _w.Line(single);
                    }

                    _w.Line("_stepCount++;");
                    _w.Line("return loss;");
                }

                _w.Line();
            }

            /// <summary>
            /// Per-sample SGD over a sequence: sample s's update of W1 runs in the same pass over W1 as sample
            /// s + 1's first layer forward. The result equals TrainSample on each sample in turn, bit for bit.
            /// Every pass over W1 here may be shared between threads by rows, always the same rows per
            /// thread, so that each row of W1 stays in the cache of the core that updates it.
            /// </summary>
            private void WriteTrainSequence()
            {
                _w.Line("/// <summary>Per-sample SGD over <paramref name=\"count\"/> samples in order; the first layer's update of each sample is fused with the next sample's forward pass. Returns the summed loss.</summary>");
                Generated();
                using (_w.Block("private double TrainSequence(ref float inputs, ref float targets, int count, float learningRate)"))
                {
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    _w.Line($"ref float z1 = ref {Ref(PreActivationBuffer(_model.FirstLayer))};");
                    _w.Line("// z1 of the first sample; the loop computes each next one");
                    WriteLayerProductCall(_model.FirstLayer, "inputs", SplitsSample(_model.FirstLayer) ? "global::NetGen.Threading.WorkerPool.ThreadsForSample((long)Layer1Inputs * Layer1Units)" : null);
                    _w.Line();
                    _w.Line("double loss = 0;");
                    using (_w.Block("for (int s = 0; s < count; s++)"))
                    {
                        _w.Line("ref float input = ref Unsafe.Add(ref inputs, s * InputSize);");
                        _w.Line("ref float target = ref Unsafe.Add(ref targets, s * OutputSize);");
                        _w.Line("// z1 of this sample is ready: finish its forward pass");
                        WriteActivationCall(_model.FirstLayer, PreActivationBuffer(_model.FirstLayer), "_a1", "1");
                        foreach (DenseLayerModel layer in _model.Layers)
                        {
                            if (layer.Number > 1)
                            {
                                WriteLayerForwardCall(layer, LayerInput(layer), share: false);
                            }
                        }

                        _w.Line($"loss += OutputLoss(ref {Ref(PreActivationBuffer(Last))}, ref {Ref("_a" + Last.Number)}, ref target, ref {Ref("_delta" + Last.Number)});");
                        WriteSgdBackwardLayersAboveFirst();
                        _w.Line("// layer 1: this sample's update, and the next sample's z1 from the updated weights, in one pass over W1");
                        _w.Line("// (after the last sample, z1 of that sample again, which nothing reads)");
                        _w.Line("int nextOffset = s + 1 < count ? InputSize : 0;");
                        string call = "Layer1UpdateForward(ref Unsafe.Add(ref p, Layer1Weights), ref Unsafe.Add(ref p, Layer1Biases), ref input, ref MemoryMarshal.GetArrayDataReference(_delta1), learningRate, ref Unsafe.Add(ref input, nextOffset), ref z1, Layer1Units);";
                        if (SplitsSample(_model.FirstLayer))
                        {
                            WriteSharedLayer1Update("nextOffset", call);
                        }
                        else
                        {
                            _w.Line(call);
                        }

                        _w.Line();
                        _w.Line("_stepCount++;");
                    }

                    _w.Line();
                    _w.Line("return loss;");
                }

                _w.Line();
            }

            /// <summary>
            /// W1's SGD update of the sample at <c>input</c>, fused with z1 of the sample <paramref name="nextOffset"/>
            /// values on, shared between threads by rows when helpers are awake; <paramref name="single"/> is the
            /// call that does the same on this thread.
            /// </summary>
            private void WriteSharedLayer1Update(string nextOffset, string single)
            {
                _w.Line("int parts = global::NetGen.Threading.WorkerPool.ThreadsForSample((long)Layer1Inputs * Layer1Units);");
                using (_w.Block("if (parts > 1)"))
                {
                    _w.Line("// the rows of W1 shared between threads, each row's update and dot product its own, so each");
                    _w.Line("// thread keeps its rows of W1 in its own cache from sample to sample");
                    _w.Line("_phase = UpdateForwardLayer1;");
                    _w.Line("_phaseScale = learningRate;");
                    _w.Line($"_phaseRows = {nextOffset};");
                    _w.Line($"global::NetGen.Threading.WorkerPool.Run(this, parts, MemoryMarshal.CreateReadOnlySpan(ref input, {Literals.Plus(nextOffset, "InputSize")}), default);");
                }

                using (_w.Block("else"))
                {
                    _w.Line(single);
                }
            }

            /// <summary>Layers L..2 of a fused SGD backward pass, each updated as it sends dE/dx back.</summary>
            private void WriteSgdBackwardLayersAboveFirst(bool declareP = false)
            {
                if (declareP)
                {
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                }

                for (int i = _model.Layers.Count - 1; i >= 1; i--)
                {
                    DenseLayerModel layer = _model.Layers[i];
                    int n = layer.Number;
                    _w.Line($"// layer {n}: dE/da{n - 1} = W{n}^T dE/dz{n}, then W{n} -= lr dE/dz{n} x^T and b{n} -= lr dE/dz{n}");
                    _w.Line($"Layer{n}BackwardSgd(ref Unsafe.Add(ref p, Layer{n}Weights), ref Unsafe.Add(ref p, Layer{n}Biases), ref {LayerInput(layer)}, ref {Ref("_delta" + n)}, ref {Ref("_delta" + (n - 1))}, learningRate);");
                    WriteDerivativeCall(layer, "1", sample: true);
                }
            }

            private void WriteOutputLoss()
            {
                int n = Last.Number;
                _w.Line($"/// <summary>The loss of one sample, {Describe.Loss(_model.Loss)}; sets <paramref name=\"delta\"/> = dE/dz{n}. <paramref name=\"z\"/> and <paramref name=\"y\"/> are the last layer's z and output.</summary>");
                Generated();
                using (_w.Block("private static float OutputLoss(ref float z, ref float y, ref float target, ref float delta)"))
                {
                    switch (_model.Loss)
                    {
                        case LossKind.CrossEntropy:
                            WriteCrossEntropy();
                            break;
                        case LossKind.BinaryCrossEntropy:
                            WriteBinaryCrossEntropy();
                            break;
                        default:
                            WriteSquaredError();
                            break;
                    }
                }

                _w.Line();
            }

            private void WriteCrossEntropy()
            {
                int n = Last.Number;
                _w.Line("// ln y_j = z_j - (max z + ln sum_k e^(z_k - max z)): exact even where y_j underflows to 0");
                _w.Line("float max = z;");
                using (_w.Block($"for (int j = 1; j < Layer{n}Units; j++)"))
                {
                    _w.Line("max = MathF.Max(max, Unsafe.Add(ref z, j));");
                }

                _w.Line();
                _w.Line("float sum = 0f;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line("sum += MathF.Exp(Unsafe.Add(ref z, j) - max);");
                }

                _w.Line();
                _w.Line("float logSumExp = max + MathF.Log(sum);");
                _w.Line("float loss = 0f;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line("float t = Unsafe.Add(ref target, j);");
                    _w.Line("// E = -sum t_j ln y_j; fused with softmax: dE/dz_j = y_j - t_j");
                    using (_w.Block("if (t != 0f)"))
                    {
                        _w.Line("loss -= t * (Unsafe.Add(ref z, j) - logSumExp);");
                    }

                    _w.Line();
                    _w.Line("Unsafe.Add(ref delta, j) = Unsafe.Add(ref y, j) - t;");
                }

                _w.Line();
                _w.Line("return loss;");
            }

            private void WriteBinaryCrossEntropy()
            {
                int n = Last.Number;
                _w.Line("float loss = 0f;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line("float zj = Unsafe.Add(ref z, j);");
                    _w.Line("float t = Unsafe.Add(ref target, j);");
                    _w.Line("// E_j = -[t ln y + (1 - t) ln(1 - y)] with y = sigmoid(z), written stably as max(z, 0) - z t + ln(1 + e^-|z|)");
                    _w.Line("loss += MathF.Max(zj, 0f) - zj * t + MathF.Log(1f + MathF.Exp(-MathF.Abs(zj)));");
                    _w.Line("// fused with the sigmoid: dE/dz_j = y_j - t_j");
                    _w.Line("Unsafe.Add(ref delta, j) = Unsafe.Add(ref y, j) - t;");
                }

                _w.Line();
                _w.Line("return loss;");
            }

            private void WriteSquaredError()
            {
                int n = Last.Number;
                _w.Line("float loss = 0f;");
                if (Last.Activation == ActivationKind.Softmax)
                {
                    _w.Line("float dot = 0f;");
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line("// E = 1/2 sum (y - t)^2, dE/dy = y - t");
                        _w.Line("float yj = Unsafe.Add(ref y, j);");
                        _w.Line("float error = yj - Unsafe.Add(ref target, j);");
                        _w.Line("loss += error * error;");
                        _w.Line("Unsafe.Add(ref delta, j) = error;");
                        _w.Line("dot += error * yj;");
                    }

                    _w.Line();
                    _w.Line("// through the softmax's Jacobian: dE/dz_j = y_j (dE/dy_j - sum_k dE/dy_k y_k)");
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line("Unsafe.Add(ref delta, j) = Unsafe.Add(ref y, j) * (Unsafe.Add(ref delta, j) - dot);");
                    }
                }
                else
                {
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line("// E = 1/2 sum (y - t)^2, dE/dy = y - t" + (Last.Activation == ActivationKind.Identity ? " = dE/dz" : $", dE/dz = dE/dy {Describe.Activation(Last)}'(z), {Describe.Activation(Last)}' = {Describe.DerivativeFormula(Last)}"));
                        _w.Line("float yj = Unsafe.Add(ref y, j);");
                        _w.Line("float error = yj - Unsafe.Add(ref target, j);");
                        _w.Line("loss += error * error;");
                        _w.Line("Unsafe.Add(ref delta, j) = " + TimesDerivative(Simd.Scalar, Last, "yj", "error") + ";");
                    }
                }

                _w.Line();
                _w.Line("return 0.5f * loss;");
            }
        }
    }
}
