using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

/// <summary>
/// The name of every member the generator writes and of every runtime type it calls, in one place: the
/// writers never build a name themselves.
/// </summary>
internal static class Names
{
    // Members of the network class.
    public const string Parameters = "_parameters";
    public const string Gradients = "_gradients";
    public const string OptimizerState = "_optimizerState";
    public const string StepCount = "_stepCount";
    public const string GradientsMayBeNonZero = "_gradientsMayBeNonZero";
    public const string InputSize = "InputSize";
    public const string OutputSize = "OutputSize";
    public const string ParameterCount = "ParameterCount";
    public const string MatrixProductBatch = "MatrixProductBatch";
    public const string PredictChunk = "PredictChunk";
    public const string WeightDecay = "WeightDecay";
    public const string Momentum = "MomentumFactor";
    public const string Beta1 = "Beta1";
    public const string Beta2 = "Beta2";
    public const string Epsilon = "Epsilon";

    // Runtime types, global-qualified.
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Helpers = "global::NetGen.Internal.GeneratedCodeHelpers";
    public const string ParameterUpdate = "global::NetGen.Internal.ParameterUpdate";
    public const string DenseLayerInterface = "global::NetGen.Internal.IDenseLayer";
    public const string ConvolutionLayerInterface = "global::NetGen.Internal.IConvolutionLayer";
    public const string PoolingLayerInterface = "global::NetGen.Internal.IPoolingLayer";
    public const string DropoutLayerInterface = "global::NetGen.Internal.IDropoutLayer";

    // Members of an inference-only network: the buffers belong to each calling thread.
    public const string ThreadBuffers = "ThreadBuffers";
    public const string Buffers = "buffers";
    public const string ThreadBuffersField = "t_buffers";
    public const string EmbeddedParameters = "EmbeddedParameters";

    // Whether each kind of call shares its work with helper threads or runs alone.
    public const string ThreadChoicesType = "global::NetGen.Internal.ThreadChoices";
    public const string CallKind = "global::NetGen.Internal.CallKind";
    public const string ThreadChoicesField = "_threadChoices";
    public const string ThreadBuffersChoicesField = "threadChoices";

    // How a Predict whose threads split its samples hands each thread its own (NetworkPlan.SplitsPredictSamples).
    public const string SampleSplitField = "_sampleSplit";
    public const string ThreadBuffersSampleSplitField = "sampleSplit";

    /// <summary>The network's thread choices: its own field, or the calling thread's (<c>buffers.threadChoices</c>) in an inference-only network.</summary>
    public static string ThreadChoices(NetworkPlan plan) => plan.Trainable ? ThreadChoicesField : BuffersOwner(plan) + ThreadBuffersChoicesField;

    /// <summary>Names that belong to one layer (its shape; for its buffers, use the overloads that take the plan).</summary>
    public static LayerNames Layer(int number) => new(number, string.Empty);

    public static LayerNames Layer(LayerPlan layer) => new(layer.Number, string.Empty);

    /// <summary>Names that belong to one layer of <paramref name="plan"/>: its buffers are fields of the network, or of the calling thread's buffers.</summary>
    public static LayerNames Layer(int number, NetworkPlan plan) => new(number, BuffersOwner(plan));

    /// <summary>What the buffers' members are reached through: nothing (the network's own), or <c>buffers.</c> (the calling thread's).</summary>
    public static string BuffersOwner(NetworkPlan plan) => plan.Trainable ? string.Empty : Buffers + ".";

    public static LayerNames Layer(LayerPlan layer, NetworkPlan plan) => Layer(layer.Number, plan);

    /// <summary>The generic runtime class of the layer's kernels: <c>Dense&lt;Layer1&gt;</c>, <c>Convolution&lt;Layer1&gt;</c>, ...</summary>
    public static string Kernels(LayerPlan layer) => $"global::NetGen.Internal.{Kind(layer)}<{Layer(layer).Shape}>";

    /// <summary>The type of the layer's buffers: <c>DenseWorkspace&lt;Layer1&gt;</c>, <c>ConvolutionWorkspace&lt;Layer1&gt;</c>, ...</summary>
    public static string WorkspaceType(LayerPlan layer) => $"global::NetGen.Internal.{Kind(layer)}Workspace<{Layer(layer).Shape}>";

    /// <summary>The runtime's name of the layer's kind.</summary>
    private static string Kind(LayerPlan layer) => layer.Layer switch
    {
        Model.ConvolutionLayerModel => "Convolution",
        Model.PoolingLayerModel => "Pooling",
        Model.DropoutLayerModel => "Dropout",
        _ => "Dense",
    };

    /// <summary>The generic runtime class of output losses, for the output layer.</summary>
    public static string OutputLoss(LayerPlan layer) => $"global::NetGen.Internal.OutputLoss<{Layer(layer).Shape}>";
}

/// <summary>The names of one layer's generated members and of its symbols in the math.</summary>
internal readonly struct LayerNames(int number, string owner)
{
    /// <summary>The struct that describes the layer to the kernels: <c>Layer1</c>.</summary>
    public string Shape => "Layer" + number;

    /// <summary>The field of the layer's buffers: <c>_layer1</c>, or <c>buffers.layer1</c> in a network whose buffers belong to each thread.</summary>
    public string Workspace => owner.Length == 0 ? "_layer" + number : owner + "layer" + number;

    /// <summary>The name of that field where it is declared.</summary>
    public string WorkspaceField => owner.Length == 0 ? "_layer" + number : "layer" + number;

    public string Units => Shape + ".Units";

    public string Inputs => Shape + ".Inputs";

    public string WeightOffset => Shape + ".WeightOffset";

    public string BiasOffset => Shape + ".BiasOffset";

    /// <summary>The layer's output for one sample, as a span.</summary>
    public string Output => Workspace + ".Output";

    /// <summary>The same buffer, writable: where Classify has the last layer write.</summary>
    public string OutputBuffer => Workspace + ".OutputBuffer";

    /// <summary>The layer's outputs for a batch of <c>rows</c> samples.</summary>
    public string BatchOutput => Workspace + ".BatchOutput(rows)";

    /// <summary>The layer's outputs for <c>rows</c> samples of a batch from row <c>bufferRow</c> on: one thread's share.</summary>
    public string BatchRows => Workspace + ".BatchOutput(bufferRow, rows)";

    // Symbols of the math in comments: W1, b1, z1, a1.
    public string W => "W" + number;

    public string B => "b" + number;

    public string Z => "z" + number;

    public string A => "a" + number;
}
