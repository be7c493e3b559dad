using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Weights;

/// <summary>Why a network's weights file cannot be embedded: a diagnostic and its message arguments.</summary>
internal sealed record WeightsProblem(DiagnosticDescriptor Descriptor, string[] Arguments);

/// <summary>What resolving a network's weights gave: the parameters to embed, or the problem.</summary>
internal readonly record struct WeightsResolution(EmbeddedWeights? Weights, WeightsProblem? Problem);

/// <summary>
/// Finds the AdditionalFiles item a network's <c>Weights</c> names and checks it as <c>Checkpoint.Load</c> would
/// at run time: a safetensors file whose tensors are exactly the network's parameters (named as in the
/// equivalent <c>nn.Sequential</c>, float32, <c>[units, inputs]</c> and <c>[units]</c>; optimizer state under
/// <c>optimizer.</c> is ignored), every value finite. Shared by the generator, which embeds the result, and the
/// analyzer, which reports the problem on the <c>Weights</c> argument. Never throws on a bad file.
/// </summary>
internal static class WeightsReader
{
    private const long MaxHeaderBytes = 100_000_000;
    private const string OptimizerPrefix = "optimizer.";

    /// <summary>Resolves <paramref name="model"/>'s weights among <paramref name="files"/>; nothing to do without <c>Weights</c>.</summary>
    public static WeightsResolution Resolve(NetworkModel model, IReadOnlyList<WeightsFile> files)
    {
        if (model.Weights is not { } weights)
        {
            return default;
        }

        WeightsProblem Problem(DiagnosticDescriptor descriptor, params string[] more) =>
            new(descriptor, [model.ClassName, weights, .. more]);

        List<WeightsFile> matches = Find(weights, model.DeclaringFile, files);
        if (matches.Count == 0)
        {
            return new(null, Problem(DiagnosticDescriptors.WeightsFileNotFound));
        }

        if (matches.Count > 1)
        {
            return new(null, Problem(DiagnosticDescriptors.WeightsFileAmbiguous, string.Join(", ", matches.Select(m => m.Path))));
        }

        WeightsFile file = matches[0];
        if (file.ReadError is { } error)
        {
            return new(null, Problem(DiagnosticDescriptors.WeightsFileUnreadable, "the file cannot be read: " + error));
        }

        if (file.Length > DiagnosticDescriptors.MaxWeightsFileBytes)
        {
            return new(null, Problem(DiagnosticDescriptors.WeightsFileTooLarge, Grouped(file.Length), Grouped(DiagnosticDescriptors.MaxWeightsFileBytes)));
        }

        return Check(model, weights, file.Content, Problem);
    }

    /// <summary>
    /// The items <paramref name="weights"/> names: the file at that path from the declaring file's folder if
    /// there is one, else every item whose path ends with it (a file name matches in any folder).
    /// </summary>
    private static List<WeightsFile> Find(string weights, string declaringFile, IReadOnlyList<WeightsFile> files)
    {
        string wanted = Normalize(weights);
        while (wanted.StartsWith("./", StringComparison.Ordinal))
        {
            wanted = wanted.Substring(2);
        }

        if (wanted.Length == 0)
        {
            return [];
        }

        string? relative = RelativeTo(declaringFile, wanted);
        List<WeightsFile> exact = [.. files.Where(f => Normalize(f.Path) == wanted || (relative is not null && Normalize(f.Path) == relative))];
        if (exact.Count > 0)
        {
            return exact;
        }

        return [.. files.Where(f => Normalize(f.Path).EndsWith("/" + wanted, StringComparison.Ordinal))];
    }

    /// <summary>The full path of <paramref name="wanted"/> from the folder of <paramref name="declaringFile"/>, with '..' resolved; null without a folder.</summary>
    private static string? RelativeTo(string declaringFile, string wanted)
    {
        int slash = Normalize(declaringFile).LastIndexOf('/');
        if (slash < 0 || wanted.StartsWith("/", StringComparison.Ordinal) || (wanted.Length > 1 && wanted[1] == ':'))
        {
            return null;
        }

        var parts = new List<string>(Normalize(declaringFile).Substring(0, slash).Split('/'));
        foreach (string part in wanted.Split('/'))
        {
            if (part == "..")
            {
                if (parts.Count > 1)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part is not "." and not "")
            {
                parts.Add(part);
            }
        }

        return string.Join("/", parts);
    }

    private static string Normalize(string path) => path.Replace('\\', '/');

    /// <summary>The tensors the network needs, in parameter order: each layer's weights (W, or a convolution's K), then its b.</summary>
    private static IEnumerable<(string Name, long[] Shape, int Offset, string Role)> Layout(NetworkModel model) =>
        model.ParameterLayers().SelectMany(layer => new[]
        {
            (layer.ModuleIndex.ToString(CultureInfo.InvariantCulture) + ".weight", WeightShape(layer), layer.WeightOffset, layer is ConvolutionLayerModel ? $"convolution {layer.Number}'s K" : $"dense layer {layer.Number}'s W"),
            (layer.ModuleIndex.ToString(CultureInfo.InvariantCulture) + ".bias", new long[] { layer.BiasCount }, layer.BiasOffset, layer is ConvolutionLayerModel ? $"convolution {layer.Number}'s b" : $"dense layer {layer.Number}'s b"),
        });

    /// <summary>PyTorch's shape of a layer's weights: [units, inputs] for nn.Linear, [filters, channels, kernel, kernel] for nn.Conv2d.</summary>
    private static long[] WeightShape(ParameterLayerModel layer) => layer is ConvolutionLayerModel conv
        ? [conv.Filters, conv.In.Channels, conv.Kernel, conv.Kernel]
        : [layer.Units, layer.Inputs];

    private sealed record Tensor(string Name, string DType, long[] Shape, long Begin, long End);

    private static WeightsResolution Check(NetworkModel model, string weights, byte[] content, Func<DiagnosticDescriptor, string[], WeightsProblem> problem)
    {
        WeightsResolution Unreadable(string why) => new(null, problem(DiagnosticDescriptors.WeightsFileUnreadable, [why]));

        if (content.Length >= 2 && content[0] == 0x1F && content[1] == 0x8B)
        {
            return Unreadable("this is a gzip file, not a safetensors file");
        }

        if (content.Length >= 4 && content[0] == (byte)'P' && content[1] == (byte)'K' && content[2] == 3 && content[3] == 4)
        {
            return Unreadable("this is a zip file (PyTorch's .pt format?), not a safetensors file: save it with safetensors.torch.save_file");
        }

        if (content.Length < 8)
        {
            return Unreadable($"the file has {content.Length} bytes, too few for a safetensors header");
        }

        ulong headerLength = BitConverter.IsLittleEndian
            ? BitConverter.ToUInt64(content, 0)
            : BitConverter.ToUInt64([content[7], content[6], content[5], content[4], content[3], content[2], content[1], content[0]], 0);
        if (headerLength > MaxHeaderBytes)
        {
            return Unreadable($"the header length is {Grouped((long)Math.Min(headerLength, long.MaxValue))} bytes, more than the {Grouped(MaxHeaderBytes)} allowed (not a safetensors file?)");
        }

        if ((long)headerLength > content.Length - 8)
        {
            return Unreadable($"the header length is {Grouped((long)headerLength)} bytes, but only {Grouped(content.Length - 8)} follow it (a truncated file?)");
        }

        JsonValue root;
        try
        {
            root = Json.Parse(content, 8, (int)headerLength);
        }
        catch (FormatException e)
        {
            return Unreadable(e.Message);
        }

        if (root is not JsonObject header)
        {
            return Unreadable("the header is " + root.Describe() + ", not a JSON object (not a safetensors file?)");
        }

        long dataStart = 8 + (long)headerLength, dataLength = content.Length - dataStart;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, JsonValue> member in header.Members)
        {
            if (member.Key == "__metadata__")
            {
                continue;
            }

            if (tensors.ContainsKey(member.Key))
            {
                return Unreadable($"tensor '{member.Key}' is declared twice");
            }

            if (ReadTensor(member.Key, member.Value, dataLength, out Tensor? tensor) is { } why)
            {
                return Unreadable(why);
            }

            tensors.Add(member.Key, tensor!);
        }

        var layout = Layout(model).ToList();
        string expectedNames = string.Join(", ", layout.Select(t => t.Name));
        List<Tensor> extra = [.. tensors.Values.Where(t => !t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && !layout.Any(l => l.Name == t.Name))];
        foreach ((string name, long[] shape, _, string role) in layout)
        {
            if (!tensors.ContainsKey(name))
            {
                Tensor? renamed = extra.FirstOrDefault(t => t.Shape.SequenceEqual(shape));
                string why = renamed is not null
                    ? $"it has no tensor '{name}' for {role} {Shape(shape)}, but a tensor '{renamed.Name}' of that shape: name the tensors as in the equivalent nn.Sequential ({expectedNames})"
                    : $"it has no tensor '{name}' for {role} {Shape(shape)} (the network's tensors are {expectedNames})";
                return new(null, problem(DiagnosticDescriptors.WeightsTensorsMismatch, [why]));
            }
        }

        if (extra.Count > 0)
        {
            return new(null, problem(DiagnosticDescriptors.WeightsTensorsMismatch, [$"tensor '{extra[0].Name}' {Shape(extra[0].Shape)} is not a parameter of {model.ClassName} (its tensors are {expectedNames}); was the file saved from another network?"]));
        }

        foreach ((string name, long[] shape, _, string role) in layout)
        {
            Tensor tensor = tensors[name];
            if (tensor.DType != "F32")
            {
                return new(null, problem(DiagnosticDescriptors.WeightsTensorShape, [name, $"is {tensor.DType}, but NetGen embeds float32 (F32) only: convert the model to float32 (model.float()) before saving"]));
            }

            if (!tensor.Shape.SequenceEqual(shape))
            {
                bool transposed = tensor.Shape.Length == 2 && shape.Length == 2 && tensor.Shape[0] == shape[1] && tensor.Shape[1] == shape[0];
                string hint = transposed ? " (transposed: nn.Linear stores W as [out_features, in_features])" : string.Empty;
                return new(null, problem(DiagnosticDescriptors.WeightsTensorShape, [name, $"has shape {Shape(tensor.Shape)}, but {role} is {Shape(shape)}{hint}"]));
            }

            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (tensor.End - tensor.Begin != 4 * count)
            {
                return Unreadable($"tensor '{name}' has data_offsets [{tensor.Begin}, {tensor.End}] for {Grouped(tensor.End - tensor.Begin)} bytes, but its shape {Shape(shape)} needs {Grouped(4 * count)}");
            }
        }

        // Every tensor checked: the sizes are those of the network, which the file holds.
        var parameters = new byte[4L * model.ParameterCount];
        foreach ((string name, long[] shape, int offset, _) in layout)
        {
            Tensor tensor = tensors[name];
            long count = shape.Aggregate(1L, (a, b) => a * b);
            int source = (int)(dataStart + tensor.Begin);
            for (int i = 0; i < count; i++)
            {
                float value = ReadSingle(content, source + (4 * i));
                if (float.IsNaN(value) || float.IsInfinity(value))
                {
                    string where = shape.Length == 2 ? $"[{i / shape[1]}, {i % shape[1]}]" : $"[{i}]";
                    return new(null, problem(DiagnosticDescriptors.WeightsNotFinite, [name, value.ToString(CultureInfo.InvariantCulture), where]));
                }
            }

            Buffer.BlockCopy(content, source, parameters, 4 * offset, (int)(4 * count));
        }

        return new(new EmbeddedWeights(weights, Convert.ToBase64String(parameters), model.ParameterCount), null);
    }

    /// <summary>Reads a tensor's entry of the header; returns what is wrong with it, or null.</summary>
    private static string? ReadTensor(string name, JsonValue value, long dataLength, out Tensor? tensor)
    {
        tensor = null;
        if (value is not JsonObject entry)
        {
            return $"tensor '{name}' is {value.Describe()}, not an object with dtype, shape and data_offsets";
        }

        if (entry["dtype"] is not JsonString dtype)
        {
            return $"tensor '{name}' has no dtype string";
        }

        if (entry["shape"] is not JsonArray shapeArray)
        {
            return $"tensor '{name}' has no shape array";
        }

        var shape = new long[shapeArray.Items.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeArray.Items[i] is not JsonNumber n || !n.TryGetCount(out shape[i]) || shape[i] > int.MaxValue)
            {
                return $"tensor '{name}' has an invalid dimension {shapeArray.Items[i].Describe()}";
            }
        }

        if (entry["data_offsets"] is not JsonArray { Items.Count: 2 } offsets ||
            offsets.Items[0] is not JsonNumber first || !first.TryGetCount(out long begin) ||
            offsets.Items[1] is not JsonNumber second || !second.TryGetCount(out long end))
        {
            return $"tensor '{name}' has no data_offsets [begin, end]";
        }

        if (begin > end || end > dataLength)
        {
            return $"tensor '{name}' has data_offsets [{begin}, {end}] outside the {Grouped(dataLength)} bytes of data";
        }

        tensor = new Tensor(name, dtype.Value, shape, begin, end);
        return null;
    }

    private static float ReadSingle(byte[] bytes, int at)
    {
        if (BitConverter.IsLittleEndian)
        {
            return BitConverter.ToSingle(bytes, at);
        }

        return BitConverter.ToSingle([bytes[at + 3], bytes[at + 2], bytes[at + 1], bytes[at]], 0);
    }

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The problems of every weights file, as diagnostics at <paramref name="location"/>.</summary>
    public static Diagnostic ToDiagnostic(WeightsProblem problem, Location location) =>
        Diagnostic.Create(problem.Descriptor, location, problem.Arguments.Cast<object>().ToArray());

    /// <summary>Items that could be weights files, read.</summary>
    public static ImmutableArray<WeightsFile> ReadCandidates(ImmutableArray<AdditionalText> texts, System.Threading.CancellationToken cancellationToken) =>
        [.. texts.Where(WeightsFile.IsCandidate).Select(t => WeightsFile.Read(t, cancellationToken))];
}
