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

            /// <summary>
            /// Layers with at least this many weights have a one-sample forward phase that threads can share:
            /// below it, handing half the rows to another core cannot pay for the hand-over.
            /// </summary>
            private const long SampleSplitMinimum = 8192;

            /// <summary>Whether the layer's one-sample forward product may be split between threads (rows of W).</summary>
            private static bool SplitsSample(DenseLayerModel layer) => (long)layer.Inputs * layer.Units >= SampleSplitMinimum;

            /// <summary>One layer of the one-sample forward pass: z = W x + b, then the activation.</summary>
            private void WriteLayerForwardCall(DenseLayerModel layer, string input)
            {
                int n = layer.Number;
                string z = PreActivationBuffer(layer);
                _w.Line($"// layer {n}: z = W{n} x + b{n}" + (layer.Activation == ActivationKind.Identity ? string.Empty : $", a{n} = {Describe.Activation(layer)}(z)"));
                string call = $"Layer{n}Forward(ref Unsafe.Add(ref p, Layer{n}Weights), ref Unsafe.Add(ref p, Layer{n}Biases), ref {input}, ref {Ref(z)}, Layer{n}Units);";
                if (SplitsSample(layer))
                {
                    _w.Line($"int parts{n} = global::NetGen.Threading.WorkerPool.ThreadsForSample((long)Layer{n}Inputs * Layer{n}Units);");
                    using (_w.Block($"if (parts{n} > 1)"))
                    {
                        _w.Line($"// the rows of W{n} shared between threads, each streaming its share from its own core's cache");
                        _w.Line($"_phase = ForwardSampleLayer{n};");
                        string pinned = n == 1 ? $"MemoryMarshal.CreateReadOnlySpan(ref {input}, Layer1Inputs)" : "default";
                        _w.Line($"global::NetGen.Threading.WorkerPool.Run(this, parts{n}, {pinned}, default);");
                    }

                    using (_w.Block("else"))
                    {
                        _w.Line(call);
                    }
                }
                else
                {
                    _w.Line(call);
                }

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
