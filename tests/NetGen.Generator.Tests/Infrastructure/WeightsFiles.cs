using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetGen.Internal;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>
/// Weights files on disk for the generator to embed, as the AdditionalFiles items a project gives it (the
/// generator reads their bytes from their path), in a temporary folder removed on dispose.
/// </summary>
internal sealed class WeightsFiles : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("netgen-weights-");

    public string Folder => _folder.FullName;

    /// <summary>Writes <paramref name="content"/> at <paramref name="relativePath"/> and returns it as an AdditionalFiles item.</summary>
    public AdditionalText Write(string relativePath, byte[] content)
    {
        string path = Path.Combine(_folder.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return new FileText(path);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>A file already on disk (one of the repository's) as an AdditionalFiles item.</summary>
    public static AdditionalText Existing(string path) => new FileText(path);

    /// <summary>A safetensors file of the tensors given, named and shaped as given.</summary>
    public static byte[] SafeTensors(params (string Name, long[] Shape, float[] Values)[] tensors)
    {
        using var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, [.. tensors.Select(t => (t.Name, t.Shape, new ReadOnlyMemory<float>(t.Values)))], new Dictionary<string, string> { ["format"] = "pt" });
        return stream.ToArray();
    }

    /// <summary>The tensors of dense layers after <paramref name="inputs"/> inputs, in nn.Sequential's names (an activation is a module of its own), values drawn from <paramref name="seed"/>.</summary>
    public static (string Name, long[] Shape, float[] Values)[] Dense(int seed, int inputs, params (int Units, bool Activation)[] layers)
    {
        var random = new Random(seed);
        var tensors = new List<(string, long[], float[])>();
        int module = 0;
        foreach ((int units, bool activation) in layers)
        {
            tensors.Add(($"{module}.weight", [units, inputs], [.. Enumerable.Range(0, units * inputs).Select(_ => (float)((random.NextDouble() * 2) - 1))]));
            tensors.Add(($"{module}.bias", [units], [.. Enumerable.Range(0, units).Select(_ => (float)((random.NextDouble() * 2) - 1))]));
            module += activation ? 2 : 1;
            inputs = units;
        }

        return [.. tensors];
    }

    /// <summary>An AdditionalFiles item whose bytes are on disk (its text is of no use for a binary file).</summary>
    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(string.Empty);
    }
}
