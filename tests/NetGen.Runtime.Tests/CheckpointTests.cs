using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NetGen.Checkpoints;

namespace NetGen.Runtime.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static T Trained<T>(T network, int steps = 3)
        where T : INetwork
    {
        float[] inputs = [.. Enumerable.Range(0, 4 * 6).Select(i => MathF.Sin(i))];
        float[] targets = [.. Enumerable.Range(0, 6 * 3).Select(i => i % 3 == i / 3 % 3 ? 1f : 0f)];
        for (int s = 0; s < steps; s++)
        {
            network.TrainBatch(inputs, targets, 0.05f);
        }

        return network;
    }

    [Fact]
    public void Round_trip_restores_parameters_optimizer_state_and_step_count_exactly()
    {
        TinyAdamNet saved = Trained(new TinyAdamNet(1));
        string path = _files.PathOf("adam.safetensors");
        Checkpoint.Save(saved, path, new System.Collections.Generic.Dictionary<string, string> { [Checkpoint.EpochKey] = "7" });

        var loaded = new TinyAdamNet(2);
        CheckpointInfo info = Checkpoint.Load(loaded, path);

        Assert.Equal(saved.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(saved.OptimizerState.ToArray(), loaded.OptimizerState.ToArray());
        Assert.Equal(3, loaded.StepCount);
        Assert.True(info.RestoredOptimizerState);
        Assert.Equal(7, info.Epoch);
        Assert.Equal("TinyAdamNet", info.Metadata[Checkpoint.NetworkKey]);
    }

    [Fact]
    public void The_file_is_safetensors_named_like_a_pytorch_sequential()
    {
        var network = Trained(new TinyNet(3));
        string path = _files.PathOf("tiny.safetensors");
        Checkpoint.Save(network, path);

        // An independent reading of the format: u64 header length, JSON, little-endian F32 data.
        byte[] file = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, (8 + headerLength) % 8);
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        byte[] data = file[(int)(8 + headerLength)..];

        // [Dense(5)] [Tanh] [Dense(6)] [Dense(3)] [Softmax] is Linear, Tanh, Linear, Linear, Softmax.
        string[] names = [.. header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__")];
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"], names);
        Assert.Equal("pt", header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());

        int offset = 0;
        foreach (DenseLayerInfo layer in TinyNet.Info.Layers)
        {
            JsonElement weight = header.RootElement.GetProperty($"{layer.ModuleIndex}.weight");
            Assert.Equal("F32", weight.GetProperty("dtype").GetString());
            Assert.Equal([layer.Units, layer.Inputs], weight.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal([offset * 4, (offset + layer.WeightCount) * 4], weight.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt32()));
            offset += layer.WeightCount + layer.Units;
        }

        Assert.Equal(MemoryMarshal.AsBytes(network.Parameters).ToArray(), data);
    }

    [Fact]
    public void Sgd_networks_save_no_optimizer_state_and_loading_one_into_adam_keeps_its_state()
    {
        var sgd = Trained(new TinyNet(1));
        string path = _files.PathOf("sgd.safetensors");
        Checkpoint.Save(sgd, path);
        Assert.DoesNotContain("optimizer.", Encoding.UTF8.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);

        TinyMomentumNet momentum = Trained(new TinyMomentumNet(1));
        float[] state = momentum.OptimizerState.ToArray();
        string momentumPath = _files.PathOf("momentum.safetensors");
        Checkpoint.Save(momentum, momentumPath);
        Assert.Contains("optimizer.0.weight.momentum_buffer", Encoding.UTF8.GetString(File.ReadAllBytes(momentumPath)), StringComparison.Ordinal);

        var fresh = new TinyMomentumNet(5);
        Assert.True(Checkpoint.Load(fresh, momentumPath).RestoredOptimizerState);
        Assert.Equal(state, fresh.OptimizerState.ToArray());
    }

    [Fact]
    public void The_step_count_travels_with_sgd_networks_too_but_not_into_a_stateful_network()
    {
        var sgd = Trained(new TinyNet(1));
        Assert.True(sgd.StepCount > 0);
        string path = _files.PathOf("steps.safetensors");
        Checkpoint.Save(sgd, path);

        var fresh = new TinyNet(3);
        Assert.False(Checkpoint.Load(fresh, path).RestoredOptimizerState);
        Assert.Equal(sgd.StepCount, fresh.StepCount);

        // Adam's step count belongs to its moments: a file without moments changes neither.
        var adam = Trained(new TinyAdamNet(1));
        long steps = adam.StepCount;
        var tinyAdamFile = new SafeTensorsBuilder();
        foreach (DenseLayerInfo layer in TinyAdamNet.Info.Layers)
        {
            tinyAdamFile.Add($"{layer.ModuleIndex}.weight", [layer.Units, layer.Inputs], new float[layer.WeightCount]);
            tinyAdamFile.Add($"{layer.ModuleIndex}.bias", [layer.Units], new float[layer.Units]);
        }

        string withCount = _files.Write("adam.safetensors", tinyAdamFile.Build(jsonMetadata: "\"netgen.step_count\":\"999\""));
        Checkpoint.Load(adam, withCount);
        Assert.Equal(steps, adam.StepCount);
    }

    [Fact]
    public void A_step_count_that_is_not_a_number_is_rejected_without_change()
    {
        var network = new TinyNet(4);
        var file = new SafeTensorsBuilder();
        foreach (DenseLayerInfo layer in TinyNet.Info.Layers)
        {
            file.Add($"{layer.ModuleIndex}.weight", [layer.Units, layer.Inputs], new float[layer.WeightCount]);
            file.Add($"{layer.ModuleIndex}.bias", [layer.Units], new float[layer.Units]);
        }

        float[] before = network.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() =>
            Checkpoint.Load(network, _files.Write("steps.safetensors", file.Build(jsonMetadata: "\"netgen.step_count\":\"-3\""))));

        Assert.Contains("netgen.step_count", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
        Assert.Equal(0, network.StepCount);
    }

    public static TheoryData<string, string> CorruptFiles => new()
    {
        { "empty", "too few" },
        { "header length beyond the file", "only" },
        { "header length over the limit", "more than the 100,000,000 allowed" },
        { "invalid json", "not valid JSON" },
        { "wrong dtype", "dtype F16, but NetGen reads F32 only" },
        { "wrong shape", "shape [4, 5]" },
        { "missing tensor", "'3.bias' of TinyNet is missing" },
        { "unexpected tensor", "'9.weight' is not a parameter of TinyNet" },
        { "offsets outside the data", "outside" },
        { "overlapping tensors", "overlap" },
        { "gap between tensors", "gap" },
        { "size and offsets disagree", "needs 80 bytes" },
        { "gzip", "this is a gzip file, not a safetensors file" },
        { "zip", "this is a zip file (PyTorch's .pt format?), not a safetensors file" },
        { "text", "this is a text file, not a safetensors file" },
        { "header not an object", "not a JSON object" },
        { "header not utf-8", "not valid UTF-8" },
        { "duplicate tensor", "'0.bias' is declared twice" },
        { "negative dimension", "invalid dimension -4" },
        { "truncated data", "outside" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void A_corrupt_file_is_reported_and_leaves_the_network_unchanged(string corruption, string expected)
    {
        var network = new TinyNet(4);
        float[] before = network.Parameters.ToArray();
        string path = _files.Write("bad.safetensors", Corrupt(corruption));

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(network, path));

        Assert.StartsWith("bad.safetensors: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void A_value_that_is_not_finite_is_refused_naming_the_tensor_and_where(float bad, string shown)
    {
        var saved = Trained(new TinyAdamNet(1));
        DenseLayerInfo second = TinyAdamNet.Info.Layers[1];
        saved.Parameters[second.WeightOffset + (2 * second.Inputs) + 1] = bad; // row 2, column 1
        string path = _files.PathOf("diverged.safetensors");
        Checkpoint.Save(saved, path);
        var network = Trained(new TinyAdamNet(2));
        float[] parameters = network.Parameters.ToArray(), state = network.OptimizerState.ToArray();

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(network, path));

        Assert.StartsWith("diverged.safetensors: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"tensor '{second.ModuleIndex}.weight' holds {shown} at [2, 1]", e.Message, StringComparison.Ordinal);
        Assert.Equal(parameters, network.Parameters.ToArray());
        Assert.Equal(state, network.OptimizerState.ToArray());
    }

    [Fact]
    public void Another_optimizers_state_is_left_out_and_said_in_the_notes()
    {
        string path = _files.PathOf("momentum.safetensors");
        var momentum = Trained(new TinyMomentumNet(1));
        Checkpoint.Save(momentum, path);
        var adam = Trained(new TinyAdamNet(2));
        float[] state = adam.OptimizerState.ToArray();
        long steps = adam.StepCount;

        CheckpointInfo info = Checkpoint.Load(adam, path);

        Assert.Equal(momentum.Parameters.ToArray(), adam.Parameters.ToArray());
        Assert.Equal(state, adam.OptimizerState.ToArray());
        Assert.Equal(steps, adam.StepCount);
        Assert.False(info.RestoredOptimizerState);
        string note = Assert.Single(info.Notes);
        Assert.Contains("saved by Momentum and was not loaded: TinyAdamNet uses Adam", note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_that_only_predicts_takes_the_parameters_and_a_note_about_the_state()
    {
        string path = _files.PathOf("adam.safetensors");
        var adam = Trained(new TinyAdamNet(1));
        Checkpoint.Save(adam, path);
        var predictor = new PredictOnly(new TinyAdamNet(2));

        CheckpointInfo info = Checkpoint.Load(predictor, path);

        Assert.Equal(adam.Parameters.ToArray(), predictor.Parameters.ToArray());
        Assert.False(info.RestoredOptimizerState);
        Assert.Contains("only predicts", Assert.Single(info.Notes), StringComparison.Ordinal);
        Span<float> expected = stackalloc float[3], actual = stackalloc float[3];
        float[] input = [0.3f, -0.2f, 0.9f, 0.1f];
        adam.Forward(input, expected);
        predictor.Forward(input, actual);
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    [Fact]
    public void A_round_trip_without_optimizer_state_has_no_notes()
    {
        string path = _files.PathOf("tiny.safetensors");
        Checkpoint.Save(Trained(new TinyNet(1)), path);
        Assert.Empty(Checkpoint.Load(new TinyNet(2), path).Notes);
    }

    /// <summary>An <see cref="IPredictor"/> that is not an <see cref="INetwork"/>: what an app that only predicts holds.</summary>
    private sealed class PredictOnly(IPredictor inner) : IPredictor
    {
        public NetworkInfo Info => inner.Info;

        public int InputSize => inner.InputSize;

        public int OutputSize => inner.OutputSize;

        public int ParameterCount => inner.ParameterCount;

        public Span<float> Parameters => inner.Parameters;

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => inner.Forward(input, output);

        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs) => inner.Predict(inputs, outputs);
    }

    [Fact]
    public void A_file_of_another_network_is_rejected_without_change()
    {
        string path = _files.PathOf("digits.safetensors");
        Checkpoint.Save(new DigitNet(1), path);
        var network = new TinyNet(2);
        float[] before = network.Parameters.ToArray();

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(network, path));

        Assert.Contains("shape [128, 784]", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void An_incomplete_optimizer_state_is_rejected()
    {
        var adam = Trained(new TinyAdamNet(1));
        var valid = new SafeTensorsBuilder();
        foreach (DenseLayerInfo layer in TinyAdamNet.Info.Layers)
        {
            valid.Add($"{layer.ModuleIndex}.weight", [layer.Units, layer.Inputs], adam.Parameters.Slice(layer.WeightOffset, layer.WeightCount).ToArray());
            valid.Add($"{layer.ModuleIndex}.bias", [layer.Units], adam.Parameters.Slice(layer.BiasOffset, layer.Units).ToArray());
        }

        valid.Add("optimizer.0.weight.exp_avg", [5, 4], new float[20]);
        var network = new TinyAdamNet(2);
        float[] before = network.Parameters.ToArray();

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(network, _files.Write("partial.safetensors", valid.Build())));

        Assert.Contains("incomplete", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void A_failed_save_leaves_the_old_file_intact_and_no_temporary_file()
    {
        string path = _files.PathOf("model.safetensors");
        var network = new TinyNet(1);
        Checkpoint.Save(network, path);
        byte[] old = File.ReadAllBytes(path);

        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        }));

        Assert.Equal("disk full (simulated)", e.Message);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_files.Directory));
    }

    [Fact]
    public void Saving_again_replaces_the_whole_file()
    {
        string path = _files.PathOf("model.safetensors");
        File.WriteAllBytes(path, new byte[1 << 20]); // a larger old file: no tail of it may remain
        var network = Trained(new TinyNet(1));

        Checkpoint.Save(network, path);
        var loaded = new TinyNet(9);
        Checkpoint.Load(loaded, path);

        Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.True(new FileInfo(path).Length < 4096);
    }

    [Fact]
    public void Saving_into_a_missing_folder_fails_cleanly()
    {
        Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Save(new TinyNet(), _files.PathOf(Path.Combine("missing", "m.safetensors"))));
        Assert.Empty(Directory.GetFiles(_files.Directory, "*", SearchOption.AllDirectories));
    }

    /// <summary>A TinyNet file damaged in one way.</summary>
    private static byte[] Corrupt(string corruption)
    {
        var network = new TinyNet(7);
        var builder = new SafeTensorsBuilder();
        foreach (DenseLayerInfo layer in TinyNet.Info.Layers)
        {
            builder.Add($"{layer.ModuleIndex}.weight", [layer.Units, layer.Inputs], network.Parameters.Slice(layer.WeightOffset, layer.WeightCount).ToArray());
            builder.Add($"{layer.ModuleIndex}.bias", [layer.Units], network.Parameters.Slice(layer.BiasOffset, layer.Units).ToArray());
        }

        switch (corruption)
        {
            case "empty":
                return [1, 2, 3];
            case "gzip":
                return [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            case "zip":
                return [.. "PK\u0003\u0004"u8, .. new byte[60]];
            case "text":
                return [.. "0.weight,0.bias\n1,2,3\n"u8];
            case "header not an object":
                return builder.Build(jsonOverride: "[1, 2, 3]");
            case "header not utf-8":
                byte[] good = builder.Build();
                good[10] = 0xC3; // a lead byte followed by an ASCII byte
                return good;
            case "duplicate tensor":
                byte[] valid = builder.Build();
                int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
                string json = Encoding.UTF8.GetString(valid, 8, headerLength);
                int bias = json.IndexOf("\"0.bias\"", StringComparison.Ordinal);
                int end = json.IndexOf('}', bias) + 1;
                return builder.Build(jsonOverride: json[..end] + ", " + json[bias..end] + json[end..]);
            case "negative dimension":
                builder.Replace("0.weight", shape: [-4, 5]);
                break;
            case "header length beyond the file":
                return builder.Build(headerLengthOverride: 1_000_000);
            case "header length over the limit":
                return builder.Build(headerLengthOverride: 200_000_000);
            case "invalid json":
                return builder.Build(jsonOverride: "{\"0.weight\": {\"dtype\": \"F32\", ");
            case "wrong dtype":
                builder.Replace("3.bias", dtype: "F16");
                break;
            case "wrong shape":
                builder.Replace("0.weight", shape: [4, 5]);
                break;
            case "missing tensor":
                builder.Remove("3.bias");
                break;
            case "unexpected tensor":
                builder.Add("9.weight", [1], [1f]);
                break;
            case "offsets outside the data":
                builder.Replace("3.bias", offsets: (0, 100_000));
                break;
            case "overlapping tensors":
                builder.Replace("0.bias", offsets: (60, 80));
                break;
            case "gap between tensors":
                return builder.Build(gapBefore: "2.weight");
            case "size and offsets disagree":
                builder.Replace("0.weight", shape: [5, 4], offsets: (0, 84));
                break;
            case "truncated data":
                byte[] whole = builder.Build();
                return whole[..^12];
        }

        return builder.Build();
    }
}
