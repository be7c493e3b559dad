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
                    _w.Line($"{Span} p = _parameters;");
                    _w.Line($"{Span} g = _gradients;");
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

                _w.Line();
            }

            /// <summary>The gradient of parameter k as the update uses it: scaled to the batch mean, plus L2 decay where it applies.</summary>
            private string Gradient(bool l2) =>
                l2 && HasWeightDecay ? "g[k] * gradientScale + WeightDecay * p[k]" : "g[k] * gradientScale";

            private void WriteSgd()
            {
                _w.Line("_stepCount++;");
                _w.Line();
                using (_w.Block("for (int k = 0; k < ParameterCount; k++)"))
                {
                    _w.Line(HasWeightDecay ? "// p -= lr (g + wd p): L2 weight decay added to the gradient" : "// p -= lr g");
                    _w.Line($"p[k] -= learningRate * ({Gradient(l2: true)});");
                    _w.Line("g[k] = 0f;");
                }
            }

            private void WriteMomentum()
            {
                _w.Line($"{Span} v = _optimizerState;");
                _w.Line("_stepCount++;");
                _w.Line();
                using (_w.Block("for (int k = 0; k < ParameterCount; k++)"))
                {
                    _w.Line(HasWeightDecay ? "// PyTorch's SGD with momentum: g += wd p; v = mu v + g; p -= lr v" : "// PyTorch's SGD with momentum: v = mu v + g; p -= lr v");
                    _w.Line($"v[k] = MomentumFactor * v[k] + ({Gradient(l2: true)});");
                    _w.Line("p[k] -= learningRate * v[k];");
                    _w.Line("g[k] = 0f;");
                }
            }

            private void WriteAdam()
            {
                _w.Line($"{Span} m = new {Span}(_optimizerState, 0, ParameterCount);");
                _w.Line($"{Span} v = new {Span}(_optimizerState, ParameterCount, ParameterCount);");
                _w.Line("long t = ++_stepCount;");
                _w.Line();
                _w.Line("// bias corrections 1 - beta^t, computed in double");
                _w.Line("float correction1 = (float)(1.0 - global::System.Math.Pow(Beta1, t));");
                _w.Line("float correction2 = (float)(1.0 - global::System.Math.Pow(Beta2, t));");
                if (HasWeightDecay)
                {
                    _w.Line("// decoupled weight decay (AdamW): p -= lr wd p, before the Adam step");
                    _w.Line("float decay = 1f - learningRate * WeightDecay;");
                }

                _w.Line();
                using (_w.Block("for (int k = 0; k < ParameterCount; k++)"))
                {
                    _w.Line($"float gk = {Gradient(l2: false)};");
                    _w.Line("// m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2");
                    _w.Line("m[k] = Beta1 * m[k] + (1f - Beta1) * gk;");
                    _w.Line("v[k] = Beta2 * v[k] + (1f - Beta2) * gk * gk;");
                    _w.Line("// p -= lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)");
                    _w.Line("float mHat = m[k] / correction1;");
                    _w.Line("float vHat = v[k] / correction2;");
                    _w.Line((HasWeightDecay ? "p[k] = p[k] * decay" : "p[k] = p[k]") + $" - learningRate * mHat / ({MathF}.Sqrt(vHat) + Epsilon);");
                    _w.Line("g[k] = 0f;");
                }
            }
        }
    }
}
