using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class ClassWriter
        {
            /// <summary>Writes BackwardSample, OutputLoss and one LayerNBackward method per dense layer.</summary>
            private void WriteBackwardPass()
            {
                _w.Line("/// <summary>Runs one sample forward and back: adds its dE/dp into _gradients and returns its loss.</summary>");
                Generated();
                using (_w.Block($"private float BackwardSample({ReadOnlySpan} input, {ReadOnlySpan} target)"))
                {
                    _w.Line("ForwardSample(input);");
                    _w.Line("float loss = OutputLoss(target);");
                    for (int i = _model.Layers.Count - 1; i >= 0; i--)
                    {
                        DenseLayerModel layer = _model.Layers[i];
                        _w.Line($"Layer{layer.Number}Backward({LayerInput(layer)});");
                    }

                    _w.Line("return loss;");
                }

                _w.Line();
                WriteOutputLoss();
                for (int i = _model.Layers.Count - 1; i >= 0; i--)
                {
                    WriteLayerBackward(_model.Layers[i]);
                }
            }

            private void WriteOutputLoss()
            {
                int n = Last.Number;
                _w.Line($"/// <summary>The loss of one sample, {Describe.Loss(_model.Loss)}; sets _delta{n} = dE/dz{n}.</summary>");
                Generated();
                using (_w.Block($"private float OutputLoss({ReadOnlySpan} target)"))
                {
                    _w.Line($"{ReadOnlySpan} y = _a{n};");
                    _w.Line($"{Span} delta = _delta{n};");
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
                _w.Line($"{ReadOnlySpan} z = _z{n};");
                _w.Line();
                _w.Line("// ln y_j = z_j - (max z + ln sum_k e^(z_k - max z)): exact even where y_j underflows to 0");
                _w.Line("float max = z[0];");
                using (_w.Block($"for (int j = 1; j < Layer{n}Units; j++)"))
                {
                    _w.Line($"max = {MathF}.Max(max, z[j]);");
                }

                _w.Line();
                _w.Line("float sum = 0f;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line($"sum += {MathF}.Exp(z[j] - max);");
                }

                _w.Line();
                _w.Line($"float logSumExp = max + {MathF}.Log(sum);");
                _w.Line("float loss = 0f;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line("// E = -sum t_j ln y_j; fused with softmax: dE/dz_j = y_j - t_j");
                    using (_w.Block("if (target[j] != 0f)"))
                    {
                        _w.Line("loss -= target[j] * (z[j] - logSumExp);");
                    }

                    _w.Line();
                    _w.Line("delta[j] = y[j] - target[j];");
                }

                _w.Line();
                _w.Line("return loss;");
            }

            private void WriteBinaryCrossEntropy()
            {
                int n = Last.Number;
                _w.Line($"{ReadOnlySpan} z = _z{n};");
                _w.Line();
                _w.Line("float loss = 0f;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line("// E_j = -[t ln y + (1 - t) ln(1 - y)] with y = sigmoid(z), written stably as max(z, 0) - z t + ln(1 + e^-|z|)");
                    _w.Line($"loss += {MathF}.Max(z[j], 0f) - z[j] * target[j] + {MathF}.Log(1f + {MathF}.Exp(-{MathF}.Abs(z[j])));");
                    _w.Line("// fused with the sigmoid: dE/dz_j = y_j - t_j");
                    _w.Line("delta[j] = y[j] - target[j];");
                }

                _w.Line();
                _w.Line("return loss;");
            }

            private void WriteSquaredError()
            {
                int n = Last.Number;
                _w.Line();
                _w.Line("float loss = 0f;");
                if (Last.Activation == ActivationKind.Softmax)
                {
                    _w.Line("float dot = 0f;");
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line("// E = 1/2 sum (y - t)^2, dE/dy = y - t");
                        _w.Line("float error = y[j] - target[j];");
                        _w.Line("loss += error * error;");
                        _w.Line("delta[j] = error;");
                        _w.Line("dot += error * y[j];");
                    }

                    _w.Line();
                    _w.Line("// through the softmax's Jacobian: dE/dz_j = y_j (dE/dy_j - sum_k dE/dy_k y_k)");
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line("delta[j] = y[j] * (delta[j] - dot);");
                    }
                }
                else
                {
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line("// E = 1/2 sum (y - t)^2, dE/dy = y - t" + (Last.Activation == ActivationKind.Identity ? " = dE/dz" : $", dE/dz = dE/dy {Describe.Activation(Last)}'(z), {Describe.Activation(Last)}' = {Describe.DerivativeFormula(Last)}"));
                        _w.Line("float error = y[j] - target[j];");
                        _w.Line("loss += error * error;");
                        _w.Line("delta[j] = " + ScaleByDerivative(Last, "error", "y[j]") + ";");
                    }
                }

                _w.Line();
                _w.Line("return 0.5f * loss;");
            }

            /// <summary>The expression <paramref name="gradient"/> times act'(z), where act' is written in terms of the activation's output a.</summary>
            private static string ScaleByDerivative(DenseLayerModel layer, string gradient, string a) => layer.Activation switch
            {
                ActivationKind.ReLU => $"{a} > 0f ? {gradient} : 0f",
                ActivationKind.LeakyReLU => $"{a} > 0f ? {gradient} : {Literals.Float(layer.Alpha)} * {gradient}",
                ActivationKind.Sigmoid => $"{gradient} * {a} * (1f - {a})",
                ActivationKind.Tanh => $"{gradient} * (1f - {a} * {a})",
                _ => gradient,
            };

            private void WriteLayerBackward(DenseLayerModel layer)
            {
                int n = layer.Number;
                bool first = n == 1;
                string sendBack = first ? " dE/dx is not needed for the first layer." : $" dE/dz{n - 1} = (W{n}^T dE/dz{n}) {PreviousDerivativeProse(layer)}.";
                _w.Line($"/// <summary>Dense layer {n} backward: dE/dW{n} += dE/dz{n} x^T, dE/db{n} += dE/dz{n}.{sendBack}</summary>");
                Generated();
                using (_w.Block($"private void Layer{n}Backward({ReadOnlySpan} x)"))
                {
                    _w.Line($"{ReadOnlySpan} delta = _delta{n};");
                    _w.Line($"{Span} dw = new {Span}(_gradients, Layer{n}Weights, Layer{n}Units * Layer{n}Inputs);");
                    _w.Line($"{Span} db = new {Span}(_gradients, Layer{n}Biases, Layer{n}Units);");
                    if (!first)
                    {
                        _w.Line($"{ReadOnlySpan} w = new {ReadOnlySpan}(_parameters, Layer{n}Weights, Layer{n}Units * Layer{n}Inputs);");
                        _w.Line($"{Span} dx = _delta{n - 1};");
                        _w.Line("dx.Clear();");
                    }

                    _w.Line();
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line("float d = delta[j];");
                        _w.Line($"// dE/db{n}_j += dE/dz{n}_j");
                        _w.Line("db[j] += d;");
                        _w.Line($"{Span} dwRow = dw.Slice(j * Layer{n}Inputs, Layer{n}Inputs);");
                        if (!first)
                        {
                            _w.Line($"{ReadOnlySpan} row = w.Slice(j * Layer{n}Inputs, Layer{n}Inputs);");
                        }

                        using (_w.Block($"for (int i = 0; i < Layer{n}Inputs; i++)"))
                        {
                            _w.Line($"// dE/dW{n}[j, i] += dE/dz{n}_j x_i");
                            _w.Line("dwRow[i] += d * x[i];");
                            if (!first)
                            {
                                _w.Line($"// dE/dx_i += W{n}[j, i] dE/dz{n}_j");
                                _w.Line("dx[i] += row[i] * d;");
                            }
                        }
                    }

                    if (!first)
                    {
                        WritePreviousDerivative(_model.Layers[n - 2]);
                    }
                }

                _w.Line();
            }

            private string PreviousDerivativeProse(DenseLayerModel layer)
            {
                DenseLayerModel previous = _model.Layers[layer.Number - 2];
                return previous.Activation == ActivationKind.Identity
                    ? "(identity activation)"
                    : $"* {Describe.Activation(previous)}'(z{previous.Number})";
            }

            /// <summary>Turns dE/da of the previous layer into its dE/dz, in place: dE/dz = dE/da * act'(z).</summary>
            private void WritePreviousDerivative(DenseLayerModel previous)
            {
                if (previous.Activation == ActivationKind.Identity)
                {
                    return;
                }

                int p = previous.Number;
                _w.Line();
                _w.Line($"// dE/dz{p} = dE/da{p} * {Describe.Activation(previous)}'(z{p}), with {Describe.Activation(previous)}' = {Describe.DerivativeFormula(previous)} in terms of a{p}");
                _w.Line($"{ReadOnlySpan} a = _a{p};");
                using (_w.Block($"for (int i = 0; i < Layer{p}Units; i++)"))
                {
                    _w.Line("dx[i] = " + ScaleByDerivative(previous, "dx[i]", "a[i]") + ";");
                }
            }
        }
    }
}
