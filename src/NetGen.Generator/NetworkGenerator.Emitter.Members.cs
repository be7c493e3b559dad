using System.Linq;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        /// <summary>Writes the members of one network class. Each Emitter.*.cs file adds one group of members.</summary>
        private sealed partial class ClassWriter(SourceWriter writer, NetworkModel model)
        {
            private readonly SourceWriter _w = writer;
            private readonly NetworkModel _model = model;

            private string ClassName => Literals.Identifier(_model.ClassName);

            private DenseLayerModel Last => _model.LastLayer;

            /// <summary>Whether the loss needs the last layer's pre-activation z (to compute ln softmax or ln sigmoid stably).</summary>
            private bool KeepsOutputPreActivation => _model.Loss is LossKind.CrossEntropy or LossKind.BinaryCrossEntropy;

            public void Write()
            {
                WriteSizes();
                WriteLayout();
                WriteInfo();
                WriteHyperParameters();
                WriteFields();
                WriteConstructors();
                WriteProperties();
                WritePublicMethods();
                WriteForwardPass();
                WriteBackwardPass();
                WriteBatchPass();
                WriteOptimizer();
                foreach (DenseLayerModel layer in _model.Layers)
                {
                    _w.Line($"#region Dense layer {layer.Number} kernels: {layer.Inputs} -> {layer.Units}, {Describe.Activation(layer)}");
                    _w.Line();
                    WriteSampleKernels(layer);
                    WriteBatchKernels(layer);
                    _w.Line("#endregion");
                    _w.Line();
                }

                WriteMultiplyAddHelper();
                WriteInterfaceMembers();
            }

            private void Generated() => _w.Line(GeneratedCodeAttribute);

            private void WriteSizes()
            {
                _w.Line("/// <summary>Number of inputs of one sample.</summary>");
                Generated();
                _w.Line("public const int InputSize = " + _model.InputSize + ";");
                _w.Line();
                _w.Line("/// <summary>Number of outputs of one sample.</summary>");
                Generated();
                _w.Line("public const int OutputSize = " + _model.OutputSize + ";");
                _w.Line();
                _w.Line("/// <summary>Number of trainable parameters: " + Literals.Grouped(_model.ParameterCount) + ".</summary>");
                Generated();
                _w.Line("public const int ParameterCount = " + _model.ParameterCount + ";");
                _w.Line();
            }

            /// <summary>Sizes and parameter offsets of each layer as named constants: W is [units, inputs] row-major, then b.</summary>
            private void WriteLayout()
            {
                foreach (DenseLayerModel layer in _model.Layers)
                {
                    int n = layer.Number;
                    _w.Line($"// Dense layer {n}: {layer.Inputs} -> {layer.Units}, {Describe.Activation(layer)}. W{n} [{layer.Units}, {layer.Inputs}] row-major at Layer{n}Weights, then b{n} [{layer.Units}] at Layer{n}Biases.");
                    _w.Line($"private const int Layer{n}Inputs = {layer.Inputs};");
                    _w.Line($"private const int Layer{n}Units = {layer.Units};");
                    _w.Line($"private const int Layer{n}Weights = {layer.WeightOffset};");
                    _w.Line($"private const int Layer{n}Biases = {layer.BiasOffset};");
                    _w.Line();
                }
            }

            private void WriteInfo()
            {
                OptimizerModel o = _model.Optimizer;
                _w.Line("/// <summary>The layers, loss and optimizer of this network, for code that works with any network.</summary>");
                Generated();
                _w.Line("public static global::NetGen.NetworkInfo Info { get; } = new global::NetGen.NetworkInfo(");
                using (_w.Indent())
                {
                    _w.Line($"\"{_model.ClassName}\",");
                    _w.Line("InputSize,");
                    _w.Line("global::NetGen.Loss." + _model.Loss + ",");
                    _w.Line(
                        "new global::NetGen.OptimizerSettings(global::NetGen.Optimizer." + o.Kind + ", " +
                        Literals.Float(o.Momentum) + ", " + Literals.Float(o.Beta1) + ", " + Literals.Float(o.Beta2) + ", " +
                        Literals.Float(o.Epsilon) + ", " + Literals.Float(o.WeightDecay) + "),");
                    _w.Line("new global::NetGen.DenseLayerInfo[]");
                    _w.Line("{");
                    using (_w.Indent())
                    {
                        foreach (DenseLayerModel layer in _model.Layers)
                        {
                            int n = layer.Number;
                            string alpha = layer.Activation == ActivationKind.LeakyReLU ? ", " + Literals.Float(layer.Alpha) : string.Empty;
                            _w.Line($"new global::NetGen.DenseLayerInfo({layer.ModuleIndex}, Layer{n}Inputs, Layer{n}Units, global::NetGen.Activation.{layer.Activation}, Layer{n}Weights, Layer{n}Biases{alpha}),");
                        }
                    }

                    _w.Line("});");
                }

                _w.Line();
            }

            private void WriteFields()
            {
                _w.Line("// Every parameter, layer by layer (see the layout above), and dE/dp in the same layout.");
                _w.Line("private readonly float[] _parameters = new float[ParameterCount];");
                _w.Line("private readonly float[] _gradients = new float[ParameterCount];");
                if (UpdatesInPlace)
                {
                    _w.Line("// False while _gradients is known to be all zero, so that TrainBatch can skip clearing it.");
                    _w.Line("private bool _gradientsMayBeNonZero;");
                }

                switch (_model.Optimizer.Kind)
                {
                    case OptimizerKind.Momentum:
                        _w.Line("// Optimizer state: the velocity v, one value per parameter.");
                        _w.Line("private readonly float[] _optimizerState = new float[ParameterCount];");
                        break;
                    case OptimizerKind.Adam:
                        _w.Line("// Optimizer state: Adam's first moment m, then its second moment v, one value each per parameter.");
                        _w.Line("private readonly float[] _optimizerState = new float[2 * ParameterCount];");
                        break;
                    default:
                        _w.Line("// Plain SGD keeps no optimizer state.");
                        _w.Line("private readonly float[] _optimizerState = global::System.Array.Empty<float>();");
                        break;
                }

                _w.Line("private long _stepCount;");
                _w.Line();
                _w.Line("// One sample's activations a = act(z), kept for the backward pass, and dE/dz of each layer.");
                foreach (DenseLayerModel layer in _model.Layers)
                {
                    _w.Line($"private readonly float[] _a{layer.Number} = new float[Layer{layer.Number}Units];");
                }

                if (KeepsOutputPreActivation)
                {
                    _w.Line($"private readonly float[] _z{Last.Number} = new float[Layer{Last.Number}Units];");
                }

                foreach (DenseLayerModel layer in _model.Layers)
                {
                    _w.Line($"private readonly float[] _delta{layer.Number} = new float[Layer{layer.Number}Units];");
                }

                _w.Line();
                _w.Line("// A batch's activations and dE/dz, [samples, units] per layer, and each W packed as its transpose for");
                _w.Line("// the forward matrix product. Allocated by the first batch, and again only for a larger batch; aligned");
                _w.Line("// to cache lines, so threads writing neighbouring units do not share a line.");
                _w.Line("private int _batchCapacity;");
                foreach (DenseLayerModel layer in _model.Layers)
                {
                    _w.Line($"private global::NetGen.Internal.AlignedBuffer _packed{layer.Number} = global::NetGen.Internal.AlignedBuffer.Empty;");
                }

                foreach (DenseLayerModel layer in _model.Layers)
                {
                    _w.Line($"private global::NetGen.Internal.AlignedBuffer _batchA{layer.Number} = global::NetGen.Internal.AlignedBuffer.Empty;");
                }

                if (KeepsOutputPreActivation)
                {
                    _w.Line($"private global::NetGen.Internal.AlignedBuffer _batchZ{Last.Number} = global::NetGen.Internal.AlignedBuffer.Empty;");
                }

                foreach (DenseLayerModel layer in _model.Layers)
                {
                    _w.Line($"private global::NetGen.Internal.AlignedBuffer _batchDelta{layer.Number} = global::NetGen.Internal.AlignedBuffer.Empty;");
                }

                _w.Line();
                _w.Line("/// <summary>Batches of at least this many samples go through matrix products; smaller ones one sample at a time.</summary>");
                _w.Line("private const int MatrixProductBatch = 4;");
                _w.Line();
                _w.Line("/// <summary>Predict runs the matrix products on at most this many samples at a time, which bounds its buffers.</summary>");
                _w.Line("private const int PredictChunk = 256;");
                _w.Line();
            }

            private void WriteConstructors()
            {
                _w.Line("/// <summary>Creates the network with parameters initialised from seed 0.</summary>");
                Generated();
                _w.Line($"public {ClassName}()");
                using (_w.Indent())
                {
                    _w.Line(": this(0)");
                }

                using (_w.Block())
                {
                }

                _w.Line();
                _w.Line("/// <summary>");
                _w.Line("/// Creates the network with parameters drawn deterministically from <paramref name=\"seed\"/>: the same");
                _w.Line("/// values on every machine. Weights are He-uniform before ReLU and LeakyReLU, Glorot-uniform otherwise; biases are 0.");
                _w.Line("/// </summary>");
                _w.Line("/// <param name=\"seed\">Seed of the random sequence the weights are drawn from, layer by layer.</param>");
                Generated();
                using (_w.Block($"public {ClassName}(int seed)"))
                {
                    _w.Line("var random = new global::NetGen.DeterministicRandom(seed);");
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        int n = layer.Number;
                        _w.Line($"// W{n} ~ U(-limit, limit), {Describe.Initialisation(layer)}: limit = {Describe.InitialisationBound(layer)}; b{n} = 0");
                        _w.Line($"random.FillUniform(global::System.MemoryExtensions.AsSpan(_parameters, Layer{n}Weights, Layer{n}Units * Layer{n}Inputs), {Literals.Float(InitialisationBound(layer))});");
                    }

                }

                _w.Line();
            }

            private static float InitialisationBound(DenseLayerModel layer) =>
                (float)System.Math.Sqrt(layer.UsesHeInitialisation ? 6.0 / layer.Inputs : 6.0 / (layer.Inputs + layer.Units));

            private void WriteProperties()
            {
                _w.Line("/// <summary>");
                _w.Line("/// Every parameter, layer by layer: each dense layer's weights row-major [units, inputs] (offset j * inputs + i");
                _w.Line("/// joins input i to output j), then its biases; the layout of a PyTorch <c>nn.Linear</c> weight followed by its bias.");
                _w.Line("/// </summary>");
                Generated();
                _w.Line($"public {Span} Parameters => _parameters;");
                _w.Line();
                _w.Line("/// <summary>dE/dp in the layout of <see cref=\"Parameters\"/>. <see cref=\"Backward\"/> adds into it.</summary>");
                Generated();
                if (UpdatesInPlace)
                {
                    using (_w.Block($"public {Span} Gradients"))
                    {
                        using (_w.Block("get"))
                        {
                            _w.Line("_gradientsMayBeNonZero = true; // the caller may write through the span");
                            _w.Line("return _gradients;");
                        }
                    }
                }
                else
                {
                    _w.Line($"public {Span} Gradients => _gradients;");
                }
                _w.Line();
                _w.Line("/// <summary>The optimizer's state in the layout of <see cref=\"Parameters\"/>: " + OptimizerStateDescription() + ".</summary>");
                Generated();
                _w.Line($"public {Span} OptimizerState => _optimizerState;");
                _w.Line();
                _w.Line("/// <summary>Number of optimizer updates applied so far" + (_model.Optimizer.Kind == OptimizerKind.Adam ? " (t in Adam's bias correction)" : string.Empty) + ".</summary>");
                Generated();
                using (_w.Block("public long StepCount"))
                {
                    _w.Line("get => _stepCount;");
                    using (_w.Block("set"))
                    {
                        using (_w.Block("if (value < 0)"))
                        {
                            _w.Line($"{Helpers}.ThrowOutOfRange(nameof(StepCount), value, \"0 or more\");");
                        }

                        _w.Line();
                        _w.Line("_stepCount = value;");
                    }
                }

                _w.Line();
            }

            private string OptimizerStateDescription() => _model.Optimizer.Kind switch
            {
                OptimizerKind.Momentum => "the velocity v",
                OptimizerKind.Adam => "the first moment m, then the second moment v",
                _ => "empty, plain SGD keeps none",
            };

            private void WritePublicMethods()
            {
                WriteForwardMethod();
                WritePredictMethod();
                WriteBackwardMethod();
                WriteZeroGradientsMethod();
                WriteStepMethod();
                WriteTrainBatchMethod();
                WriteTrainSequentialMethod();
                WriteSampleCountHelper();
            }

            private void WriteForwardMethod()
            {
                _w.Line("/// <summary>Computes the output of one sample.</summary>");
                _w.Line("/// <param name=\"input\">The sample, <see cref=\"InputSize\"/> values.</param>");
                _w.Line("/// <param name=\"output\">Receives the network's output, <see cref=\"OutputSize\"/> values.</param>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
                Generated();
                using (_w.Block($"public void Forward({ReadOnlySpan} input, {Span} output)"))
                {
                    CheckLength("input", "InputSize");
                    CheckLength("output", "OutputSize");
                    _w.Line("ForwardSample(ref MemoryMarshal.GetReference(input), share: true);");
                    _w.Line($"global::System.MemoryExtensions.AsSpan(_a{Last.Number}).CopyTo(output);");
                }

                _w.Line();
            }

            private void WritePredictMethod()
            {
                _w.Line("/// <summary>Computes the outputs of n samples stored row after row.</summary>");
                _w.Line("/// <param name=\"inputs\">n samples of <see cref=\"InputSize\"/> values each, row after row.</param>");
                _w.Line("/// <param name=\"outputs\">Receives n outputs of <see cref=\"OutputSize\"/> values each, row after row.</param>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not fit n samples.</exception>");
                Generated();
                using (_w.Block($"public void Predict({ReadOnlySpan} inputs, {Span} outputs)"))
                {
                    _w.Line("int count = SampleCount(inputs, outputs, OutputSize, nameof(outputs));");
                    _w.Line("ref float x = ref MemoryMarshal.GetReference(inputs);");
                    using (_w.Block("if (count < MatrixProductBatch)"))
                    {
                        using (_w.Block("for (int s = 0; s < count; s++)"))
                        {
                            _w.Line("ForwardSample(ref Unsafe.Add(ref x, s * InputSize), share: true);");
                            _w.Line($"global::System.MemoryExtensions.AsSpan(_a{Last.Number}).CopyTo(outputs.Slice(s * OutputSize, OutputSize));");
                        }

                        _w.Line();
                        _w.Line("return;");
                    }

                    _w.Line();
                    _w.Line("EnsureBatchCapacity(global::System.Math.Min(count, PredictChunk));");
                    using (_w.Block("for (int start = 0; start < count; start += PredictChunk)"))
                    {
                        _w.Line("int rows = global::System.Math.Min(PredictChunk, count - start);");
                        _w.Line("ForwardBatch(inputs.Slice(start * InputSize, rows * InputSize), rows);");
                        _w.Line($"_batchA{Last.Number}.Span.Slice(0, rows * OutputSize).CopyTo(outputs.Slice(start * OutputSize));");
                    }
                }

                _w.Line();
            }

            private void WriteBackwardMethod()
            {
                _w.Line("/// <summary>");
                _w.Line("/// Runs one sample forward, then back-propagates its loss and adds dLoss/dp into <see cref=\"Gradients\"/>.");
                _w.Line("/// </summary>");
                _w.Line("/// <param name=\"input\">The sample, <see cref=\"InputSize\"/> values.</param>");
                _w.Line("/// <param name=\"target\">The expected output, <see cref=\"OutputSize\"/> values.</param>");
                _w.Line("/// <returns>The sample's loss: " + Describe.Loss(_model.Loss) + ".</returns>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
                Generated();
                using (_w.Block($"public float Backward({ReadOnlySpan} input, {ReadOnlySpan} target)"))
                {
                    CheckLength("input", "InputSize");
                    CheckLength("target", "OutputSize");
                    MarkGradients(true);
                    _w.Line("return BackwardSample(ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(target));");
                }

                _w.Line();
            }

            private void WriteZeroGradientsMethod()
            {
                _w.Line("/// <summary>Sets every gradient to zero.</summary>");
                Generated();
                using (_w.Block("public void ZeroGradients()"))
                {
                    _w.Line("global::System.Array.Clear(_gradients, 0, ParameterCount);");
                    MarkGradients(false);
                }

                _w.Line();
            }

            private void WriteStepMethod()
            {
                _w.Line("/// <summary>");
                _w.Line("/// Applies one optimizer update from <see cref=\"Gradients\"/> as they stand, then zeroes them.");
                _w.Line("/// " + Describe.Optimizer(_model.Optimizer) + ".");
                _w.Line("/// </summary>");
                _w.Line("/// <param name=\"learningRate\">The step size lr, finite and 0 or more.</param>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is negative, infinite or NaN.</exception>");
                Generated();
                using (_w.Block("public void Step(float learningRate)"))
                {
                    CheckLearningRate();
                    _w.Line("ApplyOptimizer(learningRate, 1f);");
                }

                _w.Line();
            }

            private void WriteTrainBatchMethod()
            {
                _w.Line("/// <summary>");
                _w.Line("/// Trains on n samples: one update on their mean gradient. The same, up to float rounding, as");
                _w.Line("/// <see cref=\"ZeroGradients\"/>, <see cref=\"Backward\"/> on each sample, scaling by 1/n, then <see cref=\"Step\"/>.");
                _w.Line("/// </summary>");
                _w.Line("/// <remarks>");
                _w.Line(UpdatesInPlace
                    ? "/// One sample is back-propagated with the SGD update applied inside the backward pass; a batch of"
                    : "/// One sample is back-propagated on its own; a batch of");
                _w.Line("/// <c>MatrixProductBatch</c> or more goes through matrix products over all its samples at once.");
                _w.Line("/// </remarks>");
                _w.Line("/// <param name=\"inputs\">n samples of <see cref=\"InputSize\"/> values each, row after row (n at least 1).</param>");
                _w.Line("/// <param name=\"targets\">n expected outputs of <see cref=\"OutputSize\"/> values each, row after row.</param>");
                _w.Line("/// <param name=\"learningRate\">The step size lr, finite and 0 or more.</param>");
                _w.Line("/// <returns>The mean loss of the n samples, before the update.</returns>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not fit n samples, or n is 0.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is negative, infinite or NaN.</exception>");
                Generated();
                using (_w.Block($"public float TrainBatch({ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
                {
                    WriteBatchChecks();
                    _w.Line("ref float x = ref MemoryMarshal.GetReference(inputs);");
                    _w.Line("ref float t = ref MemoryMarshal.GetReference(targets);");
                    if (UpdatesInPlace)
                    {
                        _w.Line("// the fused SGD paths leave _gradients untouched, and TrainBatch leaves them zero");
                        using (_w.Block("if (_gradientsMayBeNonZero)"))
                        {
                            _w.Line("ZeroGradients();");
                        }

                        _w.Line();
                        using (_w.Block("if (count == 1)"))
                        {
                            _w.Line("return TrainSample(ref x, ref t, learningRate);");
                        }

                        _w.Line();
                        using (_w.Block("if (count >= MatrixProductBatch)"))
                        {
                            _w.Line("EnsureBatchCapacity(count);");
                            _w.Line("double sum = TrainBatchProducts(inputs, targets, count, learningRate);");
                            _w.Line("_stepCount++;");
                            _w.Line("return (float)(sum / count);");
                        }
                    }
                    else
                    {
                        using (_w.Block("if (count >= MatrixProductBatch)"))
                        {
                            _w.Line("EnsureBatchCapacity(count);");
                            _w.Line("double sum = GradientBatchProducts(inputs, targets, count);");
                            _w.Line("ApplyOptimizer(learningRate, 1f);");
                            _w.Line("return (float)(sum / count);");
                        }
                    }

                    _w.Line();
                    _w.Line("// a few samples: back-propagate each, then one update on the mean gradient g = (1/n) sum of theirs");
                    _w.Line("ZeroGradients();");
                    _w.Line("double loss = 0;");
                    using (_w.Block("for (int s = 0; s < count; s++)"))
                    {
                        _w.Line("loss += BackwardSample(ref Unsafe.Add(ref x, s * InputSize), ref Unsafe.Add(ref t, s * OutputSize));");
                    }

                    _w.Line();
                    _w.Line("ApplyOptimizer(learningRate, 1f / count);");
                    _w.Line("return (float)(loss / count);");
                }

                _w.Line();
            }

            private void WriteTrainSequentialMethod()
            {
                _w.Line("/// <summary>");
                _w.Line("/// Per-sample training over n samples in order: one update per sample, the same as <see cref=\"TrainBatch\"/>");
                _w.Line("/// on each sample in turn" + (UpdatesInPlace ? ", bit for bit. The first layer's update of each sample shares its pass over" : "."));
                if (UpdatesInPlace)
                {
                    _w.Line("/// W1 with the next sample's forward pass, which halves the memory traffic of the largest layer.");
                }

                _w.Line("/// </summary>");
                _w.Line("/// <param name=\"inputs\">n samples of <see cref=\"InputSize\"/> values each, row after row (n at least 1).</param>");
                _w.Line("/// <param name=\"targets\">n expected outputs of <see cref=\"OutputSize\"/> values each, row after row.</param>");
                _w.Line("/// <param name=\"learningRate\">The step size lr, finite and 0 or more.</param>");
                _w.Line("/// <returns>The mean of the samples' losses, each measured before its own update.</returns>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not fit n samples, or n is 0.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is negative, infinite or NaN.</exception>");
                Generated();
                using (_w.Block($"public float TrainSequential({ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
                {
                    WriteBatchChecks();
                    _w.Line("ref float x = ref MemoryMarshal.GetReference(inputs);");
                    _w.Line("ref float t = ref MemoryMarshal.GetReference(targets);");
                    if (UpdatesInPlace)
                    {
                        using (_w.Block("if (_gradientsMayBeNonZero)"))
                        {
                            _w.Line("ZeroGradients();");
                        }

                        _w.Line();
                        _w.Line("return (float)(TrainSequence(ref x, ref t, count, learningRate) / count);");
                    }
                    else
                    {
                        _w.Line("double loss = 0;");
                        using (_w.Block("for (int s = 0; s < count; s++)"))
                        {
                            _w.Line("ZeroGradients();");
                            _w.Line("loss += BackwardSample(ref Unsafe.Add(ref x, s * InputSize), ref Unsafe.Add(ref t, s * OutputSize));");
                            _w.Line("ApplyOptimizer(learningRate, 1f);");
                        }

                        _w.Line();
                        _w.Line("return (float)(loss / count);");
                    }
                }

                _w.Line();
            }

            /// <summary>Records whether _gradients may hold non-zero values; only the fused SGD paths need to know.</summary>
            private void MarkGradients(bool mayBeNonZero)
            {
                if (UpdatesInPlace)
                {
                    _w.Line($"_gradientsMayBeNonZero = {(mayBeNonZero ? "true" : "false")};");
                }
            }

            /// <summary>The argument checks TrainBatch and TrainSequential share; declares <c>count</c>.</summary>
            private void WriteBatchChecks()
            {
                _w.Line("int count = SampleCount(inputs, targets, OutputSize, nameof(targets));");
                using (_w.Block("if (count == 0)"))
                {
                    _w.Line($"{Helpers}.ThrowEmptyBatch(nameof({ClassName}), nameof(inputs), InputSize);");
                }

                _w.Line();
                CheckLearningRate();
            }

            private void WriteSampleCountHelper()
            {
                _w.Line("/// <summary>Number of samples in <paramref name=\"inputs\"/>, checking that both spans hold whole rows of it.</summary>");
                Generated();
                using (_w.Block($"private static int SampleCount({ReadOnlySpan} inputs, global::System.ReadOnlySpan<float> rows, int rowSize, string rowsName)"))
                {
                    _w.Line("int count = inputs.Length / InputSize;");
                    using (_w.Block("if (count * InputSize != inputs.Length)"))
                    {
                        _w.Line($"{Helpers}.ThrowLengthMismatch(nameof({ClassName}), nameof(inputs), \"a multiple of InputSize = \" + InputSize, inputs.Length);");
                    }

                    _w.Line();
                    using (_w.Block("if (rows.Length != count * rowSize)"))
                    {
                        _w.Line($"{Helpers}.ThrowLengthMismatch(nameof({ClassName}), rowsName, count + \" rows of \" + rowSize + \" values for the \" + count + \" samples in inputs\", rows.Length);");
                    }

                    _w.Line();
                    _w.Line("return count;");
                }

                _w.Line();
            }

            private void CheckLength(string parameter, string sizeConstant)
            {
                using (_w.Block($"if ({parameter}.Length != {sizeConstant})"))
                {
                    _w.Line($"{Helpers}.ThrowLengthMismatch(nameof({ClassName}), nameof({parameter}), \"{sizeConstant} = \" + {sizeConstant}, {parameter}.Length);");
                }

                _w.Line();
            }

            private void CheckLearningRate()
            {
                using (_w.Block("if (!(learningRate >= 0f) || float.IsPositiveInfinity(learningRate))"))
                {
                    _w.Line($"{Helpers}.ThrowOutOfRange(nameof(learningRate), learningRate, \"finite and 0 or more\");");
                }

                _w.Line();
            }

            private void WriteInterfaceMembers()
            {
                _w.Line("// INetwork: the sizes are constants of this class, so the interface reads them explicitly.");
                Generated();
                _w.Line("global::NetGen.NetworkInfo global::NetGen.INetwork.Info => Info;");
                Generated();
                _w.Line("int global::NetGen.INetwork.InputSize => InputSize;");
                Generated();
                _w.Line("int global::NetGen.INetwork.OutputSize => OutputSize;");
                Generated();
                _w.Line("int global::NetGen.INetwork.ParameterCount => ParameterCount;");
            }
        }
    }
}
