using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class ClassWriter
        {
            private bool HasWeightDecay => _model.Optimizer.WeightDecay != 0f;

            /// <summary>The optimizer's hyper-parameters, as declared on [Network], become constants the JIT folds.</summary>
            private void WriteHyperParameters()
            {
                OptimizerModel o = _model.Optimizer;
                _w.Line("// Optimizer hyper-parameters from [Network(...)].");
                switch (o.Kind)
                {
                    case OptimizerKind.Momentum:
                        _w.Line($"private const float MomentumFactor = {Literals.Float(o.Momentum)};");
                        break;
                    case OptimizerKind.Adam:
                        _w.Line($"private const float Beta1 = {Literals.Float(o.Beta1)};");
                        _w.Line($"private const float Beta2 = {Literals.Float(o.Beta2)};");
                        _w.Line($"private const float Epsilon = {Literals.Float(o.Epsilon)};");
                        break;
                }

                _w.Line($"private const float WeightDecay = {Literals.Float(o.WeightDecay)};");
                _w.Line();
            }

            private void WriteOptimizer()
            {
                OptimizerModel o = _model.Optimizer;
                _w.Line("/// <summary>");
                _w.Line("/// One optimizer update from _gradients scaled by <paramref name=\"gradientScale\"/> (1/n for a batch of n), then zeroes them.");
                _w.Line("/// " + Describe.Optimizer(o) + ".");
                _w.Line("/// </summary>");
                Generated();
                using (_w.Block("private void ApplyOptimizer(float learningRate, float gradientScale)"))
                {
                    _w.Line("ref float p = ref MemoryMarshal.GetArrayDataReference(_parameters);");
                    _w.Line("ref float g = ref MemoryMarshal.GetArrayDataReference(_gradients);");
                    switch (o.Kind)
                    {
                        case OptimizerKind.Momentum:
                            _w.Line("_stepCount++;");
                            _w.Line("MomentumStep(ref p, ref g, ref MemoryMarshal.GetArrayDataReference(_optimizerState), learningRate, gradientScale);");
                            break;
                        case OptimizerKind.Adam:
                            _w.Line("long t = ++_stepCount;");
                            _w.Line("// bias corrections 1 - beta^t, computed in double");
                            _w.Line("float correction1 = (float)(1.0 - global::System.Math.Pow(Beta1, t));");
                            _w.Line("float correction2 = (float)(1.0 - global::System.Math.Pow(Beta2, t));");
                            _w.Line("ref float m = ref MemoryMarshal.GetArrayDataReference(_optimizerState);");
                            _w.Line("AdamStep(ref p, ref g, ref m, ref Unsafe.Add(ref m, ParameterCount), learningRate, gradientScale, correction1, correction2);");
                            break;
                        default:
                            _w.Line("_stepCount++;");
                            _w.Line("SgdStep(ref p, ref g, learningRate, gradientScale);");
                            break;
                    }

                    MarkGradients(false);
                }

                _w.Line();
                switch (o.Kind)
                {
                    case OptimizerKind.Momentum:
                        WriteMomentum();
                        break;
                    case OptimizerKind.Adam:
                        WriteAdam();
                        break;
                    default:
                        WriteSgd();
                        break;
                }
            }

            /// <summary>The gradient of a chunk as the update uses it: scaled to the batch mean, plus L2 decay where it applies.</summary>
            private string Gradient(Simd width, string k, bool l2) =>
                $"{width.Load("g", k)} * {width.Broadcast("gradientScale")}" +
                (l2 && HasWeightDecay ? $" + {width.Broadcast("WeightDecay")} * {width.Load("p", k)}" : string.Empty);

            private void WriteSgd() => WriteKernel(
                "SgdStep",
                "ref float p, ref float g, float learningRate, float gradientScale",
                "ref p, ref g, learningRate, gradientScale",
                HasWeightDecay ? "SGD with L2 weight decay: p -= lr (g + wd p); then g = 0." : "SGD: p -= lr g; then g = 0.",
                simd => ForEachChunk(simd, _model.ParameterCount, "k", (width, k) =>
                {
                    _w.Line($"var gk = {Gradient(width, k, l2: true)};");
                    _w.Line(width.Store($"{width.Load("p", k)} - {width.Broadcast("learningRate")} * gk", "p", k));
                    _w.Line(width.Store(width.Zero, "g", k));
                }));

            private void WriteMomentum() => WriteKernel(
                "MomentumStep",
                "ref float p, ref float g, ref float v, float learningRate, float gradientScale",
                "ref p, ref g, ref v, learningRate, gradientScale",
                "PyTorch's SGD with momentum: " + (HasWeightDecay ? "g += wd p; " : string.Empty) + "v = mu v + g; p -= lr v; then g = 0.",
                simd => ForEachChunk(simd, _model.ParameterCount, "k", (width, k) =>
                {
                    _w.Line($"var vk = {width.Broadcast("MomentumFactor")} * {width.Load("v", k)} + ({Gradient(width, k, l2: true)});");
                    _w.Line(width.Store("vk", "v", k));
                    _w.Line(width.Store($"{width.Load("p", k)} - {width.Broadcast("learningRate")} * vk", "p", k));
                    _w.Line(width.Store(width.Zero, "g", k));
                }));

            private void WriteAdam() => WriteKernel(
                "AdamStep",
                "ref float p, ref float g, ref float m, ref float v, float learningRate, float gradientScale, float correction1, float correction2",
                "ref p, ref g, ref m, ref v, learningRate, gradientScale, correction1, correction2",
                (HasWeightDecay ? "AdamW: p -= lr wd p (decoupled weight decay); then " : "Adam: ") +
                "m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2; p -= lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t); then g = 0.",
                simd =>
                {
                    if (HasWeightDecay)
                    {
                        _w.Line("float decay = 1f - learningRate * WeightDecay;");
                    }

                    ForEachChunk(simd, _model.ParameterCount, "k", (width, k) =>
                    {
                        _w.Line($"var gk = {Gradient(width, k, l2: false)};");
                        _w.Line($"var mk = {width.Broadcast("Beta1")} * {width.Load("m", k)} + {width.Broadcast("1f - Beta1")} * gk;");
                        _w.Line($"var vk = {width.Broadcast("Beta2")} * {width.Load("v", k)} + {width.Broadcast("1f - Beta2")} * gk * gk;");
                        _w.Line(width.Store("mk", "m", k));
                        _w.Line(width.Store("vk", "v", k));
                        string sqrt = width.IsScalar ? "MathF.Sqrt" : $"{width.Name}.Sqrt";
                        string p = HasWeightDecay ? $"{width.Load("p", k)} * {width.Broadcast("decay")}" : width.Load("p", k);
                        _w.Line(width.Store(
                            $"{p} - {width.Broadcast("learningRate")} * (mk / {width.Broadcast("correction1")}) / ({sqrt}(vk / {width.Broadcast("correction2")}) + {width.Broadcast("Epsilon")})",
                            "p",
                            k));
                        _w.Line(width.Store(width.Zero, "g", k));
                    });
                });

            /// <summary>
            /// Vector128 code also runs on x86 machines without FMA (where Vector128.FusedMultiplyAdd would be
            /// emulated slowly): this helper fuses only where the processor can.
            /// </summary>
            private void WriteMultiplyAddHelper()
            {
                if (!Fma)
                {
                    return;
                }

                const string Vector = "global::System.Runtime.Intrinsics.Vector128<float>";
                _w.Line("/// <summary>a * b + c: fused where the processor has FMA (x86 with FMA3, every Arm64), plain otherwise.</summary>");
                Generated();
                _w.Line(AggressiveInlining);
                _w.Line($"private static {Vector} MultiplyAdd({Vector} a, {Vector} b, {Vector} c) =>");
                using (_w.Indent())
                {
                    _w.Line("global::System.Runtime.Intrinsics.X86.Fma.IsSupported || global::System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported");
                    using (_w.Indent())
                    {
                        _w.Line("? Vector128.FusedMultiplyAdd(a, b, c)");
                        _w.Line(": a * b + c;");
                    }
                }

                _w.Line();
            }
        }
    }
}
