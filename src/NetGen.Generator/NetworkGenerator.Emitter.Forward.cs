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
                _w.Line("/// <summary>");
                _w.Line("/// Runs one sample through every layer, leaving each layer's activations in _a1.._a" + Last.Number + " for the backward pass.");
                _w.Line("/// With <paramref name=\"share\"/> (inference), large layers share their rows with awake helper threads; training");
                _w.Line("/// does not, since its backward pass then writes every row of W on this thread and the rows would move between caches.");
                _w.Line("/// </summary>");
                Generated();
                using (_w.Block("private void ForwardSample(ref float input, bool share)"))
                {
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    foreach (DenseLayerModel layer in _model.Layers)
                    {
                        WriteLayerForwardCall(layer, LayerInput(layer), share: true);
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
            /// <param name="layer">The layer.</param>
            /// <param name="input">The ref expression of its input x.</param>
            /// <param name="share">Whether to emit the shared path, taken when the <c>share</c> argument of ForwardSample is true.</param>
            private void WriteLayerForwardCall(DenseLayerModel layer, string input, bool share)
            {
                int n = layer.Number;
                _w.Line($"// layer {n}: z = W{n} x + b{n}" + (layer.Activation == ActivationKind.Identity ? string.Empty : $", a{n} = {Describe.Activation(layer)}(z)"));
                string? threads = share && SplitsSample(layer) ? $"share ? global::NetGen.Threading.WorkerPool.ThreadsForSample((long)Layer{n}Inputs * Layer{n}Units) : 1" : null;
                WriteLayerProductCall(layer, input, threads);
                WriteActivationCall(layer, PreActivationBuffer(layer), $"_a{n}", "1");
            }

            /// <summary>
            /// z = W x + b for one sample, on the calling thread or, when <paramref name="threads"/> (an expression
            /// for the number of threads, or null for one) says so, shared between threads by rows of W.
            /// </summary>
            private void WriteLayerProductCall(DenseLayerModel layer, string input, string? threads)
            {
                int n = layer.Number;
                string call = $"Layer{n}Forward(ref Unsafe.Add(ref p, Layer{n}Weights), ref Unsafe.Add(ref p, Layer{n}Biases), ref {input}, ref {Ref(PreActivationBuffer(layer))}, Layer{n}Units);";
                if (threads is null)
                {
                    _w.Line(call);
                    return;
                }

                _w.Line($"int parts{n} = {threads};");
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
