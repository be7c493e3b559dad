using System;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

/// <summary>
/// What a kind of layer writes: its shape struct (the constants its kernels are compiled with), its part of
/// the constructor, and each step of a pass on it as one call into its runtime kernels with the math above.
/// One writer per kind of layer; <see cref="NetworkWriter"/> picks the layer's writer for each step.
/// </summary>
internal abstract class LayerWriter(SourceWriter writer, NetworkPlan plan)
{
    protected SourceWriter W { get; } = writer;

    protected NetworkPlan Plan { get; } = plan;

    /// <summary>The struct of constants that stands for the layer in the kernels' type arguments.</summary>
    public abstract void WriteShape(LayerPlan layer, string attributes);

    /// <summary>The layer's part of the constructor that takes a seed: its parameters, or its generator.</summary>
    public virtual void WriteInitialisation(LayerPlan layer, Action<string> comment)
    {
    }

    /// <summary>One step of a pass: its math, then the call.</summary>
    public abstract void WriteStep(Step step, PassContext pass);

    protected void Comment(string text)
    {
        if (Plan.Comments)
        {
            W.Line("// " + text);
        }
    }

    protected static string Bool(bool value) => value ? "true" : "false";

    /// <summary>The layer's input in the math of one sample: x for the first layer, else the activations of the layer before.</summary>
    protected string InputSymbol(int layer) => layer == 1 ? "x" : Names.Layer(layer - 1, Plan).A;

    /// <summary>The span of one sample's input: the pass's sample for the first layer, else the layer before's output.</summary>
    protected string SampleInput(int layer, PassContext pass) => layer == 1 ? pass.Input : Names.Layer(layer - 1, Plan).Output;

    /// <summary>The span of a batch's input: the pass's batch for the first layer, else the layer before's outputs.</summary>
    protected string BatchInput(int layer, PassContext pass) => layer == 1 ? pass.Input : Names.Layer(layer - 1, Plan).BatchOutput;

    /// <summary>The buffers of the layer before, which receive dE/da.</summary>
    protected string Previous(int layer) => Names.Layer(layer - 1, Plan).Workspace;

    /// <summary>
    /// The input row or column a window's output reads at offset <paramref name="offset"/> within it:
    /// <c>r + u</c>, or <c>2 r + u - 1</c> with a stride of 2 and padding of 1.
    /// </summary>
    protected static string Tap(int stride, int padding, string output, string offset) =>
        (stride == 1 ? output : stride + " " + output) + " + " + offset + (padding == 0 ? string.Empty : " - " + padding);

    /// <summary>", a3 = ReLU(z3)" when the layer has an activation.</summary>
    protected string ActivationClause(LayerPlan layer, bool upper = false)
    {
        if (layer.Layer.Activation == ActivationKind.Identity)
        {
            return string.Empty;
        }

        LayerNames n = Names.Layer(layer, Plan);
        return upper
            ? $", {n.A.ToUpperInvariant()} = {Describe.Activation(layer.Layer)}({n.Z.ToUpperInvariant()})"
            : $", {n.A} = {Describe.Activation(layer.Layer)}({n.Z})";
    }

    /// <summary>", then dE/dz2 = dE/da2 * ReLU'(z2)" for the layer that receives dE/da, when it has an activation.</summary>
    protected string Derivative(int layer, bool upper = false)
    {
        LayerModel receiver = Plan.Layers[layer - 1].Layer;
        if (receiver.Activation == ActivationKind.Identity)
        {
            return string.Empty;
        }

        LayerNames n = Names.Layer(layer, Plan);
        string z = upper ? n.Z.ToUpperInvariant() : n.Z;
        string a = upper ? n.A.ToUpperInvariant() : n.A;
        return $", then dE/d{z} = dE/d{a} * {Describe.Activation(receiver)}'({z})";
    }

    /// <summary>The shared lines of every shape struct: the activation and the SIMD width.</summary>
    protected void WriteActivationConstants(LayerPlan layer)
    {
        W.Line($"public static global::NetGen.Activation Activation => global::NetGen.Activation.{layer.Layer.Activation};");
        W.Line($"public static float Alpha => {Literals.Float(layer.Layer.Activation == ActivationKind.LeakyReLU ? layer.Layer.Alpha : 0f)};");
        W.Line($"public static int VectorBits => {layer.VectorBits};");
        W.Line($"public static bool KeepsPreActivation => {Bool(layer.KeepsPreActivation)};");
    }

    /// <summary>The weight offset of a layer: right after the parameters of the last layer before it that has any.</summary>
    protected string WeightOffsetExpression(LayerPlan layer)
    {
        for (int n = layer.Number - 1; n >= 1; n--)
        {
            if (Plan.Layers[n - 1].Layer is ParameterLayerModel before)
            {
                LayerNames names = Names.Layer(n);
                return before is ConvolutionLayerModel
                    ? $"{names.BiasOffset} + {names.Shape}.Filters"
                    : $"{names.BiasOffset} + {names.Units}";
            }
        }

        return "0";
    }

    /// <summary>W ~ U(-limit, limit) drawn from the seed; b stays 0.</summary>
    protected void WriteUniformWeights(ParameterLayerModel layer, string weights, string count, Action<string> comment)
    {
        LayerNames n = Names.Layer(layer.Number, Plan);
        comment($"{weights} ~ U(-limit, limit), {Describe.Initialisation(layer)}: limit = {Describe.InitialisationBound(layer)}; {n.B} = 0");
        W.Line($"random.FillUniform(global::System.MemoryExtensions.AsSpan({Names.Parameters}, {n.WeightOffset}, {count}), {Literals.Float(Describe.InitialisationLimit(layer))});");
    }
}
