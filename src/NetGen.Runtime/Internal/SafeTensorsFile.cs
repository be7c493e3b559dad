using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;

namespace NetGen.Internal;

/// <summary>One float32 tensor of a safetensors file.</summary>
/// <param name="Name">The tensor's name, such as <c>0.weight</c>.</param>
/// <param name="Shape">Its dimensions, such as [128, 784].</param>
/// <param name="Begin">Offset of its first byte in the data section.</param>
/// <param name="End">Offset after its last byte in the data section.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SafeTensorEntry(string Name, long[] Shape, long Begin, long End)
{
    /// <summary>Number of values, the product of the shape.</summary>
    public long Count => Shape.Aggregate(1L, (product, d) => product * d);
}

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a UTF-8 JSON header
/// naming each tensor's dtype, shape and data offsets (plus an optional string-to-string
/// <c>__metadata__</c>), then the raw little-endian data. NetGen reads and writes F32 tensors only. Users
/// save and load networks with <see cref="Checkpoints.Checkpoint"/>; this is the file format underneath.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SafeTensorsFile
{
    /// <summary>The largest header accepted, as in the reference implementation: 100 MB.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Writes tensors (name, shape, values) and metadata to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, long[] Shape, ReadOnlyMemory<float> Values)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach ((string name, long[] shape, ReadOnlyMemory<float> values) in tensors)
            {
                writer.WriteStartObject(name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (long d in shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset += 4L * values.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        // The data section starts 8-byte aligned: pad the header with spaces, as the reference writer does.
        int padding = (int)((8 - (json.Length % 8)) % 8);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(json.Length + padding));
        stream.Write(length);
        json.Position = 0;
        json.CopyTo(stream);
        for (int i = 0; i < padding; i++)
        {
            stream.WriteByte((byte)' ');
        }

        foreach ((_, _, ReadOnlyMemory<float> values) in tensors)
        {
            WriteLittleEndian(stream, values.Span);
        }
    }

    /// <summary>
    /// Reads and checks the header of <paramref name="stream"/>: its length against the file and the limit,
    /// its JSON, and every tensor's dtype, shape and offsets (in bounds, not overlapping, no gap).
    /// </summary>
    /// <returns>The tensors by name, the metadata, and where the data section starts.</returns>
    /// <exception cref="InvalidDataException">Anything is wrong; the message names <paramref name="fileName"/>.</exception>
    public static (Dictionary<string, SafeTensorEntry> Tensors, Dictionary<string, string> Metadata, long DataStart) ReadHeader(Stream stream, string fileName)
    {
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (NotSafeTensors(prefix.Slice(0, got)) is { } what)
        {
            throw Error(fileName, $"this is {what}, not a safetensors file");
        }

        if (fileLength < 8)
        {
            throw Error(fileName, $"the file has {fileLength} bytes, too few for a safetensors header");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)MaxHeaderLength)
        {
            throw Error(fileName, $"the header length is {headerLength:N0} bytes, more than the {MaxHeaderLength:N0} allowed (not a safetensors file?)");
        }

        if ((long)headerLength > fileLength - 8)
        {
            throw Error(fileName, $"the header length is {headerLength:N0} bytes, but only {fileLength - 8:N0} follow it (truncated file?)");
        }

        byte[] header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        if (headerLength < 2 || header[0] != (byte)'{')
        {
            throw Error(fileName, "the header is not a JSON object (not a safetensors file?)");
        }

        if (!Utf8.IsValid(header))
        {
            throw Error(fileName, "the header is not valid UTF-8 text");
        }

        var tensors = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Error(fileName, "the header is not a JSON object");
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, fileName);
                    continue;
                }

                if (!tensors.TryAdd(property.Name, ReadEntry(property, dataLength, fileName)))
                {
                    throw Error(fileName, $"tensor '{property.Name}' is declared twice");
                }
            }
        }
        catch (JsonException e)
        {
            throw Error(fileName, "the header is not valid JSON: " + e.Message.TrimEnd('.'), e);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json's complaint about a value it cannot turn into a string
            throw Error(fileName, "the header has a value that cannot be read: " + e.Message.TrimEnd('.'), e);
        }

        CheckLayout(tensors.Values, dataLength, fileName);
        return (tensors, metadata, dataStart);
    }

    /// <summary>What a file is when its first bytes show it is not safetensors: a gzip file, or text; null otherwise.</summary>
    private static string? NotSafeTensors(ReadOnlySpan<byte> start)
    {
        if (start.Length >= 2 && start[0] == 0x1F && start[1] == 0x8B)
        {
            return "a gzip file";
        }

        if (start.Length >= 4 && start[0] == (byte)'P' && start[1] == (byte)'K' && start[2] == 3 && start[3] == 4)
        {
            return "a zip file (PyTorch's .pt format?)";
        }

        // the little-endian length of any header NetGen accepts (under 100 MB) ends in at least four zero
        // bytes; text has none
        if (start.Length == 8 && start.IndexOf((byte)0) < 0)
        {
            bool printable = true;
            foreach (byte b in start)
            {
                printable &= b is (>= 0x20 and < 0x7F) or (byte)'\n' or (byte)'\r' or (byte)'\t';
            }

            if (printable)
            {
                return "a text file";
            }
        }

        return null;
    }

    /// <summary>Reads one tensor's values, whose entry <see cref="ReadHeader"/> checked.</summary>
    public static void ReadValues(Stream stream, long dataStart, SafeTensorEntry entry, Span<float> destination)
    {
        if (destination.Length != entry.Count)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, but tensor {entry.Name} has {entry.Count}.", nameof(destination));
        }

        stream.Position = dataStart + entry.Begin;
        stream.ReadExactly(MemoryMarshal.AsBytes(destination));
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private static SafeTensorEntry ReadEntry(JsonProperty property, long dataLength, string fileName)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object ||
            !value.TryGetProperty("dtype", out JsonElement dtype) ||
            !value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array ||
            !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Error(fileName, $"tensor '{name}' needs a dtype, a shape and two data_offsets");
        }

        if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != "F32")
        {
            throw Error(fileName, $"tensor '{name}' has dtype {dtype}, but NetGen reads F32 only");
        }

        long[] dimensions = [.. shape.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out long v) && v >= 0 && v <= int.MaxValue ? v : throw Error(fileName, $"tensor '{name}' has an invalid dimension {d}"))];
        long begin = Offset(offsets[0]), end = Offset(offsets[1]);
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Error(fileName, $"tensor '{name}' has data_offsets [{offsets[0]}, {offsets[1]}] outside the {dataLength:N0} data bytes (truncated file?)");
        }

        var entry = new SafeTensorEntry(name, dimensions, begin, end);
        if (!Fits(dimensions, end - begin))
        {
            throw Error(fileName, $"tensor '{name}' of shape [{string.Join(", ", dimensions)}] needs {entry.Count * 4:N0} bytes, but its data_offsets span {end - begin:N0}");
        }

        return entry;
    }

    private static long Offset(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long value) ? value : -1;

    /// <summary>Whether a shape's values take exactly <paramref name="bytes"/> bytes of float32, computed without overflow.</summary>
    private static bool Fits(long[] dimensions, long bytes)
    {
        long values = 1;
        foreach (long d in dimensions)
        {
            if (d != 0 && values > (bytes / 4) / d)
            {
                return false;
            }

            values *= d;
        }

        return values * 4 == bytes;
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string fileName)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(fileName, "__metadata__ is not an object of strings");
        }

        foreach (JsonProperty entry in element.EnumerateObject())
        {
            metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw Error(fileName, $"__metadata__ entry '{entry.Name}' is not a string");
        }
    }

    /// <summary>The tensors must tile the data section: sorted by offset, each starts where the previous ended.</summary>
    private static void CheckLayout(IEnumerable<SafeTensorEntry> tensors, long dataLength, string fileName)
    {
        long expected = 0;
        string? previous = null;
        foreach (SafeTensorEntry entry in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (entry.Begin < expected)
            {
                throw Error(fileName, $"tensors '{previous}' and '{entry.Name}' overlap");
            }

            if (entry.Begin > expected)
            {
                throw Error(fileName, $"there is a gap of {entry.Begin - expected:N0} bytes before tensor '{entry.Name}'");
            }

            expected = entry.End;
            previous = entry.Name;
        }

        if (expected != dataLength)
        {
            throw Error(fileName, $"the tensors cover {expected:N0} of the {dataLength:N0} data bytes");
        }
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> word = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(word, v);
            stream.Write(word);
        }
    }

    private static InvalidDataException Error(string fileName, string problem, Exception? inner = null) =>
        new($"{fileName}: {problem}.", inner);
}
