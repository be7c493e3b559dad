namespace NetGen.Generator.Model;

/// <summary>Everything the emitter needs to write one network, as plain values.</summary>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">Types the class is nested in, outermost first.</param>
/// <param name="ClassName">The network class's name.</param>
/// <param name="HintName">Name of the generated file, unique in the compilation.</param>
/// <param name="InputSize">Number of inputs of one sample.</param>
/// <param name="Layers">The dense layers, in order.</param>
/// <param name="Loss">The loss the network is trained on.</param>
/// <param name="Optimizer">The update rule and its hyper-parameters.</param>
/// <param name="Weights">The safetensors file to embed, as written in <c>[Network(Weights = ...)]</c>, or null.</param>
/// <param name="InferenceOnly">Whether only inference is generated (<c>[Network(InferenceOnly = true)]</c>).</param>
/// <param name="DeclaringFile">The path of the file that declares <c>[Network]</c>, which a relative <paramref name="Weights"/> path starts from.</param>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string ClassName,
    string HintName,
    int InputSize,
    EquatableArray<DenseLayerModel> Layers,
    LossKind Loss,
    OptimizerModel Optimizer,
    string? Weights = null,
    bool InferenceOnly = false,
    string DeclaringFile = "")
{
    public DenseLayerModel FirstLayer => Layers[0];

    public DenseLayerModel LastLayer => Layers[Layers.Count - 1];

    public int OutputSize => LastLayer.Units;

    public int ParameterCount => LastLayer.BiasOffset + LastLayer.Units;
}

/// <summary>A type the network class is nested in.</summary>
/// <param name="Keyword">How the type is declared: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type's name.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>One dense layer: z = W x + b, a = activation(z).</summary>
/// <param name="Number">1-based position among the dense layers, as the generated code names it (W1, b1, ...).</param>
/// <param name="ModuleIndex">Index of the layer in the equivalent PyTorch <c>nn.Sequential</c>.</param>
/// <param name="Inputs">Number of inputs.</param>
/// <param name="Units">Number of outputs.</param>
/// <param name="Activation">The activation applied to z.</param>
/// <param name="Alpha">LeakyReLU's slope for negative z; unused otherwise.</param>
/// <param name="WeightOffset">Offset of W in the parameter array.</param>
internal sealed record DenseLayerModel(
    int Number,
    int ModuleIndex,
    int Inputs,
    int Units,
    ActivationKind Activation,
    float Alpha,
    int WeightOffset)
{
    public int WeightCount => Units * Inputs;

    public int BiasOffset => WeightOffset + WeightCount;

    public int ParameterCount => WeightCount + Units;

    /// <summary>He-uniform initialisation suits layers followed by ReLU or LeakyReLU; the others get Glorot-uniform.</summary>
    public bool UsesHeInitialisation => Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU;
}

/// <summary>The optimizer and its hyper-parameters.</summary>
internal sealed record OptimizerModel(
    OptimizerKind Kind,
    float Momentum,
    float Beta1,
    float Beta2,
    float Epsilon,
    float WeightDecay)
{
    /// <summary>Optimizer state values per parameter: the velocity for Momentum, two moments for Adam.</summary>
    public int StateBlocks => Kind switch
    {
        OptimizerKind.Momentum => 1,
        OptimizerKind.Adam => 2,
        _ => 0,
    };
}
