using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator.Model;

/// <summary>Everything the emitter needs to write one network, as plain values.</summary>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">Types the class is nested in, outermost first.</param>
/// <param name="ClassName">The network class's name.</param>
/// <param name="HintName">Name of the generated file, unique in the compilation.</param>
/// <param name="InputSize">Number of inputs of one sample.</param>
/// <param name="Layers">The layers, in order: spatial layers (convolution, pooling) first, then dense ones, with dropout anywhere between.</param>
/// <param name="Loss">The loss the network is trained on.</param>
/// <param name="Optimizer">The update rule and its hyper-parameters.</param>
/// <param name="Weights">The safetensors file to embed, as written in <c>[Network(Weights = ...)]</c>, or null.</param>
/// <param name="InferenceOnly">Whether only inference is generated (<c>[Network(InferenceOnly = true)]</c>).</param>
/// <param name="DeclaringFile">The path of the file that declares <c>[Network]</c>, which a relative <paramref name="Weights"/> path starts from.</param>
/// <param name="InputShape">The input as an image, C x H x W; 1 x 1 x <paramref name="InputSize"/> for a vector.</param>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string ClassName,
    string HintName,
    int InputSize,
    EquatableArray<LayerModel> Layers,
    LossKind Loss,
    OptimizerModel Optimizer,
    string? Weights = null,
    bool InferenceOnly = false,
    string DeclaringFile = "",
    SpatialShape? InputShape = null)
{
    public LayerModel FirstLayer => Layers[0];

    /// <summary>The output layer: always dense (a spatial layer cannot follow a dense one, nor dropout end the network).</summary>
    public DenseLayerModel LastLayer => (DenseLayerModel)Layers[Layers.Count - 1];

    public int OutputSize => LastLayer.Units;

    public int ParameterCount => LastLayer.BiasOffset + LastLayer.Units;

    /// <summary>The input as an image: C x H x W.</summary>
    public SpatialShape Input => InputShape ?? new SpatialShape(1, 1, InputSize);

    /// <summary>The layers that hold parameters, in order.</summary>
    public IEnumerable<ParameterLayerModel> ParameterLayers() => Layers.OfType<ParameterLayerModel>();

    /// <summary>The weights of the dense layers: the multiply-adds of one sample's pass through them.</summary>
    public long DenseWeights => Layers.OfType<DenseLayerModel>().Sum(layer => (long)layer.WeightCount);
}

/// <summary>A type the network class is nested in.</summary>
/// <param name="Keyword">How the type is declared: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type's name.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>The values of one sample at a point of the network, as PyTorch lays them out: channel by channel, row by row.</summary>
internal sealed record SpatialShape(int Channels, int Height, int Width)
{
    public int Size => Channels * Height * Width;

    public override string ToString() => Channels + " × " + Height + " × " + Width;
}

/// <summary>
/// One layer of a network: it maps <see cref="Inputs"/> values of a sample to <see cref="Units"/> outputs,
/// then applies its activation.
/// </summary>
/// <param name="Number">1-based position among the network's layers, as the generated code names it (Layer1, W1, ...).</param>
/// <param name="ModuleIndex">Index of the layer in the equivalent PyTorch <c>nn.Sequential</c>.</param>
/// <param name="Inputs">Number of inputs of one sample.</param>
/// <param name="Units">Number of outputs of one sample.</param>
/// <param name="Activation">The activation applied to the outputs.</param>
/// <param name="Alpha">LeakyReLU's slope for negative z; unused otherwise.</param>
internal abstract record LayerModel(int Number, int ModuleIndex, int Inputs, int Units, ActivationKind Activation, float Alpha)
{
    /// <summary>Whether the layer holds no trainable parameters.</summary>
    public virtual bool HasParameters => false;
}

/// <summary>A layer with weights and biases: offsets in the parameter array and how they are initialised.</summary>
internal abstract record ParameterLayerModel(int Number, int ModuleIndex, int Inputs, int Units, ActivationKind Activation, float Alpha, int WeightOffset)
    : LayerModel(Number, ModuleIndex, Inputs, Units, Activation, Alpha)
{
    public override bool HasParameters => true;

    public abstract int WeightCount { get; }

    /// <summary>Number of biases: one per unit of a dense layer, one per filter of a convolution.</summary>
    public abstract int BiasCount { get; }

    /// <summary>Inputs that feed one output: Glorot's and He's fan-in.</summary>
    public abstract int FanIn { get; }

    /// <summary>Outputs one input feeds: Glorot's fan-out.</summary>
    public abstract int FanOut { get; }

    public int BiasOffset => WeightOffset + WeightCount;

    public int ParameterCount => WeightCount + BiasCount;

    /// <summary>He-uniform initialisation suits layers followed by ReLU or LeakyReLU; the others get Glorot-uniform.</summary>
    public bool UsesHeInitialisation => Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU;
}

/// <summary>One dense layer: z = W x + b, a = activation(z).</summary>
/// <param name="Number">1-based position among the network's layers, as the generated code names it (W1, b1, ...).</param>
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
    : ParameterLayerModel(Number, ModuleIndex, Inputs, Units, Activation, Alpha, WeightOffset)
{
    public override int WeightCount => Units * Inputs;

    public override int BiasCount => Units;

    public override int FanIn => Inputs;

    public override int FanOut => Units;
}

/// <summary>
/// A 2-D convolution: z[f, r, c] = b[f] + sum over ch, u, v of K[f, ch, u, v] x[ch, r S + u - P, c S + v - P],
/// K [filters, channels, kernel, kernel] as PyTorch's <c>nn.Conv2d</c>.
/// </summary>
/// <param name="Number">1-based position among the network's layers (Layer1, K1, ...).</param>
/// <param name="ModuleIndex">Index of the layer in the equivalent PyTorch <c>nn.Sequential</c>.</param>
/// <param name="In">The input image.</param>
/// <param name="Out">The output image: filters x ((H + 2P - kernel) / S + 1) x ((W + 2P - kernel) / S + 1).</param>
/// <param name="Kernel">Kernel height and width.</param>
/// <param name="Stride">Stride S.</param>
/// <param name="Padding">Zero padding P on every side.</param>
/// <param name="Activation">The activation applied to z.</param>
/// <param name="Alpha">LeakyReLU's slope for negative z; unused otherwise.</param>
/// <param name="WeightOffset">Offset of K in the parameter array.</param>
internal sealed record ConvolutionLayerModel(
    int Number,
    int ModuleIndex,
    SpatialShape In,
    SpatialShape Out,
    int Kernel,
    int Stride,
    int Padding,
    ActivationKind Activation,
    float Alpha,
    int WeightOffset)
    : ParameterLayerModel(Number, ModuleIndex, In.Size, Out.Size, Activation, Alpha, WeightOffset)
{
    public int Filters => Out.Channels;

    public override int WeightCount => Filters * In.Channels * Kernel * Kernel;

    public override int BiasCount => Filters;

    public override int FanIn => In.Channels * Kernel * Kernel;

    public override int FanOut => Filters * Kernel * Kernel;

    /// <summary>Multiply-adds of one sample's forward pass.</summary>
    public long MultiplyAdds => (long)Out.Size * FanIn;
}

/// <summary>Max or average pooling over windows of Size x Size, Stride apart, channel by channel.</summary>
internal sealed record PoolingLayerModel(
    int Number,
    int ModuleIndex,
    SpatialShape In,
    SpatialShape Out,
    int Size,
    int Stride,
    bool Max,
    ActivationKind Activation,
    float Alpha)
    : LayerModel(Number, ModuleIndex, In.Size, Out.Size, Activation, Alpha);

/// <summary>Dropout of probability p in training; the identity in inference.</summary>
/// <param name="Number">1-based position among the network's layers.</param>
/// <param name="ModuleIndex">Index of the layer in the equivalent PyTorch <c>nn.Sequential</c>.</param>
/// <param name="Shape">The values it drops from: the shape of the layer before.</param>
/// <param name="Probability">The probability p of zeroing a value.</param>
/// <param name="Activation">An activation declared after the dropout, applied to its output.</param>
/// <param name="Alpha">LeakyReLU's slope for negative values; unused otherwise.</param>
internal sealed record DropoutLayerModel(int Number, int ModuleIndex, SpatialShape Shape, float Probability, ActivationKind Activation, float Alpha)
    : LayerModel(Number, ModuleIndex, Shape.Size, Shape.Size, Activation, Alpha);

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
