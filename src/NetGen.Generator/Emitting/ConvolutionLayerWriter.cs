using System;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

/// <summary>
/// Writes what is particular to a convolution: its shape struct, its part of <c>Info</c> and of the
/// constructor, and each step of a pass on it as one call to <c>NetGen.Internal.Convolution</c>, with the
/// shapes and the math of the convolution and of its backward pass above.
/// </summary>
internal sealed class ConvolutionLayerWriter(SourceWriter writer, NetworkPlan plan) : LayerWriter(writer, plan)
{
    public override void WriteShape(LayerPlan plan, string attributes)
    {
        var layer = (ConvolutionLayerModel)plan.Layer;
        LayerNames names = Names.Layer(plan);
        W.Line($"/// <summary>Convolution {plan.Number}: {layer.In} → {layer.Out}, {layer.Filters} filters of {layer.In.Channels} × {layer.Kernel} × {layer.Kernel}{Settings(layer)}, {Describe.Activation(layer)}; {Kernel(plan)} [{layer.Filters}, {layer.In.Channels}, {layer.Kernel}, {layer.Kernel}] at {Literals.Grouped(layer.WeightOffset)}, then {names.B} [{layer.Filters}] at {Literals.Grouped(layer.BiasOffset)}.</summary>");
        W.Line(attributes);
        using (W.Block($"private readonly struct {names.Shape} : {Names.ConvolutionLayerInterface}"))
        {
            W.Line($"public static int Channels => {layer.In.Channels};");
            W.Line($"public static int Height => {layer.In.Height};");
            W.Line($"public static int Width => {layer.In.Width};");
            W.Line($"public static int Filters => {layer.Filters};");
            W.Line($"public static int Kernel => {layer.Kernel};");
            W.Line($"public static int Stride => {layer.Stride};");
            W.Line($"public static int Padding => {layer.Padding};");
            W.Line($"public static int OutputHeight => {layer.Out.Height}; // (Height + 2 Padding - Kernel) / Stride + 1");
            W.Line($"public static int OutputWidth => {layer.Out.Width};");
            W.Line("public static int Units => Filters * OutputHeight * OutputWidth;");
            W.Line($"public static int WeightOffset => {WeightOffsetExpression(plan)};");
            W.Line("public static int BiasOffset => WeightOffset + (Filters * Channels * Kernel * Kernel);");
            string loops = layer.Stride > 1 ? $"one value at a time (a stride of {layer.Stride} reads no neighbouring inputs)"
                : plan.VectorBits == 0 ? "scalar code" : $"vectors of up to {plan.VectorBits} bits along each output row";
            Comment($"how the kernels run it: {loops}; {Literals.Grouped(layer.MultiplyAdds)} multiply-adds a sample" + (plan.DecaysWeights ? "; weight decay on every weight" : string.Empty));
            WriteActivationConstants(plan);
            W.Line($"public static bool DecaysWeights => {Bool(plan.DecaysWeights)};");
        }

        W.Line();
    }

    /// <summary>The layer's entry of NetworkInfo.Convolutions.</summary>
    public static string Info(LayerPlan plan)
    {
        var layer = (ConvolutionLayerModel)plan.Layer;
        LayerNames n = Names.Layer(plan);
        string alpha = layer.Activation == ActivationKind.LeakyReLU ? ", " + Literals.Float(layer.Alpha) : string.Empty;
        return $"new global::NetGen.ConvolutionLayerInfo({layer.ModuleIndex}, {layer.In.Channels}, {layer.In.Height}, {layer.In.Width}, {layer.Filters}, {layer.Kernel}, {layer.Stride}, {layer.Padding}, global::NetGen.Activation.{layer.Activation}, {n.WeightOffset}, {n.BiasOffset}{alpha})";
    }

    public override void WriteInitialisation(LayerPlan plan, Action<string> comment)
    {
        var layer = (ConvolutionLayerModel)plan.Layer;
        LayerNames n = Names.Layer(plan);
        WriteUniformWeights(layer, Kernel(plan), $"{n.Shape}.Filters * {n.Shape}.Channels * {n.Shape}.Kernel * {n.Shape}.Kernel", comment);
    }

    public override void WriteStep(Step step, PassContext pass)
    {
        LayerPlan plan = Plan.Layers[step.Layer - 1];
        var layer = (ConvolutionLayerModel)plan.Layer;
        LayerNames n = Names.Layer(plan, Plan);
        string kernels = Names.Kernels(plan);
        string k = Kernel(plan);
        string x = InputSymbol(step.Layer);
        string previous = step.Layer == 1 ? string.Empty : Previous(step.Layer);
        string shapes = $"{layer.In} → {layer.Out}";
        string decay = plan.DecaysWeights ? $", each weight times 1 - lr {Names.WeightDecay} first" : string.Empty;
        switch (step.Kind)
        {
            case StepKind.Forward:
                Comment($"layer {step.Layer}, convolution {shapes}: {n.Z}[f, r, c] = {n.B}[f] + sum over ch, u, v of {k}[f, ch, u, v] {x}[ch, {Tap(layer, "r", "u")}, {Tap(layer, "c", "v")}]{ActivationClause(plan)}");
                W.Line($"{kernels}.Forward({Names.Parameters}, {SampleInput(step.Layer, pass)}, {n.Workspace});");
                break;

            case StepKind.Backward when step.Layer == 1:
                Comment($"layer 1 backward, {shapes}: dE/d{k} += dE/d{n.Z} correlated with x, dE/d{k}[f, ch, u, v] += sum over r, c of dE/d{n.Z}[f, r, c] x[ch, {Tap(layer, "r", "u")}, {Tap(layer, "c", "v")}];");
                Comment($"dE/d{n.B}[f] += sum over r, c of dE/d{n.Z}[f, r, c] (no dE/dx: nothing consumes it)");
                W.Line($"{kernels}.Backward({Names.Gradients}, {pass.Input}, {n.Workspace});");
                break;

            case StepKind.Backward:
                Comment($"layer {step.Layer} backward, {shapes}: dE/d{k} += dE/d{n.Z} correlated with {x}, dE/d{n.B}[f] += sum over r, c of dE/d{n.Z}[f, r, c];");
                Comment($"dE/d{x} = dE/d{n.Z} fully convolved with the flipped {k}: dE/d{x}[ch, i, j] = sum over f, u, v of {k}[f, ch, u, v] dE/d{n.Z}[f, r, c] where {Tap(layer, "r", "u")} = i, {Tap(layer, "c", "v")} = j{Derivative(step.Layer - 1)}");
                W.Line($"{kernels}.Backward({Names.Parameters}, {Names.Gradients}, {previous}, {n.Workspace});");
                break;

            case StepKind.SgdStep when step.Layer == 1:
                Comment($"layer 1, {shapes}: {k} -= lr (dE/d{n.Z} correlated with x), {n.B}[f] -= lr sum over r, c of dE/d{n.Z}[f, r, c]{decay} (no dE/dx: nothing consumes it)");
                W.Line($"{kernels}.SgdStep({Names.Parameters}, {pass.Input}, {n.Workspace}, learningRate, decay: {pass.Decay});");
                break;

            case StepKind.SgdStep:
                Comment($"layer {step.Layer}, {shapes}: dE/d{x} = dE/d{n.Z} fully convolved with the flipped {k}, from {k} before the update{Derivative(step.Layer - 1)};");
                Comment($"then {k} -= lr (dE/d{n.Z} correlated with {x}), {n.B}[f] -= lr sum over r, c of dE/d{n.Z}[f, r, c]{decay}");
                W.Line($"{kernels}.SgdStep({Names.Parameters}, {previous}, {n.Workspace}, learningRate, decay: {pass.Decay});");
                break;

            case StepKind.ForwardBatch:
                Comment($"layer {step.Layer}, convolution {shapes} of every sample: {n.Z.ToUpperInvariant()}[s, f, r, c] = {n.B}[f] + sum over ch, u, v of {k}[f, ch, u, v] {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}[s, ch, {Tap(layer, "r", "u")}, {Tap(layer, "c", "v")}]{ActivationClause(plan, upper: true)}");
                W.Line($"{kernels}.ForwardBatch({Names.Parameters}, {BatchInput(step.Layer, pass)}, {n.Workspace}, rows);");
                break;

            case StepKind.BackwardBatch:
                Comment($"layer {step.Layer}, {shapes}: dE/d{x.ToUpperInvariant()} = dE/d{n.Z.ToUpperInvariant()} fully convolved with the flipped {k}, sample by sample, before {k} changes{Derivative(step.Layer - 1, upper: true)}");
                W.Line($"{kernels}.BackwardBatch({Names.Parameters}, {previous}, {n.Workspace}, rows);");
                break;

            case StepKind.SgdStepBatch:
                Comment($"layer {step.Layer}, {shapes}: {k} -= (lr / rows) sum over the samples of dE/d{n.Z.ToUpperInvariant()} correlated with {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}, {n.B}[f] -= (lr / rows) sum of dE/d{n.Z.ToUpperInvariant()}[s, f, :, :]{decay}");
                W.Line($"{kernels}.SgdStepBatch({Names.Parameters}, {BatchInput(step.Layer, pass)}, {n.Workspace}, rows, learningRate, decay: {pass.Decay});");
                break;

            case StepKind.GradientBatch:
                Comment($"layer {step.Layer}, {shapes}: dE/d{k} = (1 / rows) sum over the samples of dE/d{n.Z.ToUpperInvariant()} correlated with {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}, dE/d{n.B}[f] = (1 / rows) sum of dE/d{n.Z.ToUpperInvariant()}[s, f, :, :]");
                W.Line($"{kernels}.GradientBatch({Names.Gradients}, {BatchInput(step.Layer, pass)}, {n.Workspace}, rows);");
                break;
        }
    }

    /// <summary>The kernel's symbol in the math: K1.</summary>
    private static string Kernel(LayerPlan plan) => "K" + plan.Number;

    private static string Tap(ConvolutionLayerModel layer, string output, string offset) => Tap(layer.Stride, layer.Padding, output, offset);

    private static string Settings(ConvolutionLayerModel layer) =>
        (layer.Stride == 1 ? string.Empty : ", stride " + layer.Stride) + (layer.Padding == 0 ? string.Empty : ", zero padding " + layer.Padding);
}
