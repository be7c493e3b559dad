using System.ComponentModel;

namespace NetGen.Internal;

/// <summary>
/// The compile-time description of one 2-D convolution: the generator writes a struct of constants, and
/// the kernels in <see cref="Convolution{TLayer}"/> are compiled by the JIT for exactly that layer.
/// z[f, r, c] = b[f] + sum over ch, u, v of K[f, ch, u, v] x[ch, r S + u - P, c S + v - P].
/// </summary>
/// <remarks>Used by generated code; not meant to be implemented by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IConvolutionLayer : ILayer
{
    /// <summary>Channels of the input.</summary>
    static abstract int Channels { get; }

    /// <summary>Rows of the input.</summary>
    static abstract int Height { get; }

    /// <summary>Columns of the input.</summary>
    static abstract int Width { get; }

    /// <summary>Output channels: one kernel each.</summary>
    static abstract int Filters { get; }

    /// <summary>Kernel rows and columns.</summary>
    static abstract int Kernel { get; }

    /// <summary>Rows and columns between outputs' windows.</summary>
    static abstract int Stride { get; }

    /// <summary>Zeros around the input on every side.</summary>
    static abstract int Padding { get; }

    /// <summary>Rows of the output: (Height + 2 Padding - Kernel) / Stride + 1.</summary>
    static abstract int OutputHeight { get; }

    /// <summary>Columns of the output.</summary>
    static abstract int OutputWidth { get; }

    /// <summary>Offset of K [Filters, Channels, Kernel, Kernel], row-major, in the network's parameters.</summary>
    static abstract int WeightOffset { get; }

    /// <summary>Offset of b [Filters] in the network's parameters.</summary>
    static abstract int BiasOffset { get; }

    /// <summary>Whether SGD multiplies every weight by 1 - lr wd (weight decay).</summary>
    static abstract bool DecaysWeights { get; }
}

/// <summary>The compile-time description of one 2-D max or average pooling layer, channel by channel.</summary>
/// <remarks>Used by generated code; not meant to be implemented by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IPoolingLayer : ILayer
{
    /// <summary>Channels of the input and of the output.</summary>
    static abstract int Channels { get; }

    /// <summary>Rows of the input.</summary>
    static abstract int Height { get; }

    /// <summary>Columns of the input.</summary>
    static abstract int Width { get; }

    /// <summary>Window rows and columns.</summary>
    static abstract int Size { get; }

    /// <summary>Rows and columns between windows.</summary>
    static abstract int Stride { get; }

    /// <summary>Rows of the output: (Height - Size) / Stride + 1.</summary>
    static abstract int OutputHeight { get; }

    /// <summary>Columns of the output.</summary>
    static abstract int OutputWidth { get; }

    /// <summary>Max pooling (true) or average pooling (false).</summary>
    static abstract bool Max { get; }
}

/// <summary>The compile-time description of one dropout layer.</summary>
/// <remarks>Used by generated code; not meant to be implemented by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDropoutLayer : ILayer
{
    /// <summary>The probability of zeroing a value in training, in [0, 1).</summary>
    static abstract float Probability { get; }
}
