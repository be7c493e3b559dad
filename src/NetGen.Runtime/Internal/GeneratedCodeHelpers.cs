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
