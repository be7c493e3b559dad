using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace NetGen.Internal;

/// <summary>
/// Helpers the generated networks call. Not meant for user code; kept out of the hot paths
/// (each throws, so the JIT keeps the calling method small).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedCodeHelpers
{
    /// <summary>A ref to the float at <paramref name="address"/>: the first element of a span the worker pool keeps pinned.</summary>
    public static unsafe ref float AsRef(nint address) => ref *(float*)address;

    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/> of the range [0, <paramref name="count"/>):
    /// consecutive ranges whose starts are multiples of <paramref name="align"/>; the last ones may be empty.
    /// </summary>
    public static (int Start, int Count) Split(int count, int part, int parts, int align)
    {
        int size = (count + parts - 1) / parts;
        size = (size + align - 1) / align * align;
        int start = Math.Min(count, part * size);
        return (start, Math.Min(count, start + size) - start);
    }

    /// <summary>Throws because a span has the wrong length.</summary>
    [DoesNotReturn]
    public static void ThrowLengthMismatch(string network, string parameter, string expectation, int actual) =>
        throw new ArgumentException(
            $"{parameter} has {actual} values, but {network} expects {expectation}.", parameter);

    /// <summary>Throws because a batch holds no sample.</summary>
    [DoesNotReturn]
    public static void ThrowEmptyBatch(string network, string parameter, int inputSize) =>
        throw new ArgumentException(
            $"{parameter} is empty, but {network} needs at least one sample of InputSize = {inputSize} values.", parameter);

    /// <summary>Throws because a hyper-parameter is out of its range.</summary>
    [DoesNotReturn]
    public static void ThrowOutOfRange(string parameter, object actual, string expectation) =>
        throw new ArgumentOutOfRangeException(parameter, actual, $"{parameter} must be {expectation}.");
}
