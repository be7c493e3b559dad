using NetGen.Generator.Helpers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

/// <summary>
/// Writes what is particular to a pooling layer: its shape struct and each step of a pass on it as one call
/// to <c>NetGen.Internal.Pooling</c>, with the shapes and the math above. It has no parameters.
/// </summary>
internal sealed class PoolingLayerWriter(SourceWriter writer, NetworkPlan plan) : LayerWriter(writer, plan)
{
    public override void WriteShape(LayerPlan plan, string attributes)
    {
        var layer = (PoolingLayerModel)plan.Layer;
        LayerNames names = Names.Layer(plan);
        string stride = layer.Stride == layer.Size ? string.Empty : ", stride " + layer.Stride;
        W.Line($"/// <summary>{(layer.Max ? "Max" : "Average")} pooling {plan.Number}: {layer.In} → {layer.Out}, windows of {layer.Size} × {layer.Size}{stride}, {Describe.Activation(layer)}; no parameters.</summary>");
        W.Line(attributes);
        using (W.Block($"private readonly struct {names.Shape} : {Names.PoolingLayerInterface}"))
        {
            W.Line($"public static int Channels => {layer.In.Channels};");
            W.Line($"public static int Height => {layer.In.Height};");
            W.Line($"public static int Width => {layer.In.Width};");
            W.Line($"public static int Size => {layer.Size};");
            W.Line($"public static int Stride => {layer.Stride};");
            W.Line($"public static int OutputHeight => {layer.Out.Height}; // (Height - Size) / Stride + 1");
            W.Line($"public static int OutputWidth => {layer.Out.Width};");
            W.Line("public static int Units => Channels * OutputHeight * OutputWidth;");
            W.Line($"public static bool Max => {Bool(layer.Max)};");
            WriteActivationConstants(plan);
        }

        W.Line();
    }

    public override void WriteStep(Step step, PassContext pass)
    {
        LayerPlan plan = Plan.Layers[step.Layer - 1];
        var layer = (PoolingLayerModel)plan.Layer;
        LayerNames n = Names.Layer(plan, Plan);
        string kernels = Names.Kernels(plan);
        string x = InputSymbol(step.Layer);
        string shapes = $"{layer.In} → {layer.Out}";
        string window = $"{x}[ch, {Tap(layer, "r", "u")}, {Tap(layer, "c", "v")}] for u, v < {layer.Size}";
        string batchWindow = $"{(step.Layer == 1 ? "X" : x.ToUpperInvariant())}[s, ch, {Tap(layer, "r", "u")}, {Tap(layer, "c", "v")}] for u, v < {layer.Size}";
        switch (step.Kind)
        {
            case StepKind.Forward:
                Comment($"layer {step.Layer}, {(layer.Max ? "max" : "average")} pooling {shapes}: {n.Z}[ch, r, c] = {(layer.Max ? "max" : "mean")} of {window}{ActivationClause(plan)}");
                W.Line($"{kernels}.Forward({SampleInput(step.Layer, pass)}, {n.Workspace});");
                break;

            case StepKind.Backward:
                Comment($"layer {step.Layer} backward, {shapes}: {BackwardMath(layer, x, n.Z)}{Derivative(step.Layer - 1)}");
                W.Line($"{kernels}.Backward({Previous(step.Layer)}, {n.Workspace});");
                break;

            case StepKind.ForwardBatch:
                Comment($"layer {step.Layer}, {(layer.Max ? "max" : "average")} pooling {shapes} of every sample: {n.Z.ToUpperInvariant()}[s, ch, r, c] = {(layer.Max ? "max" : "mean")} of {batchWindow}{ActivationClause(plan, upper: true)}");
                W.Line($"{kernels}.ForwardBatch({BatchInput(step.Layer, pass)}, {n.Workspace}, rows);");
                break;

            case StepKind.BackwardBatch:
                Comment($"layer {step.Layer}, {shapes}, every sample: {BackwardMath(layer, x.ToUpperInvariant(), n.Z.ToUpperInvariant())}{Derivative(step.Layer - 1, upper: true)}");
                W.Line($"{kernels}.BackwardBatch({Previous(step.Layer)}, {n.Workspace}, rows);");
                break;
        }
    }

    private static string BackwardMath(PoolingLayerModel layer, string x, string z) => layer.Max
        ? $"dE/d{x} = dE/d{z} at the first largest input of each window (row by row), 0 elsewhere"
        : $"dE/d{x}[ch, i, j] = sum over the windows that hold (i, j) of dE/d{z}[ch, r, c] / {layer.Size * layer.Size}";

    private static string Tap(PoolingLayerModel layer, string output, string offset) => Tap(layer.Stride, 0, output, offset);
}
