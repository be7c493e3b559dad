using System;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class ClassWriter
        {
            private const string AggressiveInlining = "[MethodImpl(MethodImplOptions.AggressiveInlining)]";

            /// <summary>
            /// Hot kernels are compiled fully optimised on first call rather than starting at tier 0 and
            /// being patched mid-loop (on-stack replacement): the first epoch runs at full speed.
            /// </summary>
            private const string AggressiveOptimization = "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";

            private bool Fma => _model.FusedMultiplyAdd;

            /// <summary>a * b + c at <paramref name="simd"/>'s width, fused where the target framework offers it.</summary>
            private string MulAdd(Simd simd, string a, string b, string c) => Simd.Fma(simd, Fma, a, b, c);

            /// <summary>
            /// Writes a kernel as a dispatcher and one method per width. The dispatcher tests
            /// <c>IsHardwareAccelerated</c>, which the JIT folds to a constant, so only one branch remains.
            /// </summary>
            private void WriteKernel(string name, string parameters, string arguments, string summary, Action<Simd> body, string returnType = "void")
            {
                string call = returnType == "void" ? string.Empty : "return ";
                _w.Line($"/// <summary>{summary}</summary>");
                Generated();
                _w.Line(AggressiveInlining);
                using (_w.Block($"private static {returnType} {name}({parameters})"))
                {
                    for (int i = 0; i < Simd.All.Length; i++)
                    {
                        Simd simd = Simd.All[i];
                        if (simd.IsScalar)
                        {
                            using (_w.Block("else"))
                            {
                                _w.Line($"{call}{name}_{simd.Name}({arguments});");
                            }
                        }
                        else
                        {
                            using (_w.Block($"{(i == 0 ? "if" : "else if")} ({simd.Name}.IsHardwareAccelerated)"))
                            {
                                _w.Line($"{call}{name}_{simd.Name}({arguments});");
                            }
                        }
                    }
                }

                _w.Line();
                foreach (Simd simd in Simd.All)
                {
                    _w.Line($"/// <summary>{summary} {(simd.IsScalar ? "Scalar code, for machines without SIMD." : $"{simd.Name}: {simd.Lanes} floats at a time.")}</summary>");
                    Generated();
                    _w.Line(AggressiveOptimization);
                    using (_w.Block($"private static {returnType} {name}_{simd.Name}({parameters})"))
                    {
                        body(simd);
                    }

                    _w.Line();
                }
            }

            /// <summary>Whether a layer's activation is applied lane by lane in vector code (the others use MathF per value).</summary>
            private static bool IsVectorised(ActivationKind activation) =>
                activation is ActivationKind.Identity or ActivationKind.ReLU or ActivationKind.LeakyReLU;

            /// <summary>act(v) for ReLU and LeakyReLU at a width.</summary>
            private static string ActivateVector(Simd simd, DenseLayerModel layer, string v) => layer.Activation switch
            {
                ActivationKind.ReLU => simd.Max(v, simd.Zero),
                ActivationKind.LeakyReLU => simd.SelectPositive(v, v, $"{v} * {simd.Broadcast(Literals.Float(layer.Alpha))}"),
                _ => v,
            };

            /// <summary>d * act'(z), written with the activation's output a, at a width.</summary>
            private static string TimesDerivative(Simd simd, DenseLayerModel layer, string a, string d) => layer.Activation switch
            {
                ActivationKind.ReLU => simd.SelectPositive(a, d, simd.Zero),
                ActivationKind.LeakyReLU => simd.SelectPositive(a, d, $"{d} * {simd.Broadcast(Literals.Float(layer.Alpha))}"),
                ActivationKind.Sigmoid => $"{d} * {a} * ({simd.One} - {a})",
                ActivationKind.Tanh => $"{d} * ({simd.One} - {a} * {a})",
                _ => d,
            };

            /// <summary>Writes <paramref name="chunk"/> for each chunk covering [0, length): a loop of full vectors, then the exact tail.</summary>
            private void ForEachChunk(Simd simd, int length, string index, Action<Simd, string> chunk)
            {
                ChunkPlan plan = simd.Plan(length);
                if (plan.FullLength > 0)
                {
                    using (_w.Block($"for (int {index} = 0; {index} < {plan.FullLength}; {index} += {simd.Lanes})"))
                    {
                        chunk(simd, index);
                    }
                }

                foreach ((int offset, Simd width) in plan.Tail)
                {
                    using (_w.Block())
                    {
                        chunk(width, Literals.Int(offset));
                    }
                }
            }
        }
    }
}
