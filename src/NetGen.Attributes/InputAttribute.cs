using System;

namespace NetGen;

/// <summary>
/// Declares the input of one sample: a vector of <see cref="Size"/> values, or an image of
/// <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> values stored channel by channel, row by
/// row (PyTorch's [C, H, W]), which convolution and pooling layers read. Must come first, exactly once.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares an input of <paramref name="size"/> values per sample.</summary>
    /// <param name="size">Number of inputs, at least 1.</param>
    public InputAttribute(int size)
    {
        Size = size;
        Channels = 1;
        Height = 1;
        Width = size;
    }

    /// <summary>Declares an image input of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> values per sample.</summary>
    /// <param name="channels">Number of channels (1 for grey, 3 for colour), at least 1.</param>
    /// <param name="height">Rows of each channel, at least 1.</param>
    /// <param name="width">Columns of each row, at least 1.</param>
    public InputAttribute(int channels, int height, int width)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Size = channels * height * width;
    }

    /// <summary>Number of inputs of one sample.</summary>
    public int Size { get; }

    /// <summary>Channels of an image input; 1 for a vector.</summary>
    public int Channels { get; }

    /// <summary>Rows of an image input; 1 for a vector.</summary>
    public int Height { get; }

    /// <summary>Columns of an image input; <see cref="Size"/> for a vector.</summary>
    public int Width { get; }
}
