using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class ClassWriter
        {
            /// <summary>Writes ForwardSample and one LayerNForward method per dense layer.</summary>
            private void WriteForwardPass()
            {
                _w.Line("/// <summary>Runs one sample through every layer, leaving each layer's activations in _a1.._a" + Last.Number + " for the backward pass.</summary>");
                Generated();
                using (_w.Block($"private void ForwardSample({ReadOnlySpan} input)"))
                {
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        _w.Line($"Layer{layer.Number}Forward({LayerInput(layer)});");
                    }
                }

                _w.Line();
                foreach (DenseLayerModel layer in _model.Layers)
                {
                    WriteLayerForward(layer);
                }
            }

            /// <summary>The expression for a layer's input x: the sample for the first layer, the previous activations otherwise.</summary>
            private static string LayerInput(DenseLayerModel layer) =>
                layer.Number == 1 ? "input" : "_a" + (layer.Number - 1);

            /// <summary>Where a layer's forward pass writes z: the activations buffer, except when the loss needs z itself.</summary>
            private string PreActivationBuffer(DenseLayerModel layer) =>
                layer == Last && KeepsOutputPreActivation ? "_z" + layer.Number : "_a" + layer.Number;

            private void WriteLayerForward(DenseLayerModel layer)
            {
                int n = layer.Number;
                string activation = layer.Activation == ActivationKind.Identity ? string.Empty : $", a{n} = {Describe.Activation(layer)}(z)";
                _w.Line($"/// <summary>Dense layer {n} forward: z = W{n} x + b{n}{activation}. W{n} is [{layer.Units}, {layer.Inputs}].</summary>");
                Generated();
                using (_w.Block($"private void Layer{n}Forward({ReadOnlySpan} x)"))
                {
                    _w.Line($"{ReadOnlySpan} w = new {ReadOnlySpan}(_parameters, Layer{n}Weights, Layer{n}Units * Layer{n}Inputs);");
                    _w.Line($"{ReadOnlySpan} b = new {ReadOnlySpan}(_parameters, Layer{n}Biases, Layer{n}Units);");
                    _w.Line($"{Span} z = {PreActivationBuffer(layer)};");
                    _w.Line();
                    _w.Line($"// z_j = b_j + sum_i W{n}[j, i] x_i: one dot product per unit, over a row of W{n}");
                    using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                    {
                        _w.Line($"{ReadOnlySpan} row = w.Slice(j * Layer{n}Inputs, Layer{n}Inputs);");
                        _w.Line("float dot = 0f;");
                        using (_w.Block($"for (int i = 0; i < Layer{n}Inputs; i++)"))
                        {
                            _w.Line("dot += row[i] * x[i];");
                        }

                        _w.Line();
                        _w.Line("z[j] = dot + b[j];");
                    }

                    WriteActivation(layer, "z", "_a" + n);
                }

                _w.Line();
            }

            /// <summary>Writes a = act(z) for a layer; <paramref name="z"/> and <paramref name="a"/> may name the same buffer.</summary>
            private void WriteActivation(DenseLayerModel layer, string z, string a)
            {
                int n = layer.Number;
                bool inPlace = a == "_a" + n && PreActivationBuffer(layer) == a;
                string target = inPlace ? z : "a";
                if (layer.Activation == ActivationKind.Identity)
                {
                    return;
                }

                _w.Line();
                _w.Line($"// a{n} = {Describe.Activation(layer)}(z) = {Describe.ActivationFormula(layer)}" + (inPlace ? ", in place" : string.Empty));
                if (!inPlace)
                {
                    _w.Line($"{Span} a = {a};");
                }

                if (layer.Activation == ActivationKind.Softmax)
                {
                    WriteSoftmax(layer, z, target);
                    return;
                }

                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line(layer.Activation switch
                    {
                        ActivationKind.ReLU => $"{target}[j] = {MathF}.Max({z}[j], 0f);",
                        ActivationKind.LeakyReLU => $"{target}[j] = {z}[j] > 0f ? {z}[j] : {Literals.Float(layer.Alpha)} * {z}[j];",
                        ActivationKind.Sigmoid => $"{target}[j] = 1f / (1f + {MathF}.Exp(-{z}[j]));",
                        _ => $"{target}[j] = {MathF}.Tanh({z}[j]);",
                    });
                }
            }

            /// <summary>Softmax, numerically stable: subtracting max z leaves the result unchanged and keeps e^z finite.</summary>
            private void WriteSoftmax(DenseLayerModel layer, string z, string a)
            {
                int n = layer.Number;
                _w.Line($"float max = {z}[0];");
                using (_w.Block($"for (int j = 1; j < Layer{n}Units; j++)"))
                {
                    _w.Line($"max = {MathF}.Max(max, {z}[j]);");
                }

                _w.Line();
                _w.Line("float sum = 0f;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line($"{a}[j] = {MathF}.Exp({z}[j] - max);");
                    _w.Line($"sum += {a}[j];");
                }

                _w.Line();
                _w.Line("float scale = 1f / sum;");
                using (_w.Block($"for (int j = 0; j < Layer{n}Units; j++)"))
                {
                    _w.Line($"{a}[j] *= scale;");
                }
            }
        }
    }
}
