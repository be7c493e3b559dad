using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class ClassWriter
        {
            /// <summary>Writes ForwardSample, the one-sample forward pass through the per-layer kernels.</summary>
            private void WriteForwardPass()
            {
                _w.Line("/// <summary>Runs one sample through every layer, leaving each layer's activations in _a1.._a" + Last.Number + " for the backward pass.</summary>");
                Generated();
                using (_w.Block("private void ForwardSample(ref float input)"))
                {
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        WriteLayerForwardCall(layer, LayerInput(layer));
                    }
                }

                _w.Line();
            }

            /// <summary>One layer of the one-sample forward pass: z = W x + b, then the activation.</summary>
            private void WriteLayerForwardCall(DenseLayerModel layer, string input)
            {
                int n = layer.Number;
                string z = PreActivationBuffer(layer);
                _w.Line($"// layer {n}: z = W{n} x + b{n}" + (layer.Activation == ActivationKind.Identity ? string.Empty : $", a{n} = {Describe.Activation(layer)}(z)"));
                _w.Line($"Layer{n}Forward(ref Unsafe.Add(ref p, Layer{n}Weights), ref Unsafe.Add(ref p, Layer{n}Biases), ref {input}, ref {Ref(z)});");
                WriteActivationCall(layer, z, $"_a{n}", "1");
            }

            /// <summary>Applies a layer's activation from the buffer holding z to its activations, when it has one.</summary>
            private void WriteActivationCall(DenseLayerModel layer, string z, string a, string rows)
            {
                if (layer.Activation != ActivationKind.Identity)
                {
                    _w.Line($"Layer{layer.Number}Activation(ref {Ref(z)}, ref {Ref(a)}, {rows});");
                }
            }

            /// <summary>A ref to the first element of an array field.</summary>
            private static string Ref(string array) => $"MemoryMarshal.GetArrayDataReference({array})";

            /// <summary>The ref expression of a layer's input x in the one-sample pass: the sample, or the previous activations.</summary>
            private static string LayerInput(DenseLayerModel layer) =>
                layer.Number == 1 ? "input" : Ref("_a" + (layer.Number - 1));

            /// <summary>Where a layer's forward pass writes z: its activations buffer, except when the loss needs z itself.</summary>
            private string PreActivationBuffer(DenseLayerModel layer) =>
                layer == Last && KeepsOutputPreActivation ? "_z" + layer.Number : "_a" + layer.Number;
        }
    }
}
