using System;

namespace NetGen;

/// <summary>
/// A fully connected layer: z = W x + b with W of shape [units, inputs], then an optional activation,
/// given here or as the next attribute (<see cref="ReLUAttribute"/>, <see cref="SoftmaxAttribute"/>, ...).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>A dense layer of <paramref name="units"/> outputs with no activation (identity).</summary>
    /// <param name="units">Number of outputs, at least 1.</param>
    public DenseAttribute(int units)
        : this(units, Activation.Identity)
    {
    }

    /// <summary>A dense layer of <paramref name="units"/> outputs followed by <paramref name="activation"/>.</summary>
    /// <param name="units">Number of outputs, at least 1.</param>
    /// <param name="activation">The activation applied to the layer's output.</param>
    public DenseAttribute(int units, Activation activation)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>The activation applied to the layer's output.</summary>
    public Activation Activation { get; }

    /// <summary>Slope for negative inputs when <see cref="Activation"/> is <see cref="NetGen.Activation.LeakyReLU"/>. Default 0.01.</summary>
    public float Alpha { get; set; } = 0.01f;
}
