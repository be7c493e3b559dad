using System;

namespace NetGen;

/// <summary>
/// A 2-D convolution over an image of C channels (PyTorch's <c>nn.Conv2d</c>):
/// z[f, r, c] = b[f] + sum over channels ch and kernel offsets (u, v) of K[f, ch, u, v] x[ch, r S + u - P, c S + v - P],
/// with K of shape [filters, channels, kernel, kernel], stride S and zero padding P; then an optional
/// activation, given here or as the next attribute. A square kernel.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>A convolution with <paramref name="filters"/> output channels and a square kernel of <paramref name="kernel"/> x <paramref name="kernel"/>, no activation.</summary>
    /// <param name="filters">Output channels, at least 1.</param>
    /// <param name="kernel">Kernel height and width, at least 1 and no larger than the padded input.</param>
    public Conv2DAttribute(int filters, int kernel)
        : this(filters, kernel, Activation.Identity)
    {
    }

    /// <summary>A convolution followed by <paramref name="activation"/>.</summary>
    /// <param name="filters">Output channels, at least 1.</param>
    /// <param name="kernel">Kernel height and width, at least 1 and no larger than the padded input.</param>
    /// <param name="activation">The activation applied to each output.</param>
    public Conv2DAttribute(int filters, int kernel, Activation activation)
    {
        Filters = filters;
        Kernel = kernel;
        Activation = activation;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel height and width.</summary>
    public int Kernel { get; }

    /// <summary>The activation applied to each output.</summary>
    public Activation Activation { get; }

    /// <summary>Rows and columns the kernel moves between outputs, at least 1. Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Rows and columns of zeros added on every side of the input, 0 or more. Default 0.</summary>
    public int Padding { get; set; }

    /// <summary>Slope for negative inputs when <see cref="Activation"/> is <see cref="NetGen.Activation.LeakyReLU"/>. Default 0.01.</summary>
    public float Alpha { get; set; } = 0.01f;
}
