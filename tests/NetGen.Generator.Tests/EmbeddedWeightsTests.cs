using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>
/// <c>[Network(Weights = ...)]</c> and <c>InferenceOnly</c>: the generated files, the embedded values, and one
/// test per diagnostic of a weights file, each on the <c>Weights</c> argument.
/// </summary>
public sealed class EmbeddedWeightsTests : IDisposable
{
    private const string Declaration = """
        using NetGen;

        namespace Samples.Embedded;

        [Network(Loss = Loss.CrossEntropy, [|Weights = "tiny.safetensors"|], InferenceOnly = true)]
        [Input(4)] [Dense(5)] [ReLU] [Dense(3)] [Softmax]
        public partial class TinyClassifier;
        """;

    private readonly WeightsFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>The tensors of TinyClassifier: 0.weight [5, 4], 0.bias [5], 2.weight [3, 5], 2.bias [3].</summary>
    private static (string Name, long[] Shape, float[] Values)[] Tensors(int seed = 1) => WeightsFiles.Dense(seed, 4, (5, true), (3, true));

    private AdditionalText TinyFile(params (string Name, long[] Shape, float[] Values)[] tensors) =>
        _files.Write("tiny.safetensors", WeightsFiles.SafeTensors(tensors.Length == 0 ? Tensors() : tensors));

    [Fact]
    public void An_embedded_inference_only_network_reads_as_its_network_with_the_values_in_a_file_beside_it()
    {
        GenerationResult result = Run(Declaration, TinyFile());

        Assert.Empty(result.AnalyzerDiagnostics);
        Assert.Equal(["Samples.Embedded.TinyClassifier.Weights.g.cs", "Samples.Embedded.TinyClassifier.g.cs"], result.Sources.Keys.Order(StringComparer.Ordinal).ToArray());
        string[] problems = [.. result.CompilationDiagnostics.Select(d => d.ToString())];
        Assert.True(problems.Length == 0, string.Join("\n", problems));
        Snapshot.Verify(result.Sources["Samples.Embedded.TinyClassifier.g.cs"], "TinyClassifier");
        Snapshot.Verify(result.Sources["Samples.Embedded.TinyClassifier.Weights.g.cs"], "TinyClassifier.Weights");
    }

    [Fact]
    public void The_parameterless_constructor_starts_from_the_files_values_and_the_seeded_one_ignores_them()
    {
        (string Name, long[] Shape, float[] Values)[] tensors = Tensors(seed: 7);
        GenerationResult result = Run(Declaration.Replace("InferenceOnly = true", "InferenceOnly = false", StringComparison.Ordinal), TinyFile(tensors));

        using Loaded loaded = Loaded.From(result);
        var network = (INetwork)Activator.CreateInstance(loaded.Type("Samples.Embedded.TinyClassifier"))!;
        Assert.Equal(tensors.SelectMany(t => t.Values).ToArray(), network.Parameters.ToArray());
        var seeded = (INetwork)Activator.CreateInstance(loaded.Type("Samples.Embedded.TinyClassifier"), 7)!;
        Assert.NotEqual(network.Parameters.ToArray(), seeded.Parameters.ToArray());
    }

    [Fact]
    public void Optimizer_state_in_the_file_is_not_embedded()
    {
        (string Name, long[] Shape, float[] Values)[] tensors = Tensors();
        GenerationResult result = Run(Declaration, TinyFile([.. tensors, .. tensors.Select(t => ("optimizer." + t.Name + ".exp_avg", t.Shape, t.Values))]));

        Assert.Empty(result.AnalyzerDiagnostics);
        using Loaded loaded = Loaded.From(result);
        var network = (IPredictor)Activator.CreateInstance(loaded.Type("Samples.Embedded.TinyClassifier"))!;
        Assert.Equal(tensors.SelectMany(t => t.Values).ToArray(), network.Parameters.ToArray());
    }

    [Fact]
    public void NG0022_the_file_is_not_an_additional_files_item() =>
        Expect("NG0022", Declaration, "embeds weights from 'tiny.safetensors', which is not an AdditionalFiles item of this project: add <AdditionalFiles Include=\"tiny.safetensors\" />");

    [Fact]
    public void NG0022_another_file_is_not_the_one_named() =>
        Expect("NG0022", Declaration, "not an AdditionalFiles item", _files.Write("other.safetensors", WeightsFiles.SafeTensors(Tensors())));

    [Fact]
    public void NG0028_the_name_matches_files_in_two_folders() =>
        Expect(
            "NG0028",
            Declaration,
            "matches several AdditionalFiles items",
            _files.Write(Path.Combine("a", "tiny.safetensors"), WeightsFiles.SafeTensors(Tensors())),
            _files.Write(Path.Combine("b", "tiny.safetensors"), WeightsFiles.SafeTensors(Tensors())));

    [Theory]
    [InlineData("gzip", "this is a gzip file, not a safetensors file")]
    [InlineData("zip", "this is a zip file (PyTorch's .pt format?)")]
    [InlineData("text", "more than the 100,000,000 allowed (not a safetensors file?)")]
    [InlineData("short", "the file has 5 bytes, too few for a safetensors header")]
    [InlineData("truncated", "outside the")]
    [InlineData("json", "the header is not valid JSON")]
    [InlineData("array", "the header is an array, not a JSON object")]
    [InlineData("twice", "tensor '0.bias' is declared twice")]
    public void NG0023_a_file_that_is_not_safetensors_or_is_damaged(string damage, string expected)
    {
        byte[] valid = WeightsFiles.SafeTensors(Tensors());
        int headerLength = (int)BitConverter.ToUInt64(valid, 0);
        string json = Encoding.UTF8.GetString(valid, 8, headerLength);
        byte[] WithHeader(string header)
        {
            byte[] h = Encoding.UTF8.GetBytes(header);
            return [.. BitConverter.GetBytes((ulong)h.Length), .. h, .. valid.AsSpan(8 + headerLength).ToArray()];
        }

        byte[] content = damage switch
        {
            "gzip" => [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3],
            "zip" => [.. "PK\u0003\u0004"u8, .. new byte[40]],
            "text" => Encoding.UTF8.GetBytes("0.weight,0.bias\n1,2\n"),
            "short" => [1, 2, 3, 4, 5],
            "truncated" => valid[..^20],
            "json" => WithHeader(json.Replace("\"dtype\":", "\"dtype\";", StringComparison.Ordinal)),
            "array" => WithHeader("[1, 2]"),
            "twice" => WithHeader(json.Replace("\"0.bias\":", "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[80,100]},\"0.bias\":", StringComparison.Ordinal)),
            _ => throw new ArgumentException(damage),
        };
        Expect("NG0023", Declaration, expected, _files.Write("tiny.safetensors", content));
    }

    [Fact]
    public void NG0024_a_layer_is_missing() =>
        Expect("NG0024", Declaration, "it has no tensor '2.weight' for dense layer 2's W [3, 5] (the network's tensors are 0.weight, 0.bias, 2.weight, 2.bias)", TinyFile(Tensors()[..2]));

    [Fact]
    public void NG0024_tensors_named_as_in_another_module_say_how_to_name_them() =>
        Expect("NG0024", Declaration, "it has no tensor '0.weight' for dense layer 1's W [5, 4], but a tensor 'fc1.weight' of that shape: name the tensors as in the equivalent nn.Sequential", TinyFile([.. Tensors().Select(t => (t.Name.Replace("0.", "fc1.", StringComparison.Ordinal), t.Shape, t.Values))]));

    [Fact]
    public void NG0024_an_extra_tensor() =>
        Expect("NG0024", Declaration, "tensor '4.weight' [2, 3] is not a parameter of TinyClassifier", TinyFile([.. Tensors(), ("4.weight", [2, 3], new float[6])]));

    [Fact]
    public void NG0025_a_transposed_weight() =>
        Expect("NG0025", Declaration, "tensor '2.weight' has shape [5, 3], but dense layer 2's W is [3, 5] (transposed: nn.Linear stores W as [out_features, in_features])", TinyFile([.. Tensors().Select(t => t.Name == "2.weight" ? (t.Name, new long[] { 5, 3 }, t.Values) : t)]));

    [Fact]
    public void NG0025_half_precision()
    {
        byte[] content = WeightsFiles.SafeTensors(Tensors());
        byte[] f16 = Encoding.UTF8.GetBytes("F16"), f32 = Encoding.UTF8.GetBytes("F32");
        int at = content.AsSpan().IndexOf(f32);
        f16.CopyTo(content, at); // the first tensor's dtype; the same length, so the header stays valid
        Expect("NG0025", Declaration, "is F16, but NetGen embeds float32 (F32) only", _files.Write("tiny.safetensors", content));
    }

    [Fact]
    public void NG0026_a_value_that_is_not_finite()
    {
        (string Name, long[] Shape, float[] Values)[] tensors = Tensors();
        tensors[2].Values[(2 * 5) + 3] = float.NaN; // 2.weight [3, 5], row 2, column 3
        Expect("NG0026", Declaration, "tensor '2.weight' holds NaN at [2, 3]", TinyFile(tensors));
    }

    [Fact]
    public void NG0027_a_file_larger_than_netgen_embeds()
    {
        AdditionalText file = _files.Write("tiny.safetensors", []);
        using (var stream = new FileStream(file.Path, FileMode.Open))
        {
            stream.SetLength((64L << 20) + 1); // sparse: no disk written
        }

        Expect("NG0027", Declaration, "the file has 67,108,865 bytes, more than the 67,108,864 NetGen embeds", file);
    }

    [Fact]
    public void A_path_relative_to_the_declaring_file_picks_that_file_among_files_of_the_same_name()
    {
        AdditionalText wanted = _files.Write(Path.Combine("src", "models", "tiny.safetensors"), WeightsFiles.SafeTensors(Tensors(seed: 3)));
        AdditionalText other = _files.Write(Path.Combine("other", "models", "tiny.safetensors"), WeightsFiles.SafeTensors(Tensors(seed: 4)));
        string source = Declaration.Replace("[|", string.Empty, StringComparison.Ordinal).Replace("|]", string.Empty, StringComparison.Ordinal)
            .Replace("\"tiny.safetensors\"", "\"models/tiny.safetensors\"", StringComparison.Ordinal);
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: Path.Combine(_files.Folder, "src", "Network.cs"));
        var compilation = GeneratorHarness.CreateCompilation().AddSyntaxTrees(tree);

        GenerationResult result = GeneratorHarness.Run(compilation, [other, wanted]);

        Assert.Empty(result.AnalyzerDiagnostics);
        using Loaded loaded = Loaded.From(result);
        var network = (IPredictor)Activator.CreateInstance(loaded.Type("Samples.Embedded.TinyClassifier"))!;
        Assert.Equal(Tensors(seed: 3).SelectMany(t => t.Values).ToArray(), network.Parameters.ToArray());
    }

    private static GenerationResult Run(string markup, params AdditionalText[] files)
    {
        (string source, _) = Markup.Parse(markup);
        return GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source), [.. files]);
    }

    private static void Expect(string id, string markup, string message, params AdditionalText[] files)
    {
        (string source, TextSpan span) = Markup.Parse(markup);
        GenerationResult result = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source), [.. files]);

        Assert.Null(result.Generator.Exception);
        Assert.Empty(result.GeneratorDiagnostics);
        Diagnostic diagnostic = Assert.Single(result.AnalyzerDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.Sources); // nothing generated from a file that does not fit
    }

    /// <summary>The compilation with the generated code, emitted and loaded into a context of its own.</summary>
    private sealed class Loaded : IDisposable
    {
        private readonly AssemblyLoadContext _context = new("embedded", isCollectible: true);
        private System.Reflection.Assembly _assembly = null!;

        public static Loaded From(GenerationResult result)
        {
            using var image = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emitted = result.Output.Emit(image);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
            image.Position = 0;
            var loaded = new Loaded();
            loaded._assembly = loaded._context.LoadFromStream(image);
            return loaded;
        }

        public Type Type(string name) => _assembly.GetType(name, throwOnError: true)!;

        public void Dispose() => _context.Unload();
    }
}
