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
/// <param name="WeightsPacked">Whether a batch forward pass may reuse the weights an earlier chunk of the same call packed: <c>weightsPacked</c> in Predict's, <c>false</c> in training's.</param>
/// <param name="Output">Where the last layer of a one-sample inference pass writes its activations (the caller's span), or null: into its own buffer.</param>
internal sealed record PassContext(string Input, string Target, string Loss, string Decay = "1f", string NextOffset = "0", string WeightsPacked = "false", string? Output = null);

/// <summary>
/// Writes what is particular to a dense layer: its shape struct, its part of <c>Info</c> and of the
/// constructor, and each step of a pass on it as one call to <c>NetGen.Internal.Dense</c> with the math above.
/// </summary>
internal sealed class DenseLayerWriter(SourceWriter writer, NetworkPlan plan) : LayerWriter(writer, plan)
{
    /// <summary>The struct of constants that stands for the layer in the kernels' type arguments.</summary>
    public override void WriteShape(LayerPlan plan, string attributes)
    {
        DenseLayerModel layer = plan.Dense;
        LayerNames names = Names.Layer(plan);
        string inputs = plan.Number == 1 ? Names.InputSize : Names.Layer(plan.Number - 1).Units;
        string weights = WeightOffsetExpression(plan);
        W.Line($"/// <summary>Dense layer {plan.Number}: {layer.Inputs} → {layer.Units}, {Describe.Activation(layer)}; {names.W} [{layer.Units}, {layer.Inputs}] at {Literals.Grouped(layer.WeightOffset)}, then {names.B} [{layer.Units}] at {Literals.Grouped(layer.BiasOffset)}.</summary>");
        W.Line(attributes);
        using (W.Block($"private readonly struct {names.Shape} : {Names.DenseLayerInterface}"))
        {
            W.Line($"public static int Inputs => {inputs};");
            W.Line($"public static int Units => {layer.Units};");
            W.Line($"public static int WeightOffset => {weights};");
            W.Line("public static int BiasOffset => WeightOffset + (Units * Inputs);");
            W.Line($"public static global::NetGen.Activation Activation => global::NetGen.Activation.{layer.Activation};");
            W.Line($"public static float Alpha => {Literals.Float(layer.Activation == ActivationKind.LeakyReLU ? layer.Alpha : 0f)};");
            Comment(PlanSummary(plan, layer));
            W.Line($"public static int VectorBits => {plan.VectorBits};");
            W.Line($"public static int RowVectorBits => {plan.RowVectorBits};");
            W.Line($"public static bool SharesSample => {Bool(plan.SharesSample)};");
            W.Line($"public static bool FusesActivation => {Bool(plan.FusesActivation)};");
            W.Line($"public static bool KeepsPreActivation => {Bool(plan.KeepsPreActivation)};");
            W.Line($"public static bool DecaysWeights => {Bool(plan.DecaysWeights)};");
        }

        W.Line();
    }

    /// <summary>The plan of a layer in a sentence, above its flags.</summary>
    private static string PlanSummary(LayerPlan plan, DenseLayerModel layer)
    {
        string width = plan.VectorBits == 0 ? "scalar code" : $"vectors of up to {plan.VectorBits} bits";
        if (plan.RowVectorBits != plan.VectorBits)
        {
            width += plan.RowVectorBits == 0 ? ", scalar along a row of W" : $", {plan.RowVectorBits} along a row of W";
        }

        string share = plan.SharesSample ? $"; one sample's {Literals.Grouped(layer.WeightCount)} multiply-adds split between cores" : string.Empty;
        string fuse = plan.FusesActivation ? $"; {Describe.Activation(layer)} applied in the batch product" : string.Empty;
        string keep = plan.KeepsPreActivation ? "; z kept for the loss" : string.Empty;
        string decay = plan.DecaysWeights ? "; weight decay on every row" : string.Empty;
        return "how the kernels run it: " + width + share + fuse + keep + decay;
    }

    /// <summary>The layer's entry of NetworkInfo.Layers.</summary>
    public static string Info(LayerPlan plan)
    {
        LayerNames n = Names.Layer(plan);
        DenseLayerModel layer = plan.Dense;
        string alpha = layer.Activation == ActivationKind.LeakyReLU ? ", " + Literals.Float(layer.Alpha) : string.Empty;
        return $"new global::NetGen.DenseLayerInfo({layer.ModuleIndex}, {n.Inputs}, {n.Units}, global::NetGen.Activation.{layer.Activation}, {n.WeightOffset}, {n.BiasOffset}{alpha})";
    }

    /// <summary>W ~ U(-limit, limit) drawn from the seed; b stays 0.</summary>
    public override void WriteInitialisation(LayerPlan plan, Action<string> comment)
    {
        LayerNames n = Names.Layer(plan, Plan);
        WriteUniformWeights(plan.Dense, n.W, $"{n.Units} * {n.Inputs}", comment);
    }

    /// <summary>One step of a pass: its math, then the call.</summary>
    public override void WriteStep(Step step, PassContext pass)
    {
        LayerPlan plan = Plan.Layers[step.Layer - 1];
        LayerNames n = Names.Layer(plan, Plan);
        string dense = Names.Kernels(plan);
        string act = Describe.Activation(plan.Layer);
        string x = InputSymbol(step.Layer);
        string input = SampleInput(step.Layer, pass);
        string batchInput = BatchInput(step.Layer, pass);
        string previous = step.Layer == 1 ? string.Empty : Previous(step.Layer);
        string activation = plan.Layer.Activation == ActivationKind.Identity ? string.Empty : $", {n.A} = {act}({n.Z})";
        string sharing = step.Share && plan.SharesSample ? $" (rows of {n.W} shared between cores while helper threads are awake)" : string.Empty;
        string decay = plan.DecaysWeights ? $", each weight times 1 - lr {Names.WeightDecay} first" : string.Empty;

        // the math of a batch forward product: X W^T + b over the rows of the first layer's input (named firstInput) or of
        // the previous layer's activations, the activation fused into it or applied after
        string BatchProduct(string firstInput)
        {
            string rows = step.Layer == 1 ? firstInput : Names.Layer(step.Layer - 1, Plan).A.ToUpperInvariant();
            return plan.FusesActivation
                ? $"{n.A.ToUpperInvariant()} = {act}({rows} {n.W}^T + {n.B}) in one product"
                : $"{n.Z.ToUpperInvariant()} = {rows} {n.W}^T + {n.B}" + (activation.Length == 0 ? string.Empty : $", then {n.A.ToUpperInvariant()} = {act}({n.Z.ToUpperInvariant()}) sample by sample");
        }

        switch (step.Kind)
        {
            case StepKind.Forward when pass.Output is not null && step.Layer == Plan.Last.Number:
                string into = activation.Length == 0 ? $", {n.A} = {n.Z}" : activation;
                Comment($"layer {step.Layer}: {n.Z} = {n.W} {x} + {n.B}{into} straight into {pass.Output}{sharing}");
                W.Line($"{dense}.Forward({Names.Parameters}, {input}, {n.Workspace}, {pass.Output}, share: {Bool(step.Share)});");
                break;

            case StepKind.Forward:
                Comment($"layer {step.Layer}: {n.Z} = {n.W} {x} + {n.B}{activation}{sharing}");
                W.Line($"{dense}.Forward({Names.Parameters}, {input}, {n.Workspace}, share: {Bool(step.Share)});");
                break;

            case StepKind.Loss:
                WriteLoss(plan, pass);
                break;

            case StepKind.Backward when step.Layer == 1:
                Comment($"layer 1 backward: dE/d{n.W} += dE/d{n.Z} x^T, dE/d{n.B} += dE/d{n.Z} (no dE/dx: nothing consumes it)");
                W.Line($"{dense}.Backward({Names.Gradients}, {pass.Input}, {n.Workspace});");
                break;

            case StepKind.Backward:
                Comment($"layer {step.Layer} backward: dE/d{n.W} += dE/d{n.Z} {x}^T, dE/d{n.B} += dE/d{n.Z}; dE/d{x} = {n.W}^T dE/d{n.Z}{Derivative(step.Layer - 1)}");
                W.Line($"{dense}.Backward({Names.Parameters}, {Names.Gradients}, {previous}, {n.Workspace});");
                break;

            case StepKind.SgdStep when step.Layer == 1:
                Comment($"layer 1: {n.W} -= lr dE/d{n.Z} x^T, {n.B} -= lr dE/d{n.Z}{decay} (no dE/dx: nothing consumes it){sharing}");
                W.Line($"{dense}.SgdStep({Names.Parameters}, {pass.Input}, {n.Workspace}, learningRate, decay: {pass.Decay}, share: {Bool(step.Share)});");
                break;

            case StepKind.SgdStep:
                string columns = step.Share && plan.SharesSample ? $" (columns of {n.W} shared between cores while helper threads are awake)" : string.Empty;
                Comment($"layer {step.Layer}: dE/d{x} = {n.W}^T dE/d{n.Z} from {n.W} before the update{Derivative(step.Layer - 1)}; then {n.W} -= lr dE/d{n.Z} {x}^T, {n.B} -= lr dE/d{n.Z}{decay}{columns}");
                W.Line($"{dense}.SgdStep({Names.Parameters}, {previous}, {n.Workspace}, learningRate, decay: {pass.Decay}, share: {Bool(step.Share)});");
                break;

            case StepKind.SgdStepThenProduct:
                Comment($"layer 1: this sample's step, {n.W} -= lr dE/d{n.Z} x^T and {n.B} -= lr dE/d{n.Z}{decay}, and the next sample's");
                Comment($"{n.Z} = {n.W} x + {n.B} from the updated weights, in one pass over {n.W}{sharing}");
                W.Line($"{dense}.SgdStepThenProduct({Names.Parameters}, {pass.Input}, {pass.NextOffset}, {n.Workspace}, learningRate, decay: {pass.Decay}, share: {Bool(step.Share)});");
                break;

            case StepKind.Activate:
                Comment($"{n.Z} of this sample is ready{(activation.Length == 0 ? string.Empty : ": " + activation.Substring(2))}");
                W.Line($"{dense}.Activate({n.Workspace});");
                break;

            case StepKind.ForwardBatch:
                string once = pass.WeightsPacked == "false" ? string.Empty : " (once per call, not per chunk)";
                Comment($"layer {step.Layer}: {BatchProduct($"X [rows, {Names.InputSize}]")}, with {n.W} packed as its transpose first{once}");
                W.Line($"{dense}.ForwardBatch({Names.Parameters}, {batchInput}, {n.Workspace}, rows, weightsPacked: {pass.WeightsPacked});");
                break;

            case StepKind.ForwardRows:
                Comment($"layer {step.Layer}: {BatchProduct("X")}, for these rows, with {n.W} packed as its transpose first (by each thread into its own copy, once per call)");
                string rowsInput = step.Layer == 1 ? pass.Input : Names.Layer(step.Layer - 1, Plan).BatchRows;
                W.Line($"{dense}.ForwardRows({Names.Parameters}, {rowsInput}, {n.Workspace}, bufferRow, rows, weightsPacked);");
                break;

            case StepKind.BackwardBatch:
                Comment($"layer {step.Layer}: dE/d{x.ToUpperInvariant()} = dE/d{n.Z.ToUpperInvariant()} {n.W}, before {n.W} changes{Derivative(step.Layer - 1, upper: true)}");
                W.Line($"{dense}.BackwardBatch({Names.Parameters}, {previous}, {n.Workspace}, rows);");
                break;

            case StepKind.SgdStepBatch:
                Comment($"layer {step.Layer}: {n.W} -= (lr / rows) dE/d{n.Z.ToUpperInvariant()}^T {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}, {n.B} -= (lr / rows) sum of dE/d{n.Z.ToUpperInvariant()} over the samples{decay}");
                W.Line($"{dense}.SgdStepBatch({Names.Parameters}, {batchInput}, {n.Workspace}, rows, learningRate, decay: {pass.Decay});");
                break;

            case StepKind.GradientBatch:
                Comment($"layer {step.Layer}: dE/d{n.W} = (1 / rows) dE/d{n.Z.ToUpperInvariant()}^T {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}, dE/d{n.B} = (1 / rows) sum of dE/d{n.Z.ToUpperInvariant()} over the samples");
                W.Line($"{dense}.GradientBatch({Names.Gradients}, {batchInput}, {n.Workspace}, rows);");
                break;
        }
    }

    /// <summary>The loss of the output layer, and dE/dz to start the backward pass.</summary>
    private void WriteLoss(LayerPlan output, PassContext pass)
    {
        LayerNames n = Names.Layer(output, Plan);
        string method = Plan.Model.Loss switch
        {
            LossKind.CrossEntropy => "CrossEntropy",
            LossKind.BinaryCrossEntropy => "BinaryCrossEntropy",
            _ => "SquaredError",
        };
        bool batch = pass.Loss.StartsWith("double", StringComparison.Ordinal);
        Comment("loss: " + Describe.LossStep(Plan.Model.Loss, output.Dense, batch));
        string call = batch
            ? $"{Names.OutputLoss(output)}.{method}Batch({n.Workspace}, {pass.Target}, rows)"
            : $"{Names.OutputLoss(output)}.{method}({n.Workspace}, {pass.Target})";
        W.Line($"{pass.Loss}{call};");
    }
}
