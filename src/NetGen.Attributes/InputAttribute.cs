using System;

namespace NetGen;

/// <summary>Declares the number of inputs of one sample. Must come first, exactly once.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares an input of <paramref name="size"/> values per sample.</summary>
    /// <param name="size">Number of inputs, at least 1.</param>
    public InputAttribute(int size) => Size = size;

    /// <summary>Number of inputs of one sample.</summary>
    public int Size { get; }
}
