using System;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Weights;

/// <summary>
/// A safetensors file the project gives the compiler as an AdditionalFiles item: its path and its bytes, or
/// why they could not be read. Value-equal (the bytes compared as a block), so the pipeline re-runs only the
/// networks whose file changed.
/// </summary>
internal sealed class WeightsFile : IEquatable<WeightsFile>
{
    private readonly byte[] _content;
    private readonly int _hash;

    private WeightsFile(string path, byte[] content, long length, string? readError)
    {
        Path = path;
        _content = content;
        Length = length;
        ReadError = readError;
        int hash = StringComparer.Ordinal.GetHashCode(path) ^ length.GetHashCode();
        for (int i = 0; i < content.Length; i += 4099)
        {
            hash = unchecked((hash * 31) + content[i]);
        }

        _hash = hash;
    }

    /// <summary>The item's full path.</summary>
    public string Path { get; }

    /// <summary>The file's bytes; empty when it could not be read or is larger than NetGen embeds.</summary>
    public byte[] Content => _content;

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    /// <summary>Why the file could not be read, or null.</summary>
    public string? ReadError { get; }

    /// <summary>Whether an AdditionalFiles item may be a weights file: NetGen embeds safetensors files only.</summary>
    public static bool IsCandidate(AdditionalText text) =>
        text.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads an item's bytes. Roslyn hands additional files to generators as text, which cannot carry binary
    /// data, so the file is read from its path, once per change of the item; a file larger than
    /// <see cref="Diagnostics.DiagnosticDescriptors.MaxWeightsFileBytes"/> is not read at all.
    /// </summary>
    public static WeightsFile Read(AdditionalText text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
#pragma warning disable RS1035 // File IO: additional files are only offered as text, and a safetensors file is binary. Reading it is deterministic: the same item, the same bytes.
        try
        {
            var info = new FileInfo(text.Path);
            long length = info.Length;
            if (length > Diagnostics.DiagnosticDescriptors.MaxWeightsFileBytes)
            {
                return new WeightsFile(text.Path, [], length, null);
            }

            byte[] content = File.ReadAllBytes(text.Path);
            return new WeightsFile(text.Path, content, content.Length, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException or ArgumentException)
        {
            return new WeightsFile(text.Path, [], 0, e.Message.TrimEnd('.'));
        }
#pragma warning restore RS1035
    }

    public bool Equals(WeightsFile? other) =>
        other is not null && _hash == other._hash && Length == other.Length && Path == other.Path &&
        ReadError == other.ReadError && _content.AsSpan().SequenceEqual(other._content);

    public override bool Equals(object? obj) => Equals(obj as WeightsFile);

    public override int GetHashCode() => _hash;
}
