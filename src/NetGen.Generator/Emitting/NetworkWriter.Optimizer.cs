using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting;

internal sealed partial class NetworkWriter
{
    /// <summary>One optimizer update over every parameter, from the gradients scaled to the batch mean.</summary>
    private void WriteOptimizer()
    {
        OptimizerModel o = Model.Optimizer;
        string bits = _plan.VectorBits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _w.Line("/// <summary>");
        _w.Line("/// One optimizer update from the gradients scaled by <paramref name=\"gradientScale\"/> (1/n for a batch of n), then zeroes them.");
        _w.Line("/// " + Describe.Optimizer(o) + ".");
        _w.Line("/// </summary>");
        Generated();
        using (_w.Block("private void ApplyOptimizer(float learningRate, float gradientScale)"))
        {
            switch (o.Kind)
            {
                case OptimizerKind.Momentum:
                    _w.Line($"{Names.StepCount}++;");
                    Comment($"g = dE/dp{(o.WeightDecay == 0f ? string.Empty : " + wd p")}; v = {Literals.FloatProse(o.Momentum)} v + g; p -= lr v");
                    _w.Line($"{Names.ParameterUpdate}.Momentum({Names.Parameters}, {Names.Gradients}, {Names.OptimizerState}, learningRate, gradientScale, {Names.Momentum}, {Names.WeightDecay}, vectorBits: {bits});");
                    break;
                case OptimizerKind.Adam:
                    _w.Line($"long t = ++{Names.StepCount};");
                    Comment("bias corrections 1 - beta^t, computed in double");
                    _w.Line($"float correction1 = (float)(1.0 - global::System.Math.Pow({Names.Beta1}, t));");
                    _w.Line($"float correction2 = (float)(1.0 - global::System.Math.Pow({Names.Beta2}, t));");
                    Comment($"m = {Literals.FloatProse(o.Beta1)} m + (1 - {Literals.FloatProse(o.Beta1)}) g; v = {Literals.FloatProse(o.Beta2)} v + (1 - {Literals.FloatProse(o.Beta2)}) g^2; p -= lr (m / correction1) / (sqrt(v / correction2) + {Literals.FloatProse(o.Epsilon)})" +
                        (o.WeightDecay == 0f ? string.Empty : $", after p -= lr {Literals.FloatProse(o.WeightDecay)} p (AdamW)"));
                    _w.Line($"global::System.Span<float> moments = {Names.OptimizerState};");
                    _w.Line($"{Names.ParameterUpdate}.Adam({Names.Parameters}, {Names.Gradients}, moments.Slice(0, {Names.ParameterCount}), moments.Slice({Names.ParameterCount}), learningRate, gradientScale, {Names.Beta1}, {Names.Beta2}, {Names.Epsilon}, {Names.WeightDecay}, correction1, correction2, vectorBits: {bits});");
                    break;
                default:
                    _w.Line($"{Names.StepCount}++;");
                    Comment(o.WeightDecay == 0f ? "p -= lr g" : $"p -= lr (g + {Literals.FloatProse(o.WeightDecay)} p)");
                    _w.Line($"{Names.ParameterUpdate}.Sgd({Names.Parameters}, {Names.Gradients}, learningRate, gradientScale, {Names.WeightDecay}, vectorBits: {bits});");
                    break;
            }

            MarkGradients(false);
        }

        _w.Line();
    }
}
