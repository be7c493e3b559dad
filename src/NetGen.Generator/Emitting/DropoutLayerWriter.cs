using System;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

/// <summary>
/// Writes what is particular to dropout: its shape struct, the seeding of its generator, and each step of a
/// pass on it as one call to <c>NetGen.Internal.Dropout</c>: a mask drawn in training, the identity in inference.
/// </summary>
internal sealed class DropoutLayerWriter(SourceWriter writer, NetworkPlan plan) : LayerWriter(writer, plan)
{
    public override void WriteShape(LayerPlan plan, string attributes)
    {
        var layer = (DropoutLayerModel)plan.Layer;
        LayerNames names = Names.Layer(plan);
        W.Line($"/// <summary>Dropout {plan.Number}: {layer.Shape.Size} values, each zeroed with probability {Literals.FloatProse(layer.Probability)} in training and the others scaled by 1 / (1 - p); the identity in inference.</summary>");
        W.Line(attributes);
        using (W.Block($"private readonly struct {names.Shape} : {Names.DropoutLayerInterface}"))
        {
            W.Line($"public static int Units => {(plan.Number == 1 ? Names.InputSize : Names.Layer(plan.Number - 1).Units)};");
            W.Line($"public static float Probability => {Literals.Float(layer.Probability)};");
            WriteActivationConstants(plan);
        }

        W.Line();
    }

    public override void WriteInitialisation(LayerPlan plan, Action<string> comment)
    {
        if (!Plan.Trainable)
        {
            return; // inference never drops
        }

        comment($"dropout {plan.Number}'s masks are drawn from a generator of their own, seeded from the seed");
        W.Line($"{Names.Kernels(plan)}.Seed({Names.Layer(plan, Plan).Workspace}, seed);");
    }

    public override void WriteStep(Step step, PassContext pass)
    {
        LayerPlan plan = Plan.Layers[step.Layer - 1];
        var layer = (DropoutLayerModel)plan.Layer;
        LayerNames n = Names.Layer(plan, Plan);
        string kernels = Names.Kernels(plan);
        string x = InputSymbol(step.Layer);
        string p = Literals.FloatProse(layer.Probability);
        string scale = Literals.FloatProse((float)(1.0 / (1.0 - layer.Probability)));
        switch (step.Kind)
        {
            case StepKind.Forward:
                Comment(step.Training
                    ? $"layer {step.Layer}, dropout in training: {n.Z} = m * {x}, m drawn for this sample, 0 with probability {p}, else 1 / (1 - {p}) = {scale}{ActivationClause(plan)}"
                    : $"layer {step.Layer}, dropout in inference: {n.Z} = {x}{ActivationClause(plan)}");
                W.Line($"{kernels}.Forward({SampleInput(step.Layer, pass)}, {n.Workspace}, training: {Bool(step.Training)});");
                break;

            case StepKind.Backward:
                Comment($"layer {step.Layer} backward: dE/d{x} = m * dE/d{n.Z}, with this sample's mask{Derivative(step.Layer - 1)}");
                W.Line($"{kernels}.Backward({Previous(step.Layer)}, {n.Workspace});");
                break;

            case StepKind.ForwardBatch:
                string input = step.Layer == 1 ? "X" : x.ToUpperInvariant();
                Comment(step.Training
                    ? $"layer {step.Layer}, dropout in training: {n.Z.ToUpperInvariant()} = M * {input}, M drawn for every value of every sample, 0 with probability {p}, else {scale}{ActivationClause(plan, upper: true)}"
                    : $"layer {step.Layer}, dropout in inference: {n.Z.ToUpperInvariant()} = {input}{ActivationClause(plan, upper: true)}");
                W.Line($"{kernels}.ForwardBatch({BatchInput(step.Layer, pass)}, {n.Workspace}, rows, training: {Bool(step.Training)});");
                break;

            case StepKind.ForwardRows:
                Comment($"layer {step.Layer}, dropout in inference: {n.Z.ToUpperInvariant()} = {(step.Layer == 1 ? "X" : x.ToUpperInvariant())}{ActivationClause(plan, upper: true)}, for these rows");
                W.Line($"{kernels}.ForwardRows({(step.Layer == 1 ? pass.Input : Names.Layer(step.Layer - 1, Plan).BatchRows)}, {n.Workspace}, bufferRow, rows);");
                break;

            case StepKind.BackwardBatch:
                Comment($"layer {step.Layer}: dE/d{x.ToUpperInvariant()} = M * dE/d{n.Z.ToUpperInvariant()}, with the batch's masks{Derivative(step.Layer - 1, upper: true)}");
                W.Line($"{kernels}.BackwardBatch({Previous(step.Layer)}, {n.Workspace}, rows);");
                break;
        }
    }
}
