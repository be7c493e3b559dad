using System;

namespace NetGen;

/// <summary>
/// 2-D max pooling (PyTorch's <c>nn.MaxPool2d</c>): each output is the largest input of its
/// <see cref="Size"/> x <see cref="Size"/> window, windows <see cref="Stride"/> apart, channel by channel.
/// In training, dE/dy goes back to the first largest input of the window (row by row), as in PyTorch.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : Attribute
{
    /// <summary>Max pooling over windows of <paramref name="size"/> x <paramref name="size"/>, <paramref name="size"/> apart.</summary>
    /// <param name="size">Window height and width, at least 1 and no larger than the input.</param>
    public MaxPool2DAttribute(int size)
    {
        Size = size;
        Stride = size;
    }

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Rows and columns between windows, at least 1. Default: the window's size.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// 2-D average pooling (PyTorch's <c>nn.AvgPool2d</c>): each output is the mean of its
/// <see cref="Size"/> x <see cref="Size"/> window, windows <see cref="Stride"/> apart, channel by channel.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : Attribute
{
    /// <summary>Average pooling over windows of <paramref name="size"/> x <paramref name="size"/>, <paramref name="size"/> apart.</summary>
    /// <param name="size">Window height and width, at least 1 and no larger than the input.</param>
    public AvgPool2DAttribute(int size)
    {
        Size = size;
        Stride = size;
    }

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Rows and columns between windows, at least 1. Default: the window's size.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// Dropout (PyTorch's <c>nn.Dropout</c>): in training, each output of the layer before is zeroed with
/// probability <see cref="Probability"/> and the others scaled by 1 / (1 - p), from a generator seeded by the
/// network's seed, so that runs repeat. <c>Forward</c> and <c>Predict</c> are inference: they pass values through.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Dropout of probability <paramref name="probability"/>.</summary>
    /// <param name="probability">The probability p of zeroing a value, in [0, 1). PyTorch's default is 0.5.</param>
    public DropoutAttribute(float probability = 0.5f) => Probability = probability;

    /// <summary>The probability of zeroing a value in training.</summary>
    public float Probability { get; }
}
