using System;
using System.Collections.Generic;

namespace NetGen;

/// <summary>What a generated network is made of, for code that works with any network.</summary>
public sealed class NetworkInfo
{
    /// <summary>Creates the description of a network of dense layers; generated code calls this once per network type.</summary>
    public NetworkInfo(
        string name,
        int inputSize,
        Loss loss,
        OptimizerSettings optimizer,
        IReadOnlyList<DenseLayerInfo> layers)
        : this(name, inputSize, loss, optimizer, layers, [])
    {
    }

    /// <summary>Creates the description of a network with convolutions before its dense layers; generated code calls this once per network type.</summary>
    public NetworkInfo(
        string name,
        int inputSize,
        Loss loss,
        OptimizerSettings optimizer,
        IReadOnlyList<DenseLayerInfo> layers,
        IReadOnlyList<ConvolutionLayerInfo> convolutions)
    {
        ArgumentNullException.ThrowIfNull(convolutions);
        Convolutions = convolutions;
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("A network has at least one dense layer.", nameof(layers));
        }

        Name = name;
        InputSize = inputSize;
        Loss = loss;
        Optimizer = optimizer;
        Layers = layers;
        OutputSize = layers[layers.Count - 1].Units;
        var last = layers[layers.Count - 1];
        ParameterCount = last.BiasOffset + last.Units;
    }

    /// <summary>The network class's name.</summary>
    public string Name { get; }

    /// <summary>Number of inputs of one sample.</summary>
    public int InputSize { get; }

    /// <summary>Number of outputs of one sample.</summary>
    public int OutputSize { get; }

    /// <summary>Number of trainable parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>The loss the network is trained on.</summary>
    public Loss Loss { get; }

    /// <summary>The optimizer and its hyper-parameters as declared.</summary>
    public OptimizerSettings Optimizer { get; }

    /// <summary>The dense layers in order.</summary>
    public IReadOnlyList<DenseLayerInfo> Layers { get; }

    /// <summary>The convolutions in order (they come before the dense layers); empty for a network of dense layers.</summary>
    public IReadOnlyList<ConvolutionLayerInfo> Convolutions { get; }

    /// <summary>Number of optimizer state values per parameter: 0 for SGD, 1 for Momentum, 2 for Adam.</summary>
    public int OptimizerStateBlocks => Optimizer.Kind switch
    {
        NetGen.Optimizer.Momentum => 1,
        NetGen.Optimizer.Adam => 2,
        _ => 0,
    };
}

/// <summary>One dense layer of a generated network and where its parameters live.</summary>
/// <param name="ModuleIndex">
/// Index of the layer in the equivalent PyTorch <c>nn.Sequential</c>, where every dense layer and every
/// activation other than identity counts as one module. Checkpoint tensors are named after it
/// (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, ...).
/// </param>
/// <param name="Inputs">Number of inputs.</param>
/// <param name="Units">Number of outputs.</param>
/// <param name="Activation">The activation applied to the layer's output.</param>
/// <param name="WeightOffset">Offset of W [units, inputs] in the parameter span.</param>
/// <param name="BiasOffset">Offset of b [units] in the parameter span.</param>
/// <param name="Alpha">Slope for negative inputs when <paramref name="Activation"/> is <see cref="Activation.LeakyReLU"/>.</param>
public readonly record struct DenseLayerInfo(
    int ModuleIndex,
    int Inputs,
    int Units,
    Activation Activation,
    int WeightOffset,
    int BiasOffset,
    float Alpha = 0.01f)
{
    /// <summary>Number of weights, units * inputs.</summary>
    public int WeightCount => Units * Inputs;
}

/// <summary>One convolution of a generated network and where its parameters live.</summary>
/// <param name="ModuleIndex">Index of the layer in the equivalent PyTorch <c>nn.Sequential</c> (<c>0.weight</c>, ...).</param>
/// <param name="Channels">Channels of its input.</param>
/// <param name="Height">Rows of its input.</param>
/// <param name="Width">Columns of its input.</param>
/// <param name="Filters">Output channels.</param>
/// <param name="Kernel">Kernel rows and columns.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Zero padding on every side.</param>
/// <param name="Activation">The activation applied to its outputs.</param>
/// <param name="WeightOffset">Offset of K [filters, channels, kernel, kernel] in the parameter span.</param>
/// <param name="BiasOffset">Offset of b [filters] in the parameter span.</param>
/// <param name="Alpha">Slope for negative inputs when <paramref name="Activation"/> is <see cref="Activation.LeakyReLU"/>.</param>
public readonly record struct ConvolutionLayerInfo(
    int ModuleIndex,
    int Channels,
    int Height,
    int Width,
    int Filters,
    int Kernel,
    int Stride,
    int Padding,
    Activation Activation,
    int WeightOffset,
    int BiasOffset,
    float Alpha = 0.01f)
{
    /// <summary>Number of weights, filters * channels * kernel * kernel.</summary>
    public int WeightCount => Filters * Channels * Kernel * Kernel;
}

/// <summary>An optimizer and its hyper-parameters, as declared on <see cref="NetworkAttribute"/>.</summary>
public sealed record OptimizerSettings(
    Optimizer Kind,
    float Momentum,
    float Beta1,
    float Beta2,
    float Epsilon,
    float WeightDecay);
