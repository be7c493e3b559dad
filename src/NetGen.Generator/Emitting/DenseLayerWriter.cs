using System;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

/// <summary>How a pass names what a step reads: the sample (or batch) the first layer takes, the target, where the loss goes.</summary>
/// <param name="Input">The first layer's input: the sample of a one-sample pass, the batch of a batch pass.</param>
/// <param name="Target">The target of a one-sample pass, the targets of a batch pass.</param>
/// <param name="Loss">How the loss is kept: <c>float loss = </c> or <c>loss += </c>.</param>
/// <param name="Decay">The weight decay factor of an SGD step: <c>decay</c>, or <c>1f</c> without weight decay.</param>
/// <param name="NextOffset">Where the next sample starts, for <see cref="StepKind.SgdStepThenProduct"/>.</param>
internal sealed record PassContext(string Input, string Target, string Loss, string Decay = "1f", string NextOffset = "0");

/// <summary>
/// Writes what is particular to a dense layer: its shape struct, its part of <c>Info</c> and of the
/// constructor, and each step of a pass on it as one call to <c>NetGen.Internal.Dense</c> with the math above.
/// A new kind of layer gets a writer of its own beside this one.
/// </summary>
internal sealed class DenseLayerWriter(SourceWriter writer, NetworkPlan plan)
{
    private readonly SourceWriter _w = writer;
    private readonly NetworkPlan _plan = plan;

    private void Comment(string text)
    {
        if (_plan.Comments)
        {
            _w.Line("// " + text);
        }
    }

    /// <summary>The struct of constants that stands for the layer in the kernels' type arguments.</summary>
    public void WriteShape(LayerPlan plan, string attributes)
    {
        DenseLayerModel layer = plan.Layer;
        LayerNames names = Names.Layer(plan);
        string inputs = plan.Number == 1 ? Names.InputSize : Names.Layer(plan.Number - 1).Units;
        string weights = plan.Number == 1 ? "0" : $"{Names.Layer(plan.Number - 1).BiasOffset} + {Names.Layer(plan.Number - 1).Units}";
        _w.Line($"/// <summary>Dense layer {plan.Number}: {layer.Inputs} → {layer.Units}, {Describe.Activation(layer)}; {names.W} [{layer.Units}, {layer.Inputs}] at {Literals.Grouped(layer.WeightOffset)}, then {names.B} [{layer.Units}] at {Literals.Grouped(layer.BiasOffset)}.</summary>");
        _w.Line(attributes);
        using (_w.Block($"private readonly struct {names.Shape} : {Names.DenseLayerInterface}"))
        {
            _w.Line($"public static int Inputs => {inputs};");
            _w.Line($"public static int Units => {layer.Units};");
            _w.Line($"public static int WeightOffset => {weights};");
            _w.Line("public static int BiasOffset => WeightOffset + (Units * Inputs);");
            _w.Line($"public static global::NetGen.Activation Activation => global::NetGen.Activation.{layer.Activation};");
            _w.Line($"public static float Alpha => {Literals.Float(layer.Activation == ActivationKind.LeakyReLU ? layer.Alpha : 0f)};");
            Comment(PlanSummary(plan));
            _w.Line($"public static int VectorBits => {plan.VectorBits};");
            _w.Line($"public static bool SharesSample => {Bool(plan.SharesSample)};");
            _w.Line($"public static bool FusesActivation => {Bool(plan.FusesActivation)};");
            _w.Line($"public static bool KeepsPreActivation => {Bool(plan.KeepsPreActivation)};");
            _w.Line($"public static bool DecaysWeights => {Bool(plan.DecaysWeights)};");
        }

        _w.Line();
    }

    /// <summary>The plan of a layer in a sentence, above its flags.</summary>
    private static string PlanSummary(LayerPlan plan)
    {
        string width = plan.VectorBits == 0 ? "scalar code" : $"vectors of up to {plan.VectorBits} bits";
        string share = plan.SharesSample ? $"; one sample's {Literals.Grouped(plan.Layer.WeightCount)} multiply-adds split between cores" : string.Empty;
        string fuse = plan.FusesActivation ? $"; {Describe.Activation(plan.Layer)} applied in the batch product" : string.Empty;
        string keep = plan.KeepsPreActivation ? "; z kept for the loss" : string.Empty;
        string decay = plan.DecaysWeights ? "; weight decay on every row" : string.Empty;
        return "how the kernels run it: " + width + share + fuse + keep + decay;
    }

    /// <summary>The layer's entry of NetworkInfo.Layers.</summary>
    public static string Info(LayerPlan plan)
    {
        LayerNames n = Names.Layer(plan);
        DenseLayerModel layer = plan.Layer;
        string alpha = layer.Activation == ActivationKind.LeakyReLU ? ", " + Literals.Float(layer.Alpha) : string.Empty;
        return $"new global::NetGen.DenseLayerInfo({layer.ModuleIndex}, {n.Inputs}, {n.Units}, global::NetGen.Activation.{layer.Activation}, {n.WeightOffset}, {n.BiasOffset}{alpha})";
    }

    /// <summary>W ~ U(-limit, limit) drawn from the seed; b stays 0.</summary>
    public void WriteInitialisation(LayerPlan plan, Action<string> comment)
    {
        DenseLayerModel layer = plan.Layer;
        LayerNames n = Names.Layer(plan, _plan);
        comment($"{n.W} ~ U(-limit, limit), {Describe.Initialisation(layer)}: limit = {Describe.InitialisationBound(layer)}; {n.B} = 0");
        float bound = (float)Math.Sqrt(layer.UsesHeInitialisation ? 6.0 / layer.Inputs : 6.0 / (layer.Inputs + layer.Units));
        _w.Line($"random.FillUniform(global::System.MemoryExtensions.AsSpan({Names.Parameters}, {n.WeightOffset}, {n.Units} * {n.Inputs}), {Literals.Float(bound)});");
    }

    /// <summary>One step of a pass: its math, then the call.</summary>
    public void WriteStep(Step step, PassContext pass)
    {
        LayerPlan plan = _plan.Layers[step.Layer - 1];
        LayerNames n = Names.Layer(plan, _plan);
        string dense = Names.Dense(plan);
        string act = Describe.Activation(plan.Layer);
        string x = step.Layer == 1 ? "x" : Names.Layer(step.Layer - 1, _plan).A;
        string input = step.Layer == 1 ? pass.Input : Names.Layer(step.Layer - 1, _plan).Output;
        string batchInput = step.Layer == 1 ? pass.Input : Names.Layer(step.Layer - 1, _plan).BatchOutput;
        string previous = step.Layer == 1 ? string.Empty : Names.Layer(step.Layer - 1, _plan).Workspace;
        string activation = plan.Layer.Activation == ActivationKind.Identity ? string.Empty : $", {n.A} = {act}({n.Z})";
        string sharing = step.Share && plan.SharesSample ? $" (rows of {n.W} shared between cores while helper threads are awake)" : string.Empty;
        string decay = plan.DecaysWeights ? $", each weight times 1 - lr {Names.WeightDecay} first" : string.Empty;
        switch (step.Kind)
        {
            case StepKind.Forward:
                Comment($"layer {step.Layer}: {n.Z} = {n.W} {x} + {n.B}{activation}{sharing}");
                _w.Line($"{dense}.Forward({Names.Parameters}, {input}, {n.Workspace}, share: {Bool(step.Share)});");
                break;

            case StepKind.Loss:
                WriteLoss(plan, pass);
                break;

            case StepKind.Backward when step.Layer == 1:
                Comment($"layer 1 backward: dE/d{n.W} += dE/d{n.Z} x^T, dE/d{n.B} += dE/d{n.Z} (no dE/dx: nothing consumes it)");
                _w.Line($"{dense}.Backward({Names.Gradients}, {pass.Input}, {n.Workspace});");
                break;

            case StepKind.Backward:
                Comment($"layer {step.Layer} backward: dE/d{n.W} += dE/d{n.Z} {x}^T, dE/d{n.B} += dE/d{n.Z}; dE/d{x} = {n.W}^T dE/d{n.Z}{Derivative(step.Layer - 1)}");
                _w.Line($"{dense}.Backward({Names.Parameters}, {Names.Gradients}, {previous}, {n.Workspace});");
                break;

            case StepKind.SgdStep when step.Layer == 1:
                Comment($"layer 1: {n.W} -= lr dE/d{n.Z} x^T, {n.B} -= lr dE/d{n.Z}{decay} (no dE/dx: nothing consumes it){sharing}");
                _w.Line($"{dense}.SgdStep({Names.Parameters}, {pass.Input}, {n.Workspace}, learningRate, decay: {pass.Decay}, share: {Bool(step.Share)});");
                break;

            case StepKind.SgdStep:
                Comment($"layer {step.Layer}: dE/d{x} = {n.W}^T dE/d{n.Z} from {n.W} before the update{Derivative(step.Layer - 1)}; then {n.W} -= lr dE/d{n.Z} {x}^T, {n.B} -= lr dE/d{n.Z}{decay}");
                _w.Line($"{dense}.SgdStep({Names.Parameters}, {previous}, {n.Workspace}, learningRate, decay: {pass.Decay});");
                break;

            case StepKind.SgdStepThenProduct:
                Comment($"layer 1: this sample's step, {n.W} -= lr dE/d{n.Z} x^T and {n.B} -= lr dE/d{n.Z}{decay}, and the next sample's");
                Comment($"{n.Z} = {n.W} x + {n.B} from the updated weights, in one pass over {n.W}{sharing}");
                _w.Line($"{dense}.SgdStepThenProduct({Names.Parameters}, {pass.Input}, {pass.NextOffset}, {n.Workspace}, learningRate, decay: {pass.Decay}, share: {Bool(step.Share)});");
                break;

            case StepKind.Activate:
                Comment($"{n.Z} of this sample is ready{(activation.Length == 0 ? string.Empty : ": " + activation.Substring(2))}");
                _w.Line($"{dense}.Activate({n.Workspace});");
                break;

            case StepKind.ForwardBatch:
                string rowsOfX = step.Layer == 1 ? $"X [rows, {Names.InputSize}]" : Names.Layer(step.Layer - 1, _plan).A.ToUpperInvariant();
                string product = plan.FusesActivation
                    ? $"{n.A.ToUpperInvariant()} = {act}({rowsOfX} {n.W}^T + {n.B}) in one product"
                    : $"{n.Z.ToUpperInvariant()} = {rowsOfX} {n.W}^T + {n.B}" + (activation.Length == 0 ? string.Empty : $", then {n.A.ToUpperInvariant()} = {act}({n.Z.ToUpperInvariant()}) sample by sample");
                Comment($"layer {step.Layer}: {product}, with {n.W} packed as its transpose first");
                _w.Line($"{dense}.ForwardBatch({Names.Parameters}, {batchInput}, {n.Workspace}, rows);");
                break;

            case StepKind.BackwardBatch:
                Comment($"layer {step.Layer}: dE/d{x.ToUpperInvariant()} = dE/d{n.Z.ToUpperInvariant()} {n.W}, before {n.W} changes{Derivative(step.Layer - 1, upper: true)}");
                _w.Line($"{dense}.BackwardBatch({Names.Parameters}, {previous}, {n.Workspace}, rows);");
                break;

            case StepKind.SgdStepBatch:
                Comment($"layer {step.Layer}: {n.W} -= (lr / rows) dE/d{n.Z.ToUpperInvariant()}^T {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}, {n.B} -= (lr / rows) sum of dE/d{n.Z.ToUpperInvariant()} over the samples{decay}");
                _w.Line($"{dense}.SgdStepBatch({Names.Parameters}, {batchInput}, {n.Workspace}, rows, learningRate, decay: {pass.Decay});");
                break;

            case StepKind.GradientBatch:
                Comment($"layer {step.Layer}: dE/d{n.W} = (1 / rows) dE/d{n.Z.ToUpperInvariant()}^T {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}, dE/d{n.B} = (1 / rows) sum of dE/d{n.Z.ToUpperInvariant()} over the samples");
                _w.Line($"{dense}.GradientBatch({Names.Gradients}, {batchInput}, {n.Workspace}, rows);");
                break;
        }
    }

    /// <summary>The loss of the output layer, and dE/dz to start the backward pass.</summary>
    private void WriteLoss(LayerPlan output, PassContext pass)
    {
        LayerNames n = Names.Layer(output, _plan);
        string method = _plan.Model.Loss switch
        {
            LossKind.CrossEntropy => "CrossEntropy",
            LossKind.BinaryCrossEntropy => "BinaryCrossEntropy",
            _ => "SquaredError",
        };
        bool batch = pass.Loss.StartsWith("double", StringComparison.Ordinal);
        Comment("loss: " + Describe.LossStep(_plan.Model.Loss, output.Layer, batch));
        string call = batch
            ? $"{Names.OutputLoss(output)}.{method}Batch({n.Workspace}, {pass.Target}, rows)"
            : $"{Names.OutputLoss(output)}.{method}({n.Workspace}, {pass.Target})";
        _w.Line($"{pass.Loss}{call};");
    }

    /// <summary>", then dE/dz = dE/da * ReLU'(z)" for the layer that receives dE/da, when it has an activation.</summary>
    private string Derivative(int layer, bool upper = false)
    {
        DenseLayerModel receiver = _plan.Layers[layer - 1].Layer;
        if (receiver.Activation == ActivationKind.Identity)
        {
            return string.Empty;
        }

        LayerNames n = Names.Layer(layer, _plan);
        string z = upper ? n.Z.ToUpperInvariant() : n.Z;
        string a = upper ? n.A.ToUpperInvariant() : n.A;
        return $", then dE/d{z} = dE/d{a} * {Describe.Activation(receiver)}'({z})";
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
