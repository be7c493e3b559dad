using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Diagnostics.CodeAnalysis;

namespace NetGen.Internal;

/// <summary>
/// Helpers the generated networks call. Not meant for user code; kept out of the hot paths
/// (each throws, so the JIT keeps the calling method small).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedCodeHelpers
{
    /// <summary>
    /// Decodes parameters compiled into a network (<c>[Network(Weights = ...)]</c>): lines of base64, each a
    /// multiple of 4 characters, of little-endian float32 values, into <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The literal does not hold exactly <paramref name="destination"/>'s values (the generated file was edited).</exception>
    public static void DecodeParameters(ReadOnlySpan<byte> base64Lines, Span<float> destination)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        int written = 0;
        while (!base64Lines.IsEmpty)
        {
            int end = base64Lines.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = (end < 0 ? base64Lines : base64Lines.Slice(0, end)).TrimEnd((byte)'\r');
            base64Lines = end < 0 ? default : base64Lines.Slice(end + 1);
            if (line.IsEmpty)
            {
                continue;
            }

            if (Base64.DecodeFromUtf8(line, bytes.Slice(written), out _, out int count) != OperationStatus.Done)
            {
                throw new InvalidOperationException("The embedded parameters are not valid base64: was the generated file edited?");
            }

            written += count;
        }

        if (written != bytes.Length)
        {
            throw new InvalidOperationException($"The embedded parameters hold {written / 4} values, not {destination.Length}: was the generated file edited?");
        }

        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(destination);
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = BinaryPrimitives.ReverseEndianness(words[i]);
            }
        }
    }

    /// <summary>A ref to the float at <paramref name="address"/>: the first element of a span the worker pool keeps pinned.</summary>
    public static unsafe ref float AsRef(nint address) => ref *(float*)address;

    /// <summary>
    /// Samples per chunk of a batch whose layers split each chunk's samples between the threads:
    /// <paramref name="perThread"/> for each thread a job may use (<see cref="WorkerPool.MaxThreads"/>), so
    /// that each core's share stays in its own cache, and at most <paramref name="most"/>.
    /// </summary>
    public static int ChunkForThreads(int perThread, int most) =>
        (int)Math.Min((long)perThread * WorkerPool.MaxThreads, Math.Max(most, perThread));

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

    /// <summary>
    /// Number of samples in <paramref name="inputs"/>, checking that it holds whole rows of
    /// <paramref name="inputSize"/> values and that <paramref name="rows"/> holds one row of
    /// <paramref name="rowSize"/> values per sample.
    /// </summary>
    public static int SampleCount(string network, ReadOnlySpan<float> inputs, int inputSize, ReadOnlySpan<float> rows, int rowSize, string rowsName)
    {
        int count = inputs.Length / inputSize;
        if (count * inputSize != inputs.Length)
        {
            ThrowLengthMismatch(network, nameof(inputs), "a multiple of InputSize = " + inputSize, inputs.Length);
        }

        if (rows.Length != count * rowSize)
        {
            ThrowLengthMismatch(network, rowsName, count + " rows of " + rowSize + " values for the " + count + " samples in inputs", rows.Length);
        }

        return count;
    }

    /// <summary>Checks a batch for training: whole rows, targets to match, at least one sample, a usable learning rate. Returns the number of samples.</summary>
    public static int TrainingBatch(string network, ReadOnlySpan<float> inputs, int inputSize, ReadOnlySpan<float> targets, int outputSize, float learningRate)
    {
        int count = SampleCount(network, inputs, inputSize, targets, outputSize, nameof(targets));
        if (count == 0)
        {
            ThrowEmptyBatch(network, nameof(inputs), inputSize);
        }

        CheckLearningRate(learningRate);
        return count;
    }

    /// <summary>Throws unless the learning rate is finite and 0 or more.</summary>
    public static void CheckLearningRate(float learningRate)
    {
        if (!(learningRate >= 0f) || float.IsPositiveInfinity(learningRate))
        {
            ThrowOutOfRange(nameof(learningRate), learningRate, "finite and 0 or more");
        }
    }

    /// <summary>Throws unless a span has the length the network expects (<paramref name="sizeName"/> = <paramref name="expected"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void CheckLength(string network, string parameter, int actual, int expected, string sizeName)
    {
        if (actual != expected)
        {
            ThrowLengthMismatch(network, parameter, sizeName + " = " + expected, actual);
        }
    }

    /// <summary>Returns <paramref name="value"/>, or throws when it is negative.</summary>
    public static long NotNegative(long value, string parameter)
    {
        if (value < 0)
        {
            ThrowOutOfRange(parameter, value, "0 or more");
        }

        return value;
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
