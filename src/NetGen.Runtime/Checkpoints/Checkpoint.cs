using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.Internal;

namespace NetGen.Checkpoints;

/// <summary>What <see cref="Checkpoint.Load"/> found besides the parameters.</summary>
/// <param name="Metadata">The file's <c>__metadata__</c>.</param>
/// <param name="RestoredOptimizerState">
/// Whether the optimizer state and step count were in the file and restored. (A network without optimizer
/// state, SGD, takes the file's step count whenever it has one.)
/// </param>
/// <param name="Notes">
/// What was in the file but not loaded, in sentences: optimizer state of another optimizer, or any
/// optimizer state loaded into an inference-only network. Empty when everything was loaded.
/// </param>
public sealed record CheckpointInfo(IReadOnlyDictionary<string, string> Metadata, bool RestoredOptimizerState, IReadOnlyList<string> Notes)
{
    /// <summary>The number of epochs completed when the trainer saved, when it recorded one.</summary>
    public int? Epoch => Count(Checkpoint.EpochKey);

    /// <summary>The number of batches of the next epoch completed when the trainer saved (a run stopped mid-epoch), when it recorded one.</summary>
    public int? Batch => Count(Checkpoint.BatchKey);

    /// <summary>Where the training run that saved the file was: resume with <see cref="Training.TrainerOptions.ResumingAt"/>.</summary>
    public Training.TrainingPosition? Position => Epoch is int epoch ? new Training.TrainingPosition(epoch, Batch ?? 0) : null;

    private int? Count(string key) =>
        Metadata.TryGetValue(key, out string? text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : null;
}

/// <summary>
/// Saves and loads a network's parameters as a safetensors file that PyTorch reads too.
/// </summary>
/// <remarks>
/// <para>
/// Naming: tensors are named like the state dict of the equivalent PyTorch <c>nn.Sequential</c>, where
/// each dense layer is an <c>nn.Linear</c> and each activation other than identity is a module of its
/// own (whether declared as an attribute or as the Dense's second argument). So
/// <c>[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]</c> is saved as <c>0.weight</c> [128, 784],
/// <c>0.bias</c> [128], <c>2.weight</c> [10, 128], <c>2.bias</c> [10], and loads with
/// <c>nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.Softmax(1)).load_state_dict(...)</c>.
/// </para>
/// <para>
/// Optimizer state, when the optimizer has any, is saved under <c>optimizer.</c> with PyTorch's state
/// names (<c>optimizer.0.weight.momentum_buffer</c>; <c>optimizer.0.weight.exp_avg</c> and
/// <c>.exp_avg_sq</c>) and the step count in the metadata, so that training resumes exactly; PyTorch
/// users filter these keys out before <c>load_state_dict</c>.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>Metadata key of the network's class name.</summary>
    public const string NetworkKey = "netgen.network";

    /// <summary>Metadata key of the optimizer's step count.</summary>
    public const string StepCountKey = "netgen.step_count";

    /// <summary>Metadata key of the optimizer's kind.</summary>
    public const string OptimizerKey = "netgen.optimizer";

    /// <summary>Metadata key of the number of epochs completed when a trainer saved.</summary>
    public const string EpochKey = "netgen.epoch";

    /// <summary>Metadata key of the number of batches of the next epoch completed when a trainer saved mid-epoch.</summary>
    public const string BatchKey = "netgen.batch";

    private const string OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Saves the parameters, and for a trainable network (<see cref="INetwork"/>) its optimizer state and step
    /// count, to <paramref name="path"/>: atomically, so a failed save leaves an existing file intact.
    /// </summary>
    public static void Save(IPredictor network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network is INetwork trainable)
        {
            Write(network, trainable.OptimizerState.ToArray(), trainable.StepCount, path, metadata);
            return;
        }

        Write(network, [], null, path, metadata);
    }

    private static void Write(IPredictor network, float[] state, long? stepCount, string path, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = new List<(string, long[], ReadOnlyMemory<float>)>();
        float[] parameters = network.Parameters.ToArray();
        foreach ((string name, long[] shape, int offset, int count) in Layout(network.Info))
        {
            tensors.Add((name, shape, parameters.AsMemory(offset, count)));
        }

        if (state.Length > 0)
        {
            foreach ((string suffix, int block) in StateBlocks(network.Info.Optimizer.Kind))
            {
                foreach ((string name, long[] shape, int offset, int count) in Layout(network.Info))
                {
                    tensors.Add((OptimizerPrefix + name + "." + suffix, shape, state.AsMemory((block * network.ParameterCount) + offset, count)));
                }
            }
        }

        var allMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            [NetworkKey] = network.Info.Name,
            [OptimizerKey] = network.Info.Optimizer.Kind.ToString(),
        };
        if (stepCount is { } steps)
        {
            allMetadata[StepCountKey] = steps.ToString(CultureInfo.InvariantCulture);
        }

        foreach ((string key, string value) in metadata ?? new Dictionary<string, string>())
        {
            allMetadata[key] = value;
        }

        AtomicFile.Write(path, stream => SafeTensorsFile.Write(stream, tensors, allMetadata));
    }

    /// <summary>
    /// Loads parameters saved by <see cref="Save"/> or by PyTorch into <paramref name="network"/>, and into a
    /// trainable network (<see cref="INetwork"/>) the optimizer state and step count when the file has the
    /// network's. The whole file is checked first: on any problem nothing of the network changes.
    /// </summary>
    /// <remarks>
    /// Refused: a file that is not safetensors, is corrupt, misses a parameter, has one of another shape or
    /// a tensor the network does not have, or holds a NaN or infinite value (a network with one would only
    /// ever output NaN). Loaded, and said in <see cref="CheckpointInfo.Notes"/>: optimizer state saved by
    /// another optimizer, which is left out (the network's own state is left as it is), and any optimizer
    /// state loaded into a network that only predicts.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is refused; the message names it and says why.</exception>
    public static CheckpointInfo Load(IPredictor network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Read(network, network as INetwork, path);
    }

    private static CheckpointInfo Read(IPredictor network, INetwork? trainable, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fileName = Path.GetFileName(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        (Dictionary<string, SafeTensorEntry> tensors, Dictionary<string, string> metadata, long dataStart) = SafeTensorsFile.ReadHeader(stream, fileName);

        NetworkInfo info = network.Info;
        var notes = new List<string>();
        var expected = Layout(info).ToList();
        foreach (string name in tensors.Keys)
        {
            bool known = expected.Any(e => e.Name == name) || name.StartsWith(OptimizerPrefix, StringComparison.Ordinal);
            if (!known)
            {
                throw new InvalidDataException($"{fileName}: tensor '{name}' is not a parameter of {info.Name} ({string.Join(", ", expected.Select(e => e.Name))}); was the file saved from another network?");
            }
        }

        foreach ((string name, long[] shape, _, _) in expected)
        {
            CheckTensor(tensors, name, shape, fileName, info.Name);
        }

        // The optimizer state: the network's own (every tensor, or none), or another optimizer's, which is left out.
        Optimizer own = info.Optimizer.Kind;
        var stateTensors = StateBlocks(own)
            .SelectMany(block => expected.Select(e => (Name: OptimizerPrefix + e.Name + "." + block.Suffix, e.Shape)))
            .ToList();
        int stateFound = stateTensors.Count(t => tensors.ContainsKey(t.Name));
        bool foreignState = tensors.Keys.Any(n => n.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && !stateTensors.Any(t => t.Name == n));
        if (stateFound > 0 && stateFound < stateTensors.Count)
        {
            string missing = stateTensors.First(t => !tensors.ContainsKey(t.Name)).Name;
            throw new InvalidDataException($"{fileName}: the optimizer state is incomplete: tensor '{missing}' is missing.");
        }

        bool hasState = stateFound > 0 && trainable is not null;
        string savedBy = metadata.TryGetValue(OptimizerKey, out string? optimizer) ? optimizer : "another optimizer";
        if (trainable is null && (stateFound > 0 || foreignState))
        {
            notes.Add($"The optimizer state in {fileName} was not loaded: {info.Name} only predicts.");
        }
        else if (foreignState && stateFound == 0)
        {
            notes.Add($"The optimizer state in {fileName} was saved by {savedBy} and was not loaded: {info.Name} uses {own}, whose state was left as it was.");
        }

        foreach ((string name, long[] shape) in hasState ? stateTensors : [])
        {
            CheckTensor(tensors, name, shape, fileName, info.Name);
        }

        // The step count goes with the optimizer state; a network without state (SGD) takes it on its own,
        // so that a resumed run counts on. A file without one (PyTorch's) leaves the count as it is.
        long stepCount = 0;
        bool hasStepCount = metadata.TryGetValue(StepCountKey, out string? steps);
        if ((hasState || hasStepCount) && (!hasStepCount || !long.TryParse(steps, CultureInfo.InvariantCulture, out stepCount) || stepCount < 0))
        {
            throw new InvalidDataException(hasState
                ? $"{fileName}: the optimizer state has no valid {StepCountKey} in the metadata."
                : $"{fileName}: {StepCountKey} in the metadata is not a step count ('{steps}').");
        }

        bool restoreStepCount = trainable is not null && (hasState || (hasStepCount && trainable.OptimizerState.IsEmpty && !foreignState));

        // Everything checked: read into staging buffers, check every value is finite, then change the network.
        var parameters = new float[network.ParameterCount];
        foreach ((string name, long[] shape, int offset, int count) in expected)
        {
            ReadFinite(stream, dataStart, tensors[name], shape, parameters.AsSpan(offset, count), fileName);
        }

        float[]? state = null;
        if (hasState)
        {
            state = new float[trainable!.OptimizerState.Length];
            foreach ((string suffix, int block) in StateBlocks(own))
            {
                foreach ((string name, long[] shape, int offset, int count) in expected)
                {
                    string tensor = OptimizerPrefix + name + "." + suffix;
                    ReadFinite(stream, dataStart, tensors[tensor], shape, state.AsSpan((block * network.ParameterCount) + offset, count), fileName);
                }
            }
        }

        parameters.CopyTo(network.Parameters);
        state?.CopyTo(trainable!.OptimizerState);
        if (restoreStepCount)
        {
            trainable!.StepCount = stepCount;
        }

        return new CheckpointInfo(metadata, state is not null, notes);
    }

    /// <summary>Reads a tensor's values, refusing the file when one is NaN or infinite.</summary>
    private static void ReadFinite(Stream stream, long dataStart, SafeTensorEntry entry, long[] shape, Span<float> destination, string fileName)
    {
        SafeTensorsFile.ReadValues(stream, dataStart, entry, destination);
        int bad = FirstNonFinite(destination);
        if (bad >= 0)
        {
            string where = shape.Length == 2 ? $"[{bad / shape[1]}, {bad % shape[1]}]" : $"[{bad}]";
            string value = destination[bad].ToString(CultureInfo.InvariantCulture);
            throw new InvalidDataException($"{fileName}: tensor '{entry.Name}' holds {value} at {where}; NetGen loads finite values only (was the file saved after training diverged?).");
        }
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The name of a dense layer's weight or bias tensor: its index in the equivalent nn.Sequential, then the role.</summary>
    public static string TensorName(DenseLayerInfo layer, bool bias) =>
        layer.ModuleIndex.ToString(CultureInfo.InvariantCulture) + (bias ? ".bias" : ".weight");

    private static IEnumerable<(string Name, long[] Shape, int Offset, int Count)> Layout(NetworkInfo info)
    {
        foreach (ConvolutionLayerInfo layer in info.Convolutions)
        {
            string index = layer.ModuleIndex.ToString(CultureInfo.InvariantCulture);
            yield return (index + ".weight", [layer.Filters, layer.Channels, layer.Kernel, layer.Kernel], layer.WeightOffset, layer.WeightCount);
            yield return (index + ".bias", [layer.Filters], layer.BiasOffset, layer.Filters);
        }

        foreach (DenseLayerInfo layer in info.Layers)
        {
            yield return (TensorName(layer, bias: false), [layer.Units, layer.Inputs], layer.WeightOffset, layer.WeightCount);
            yield return (TensorName(layer, bias: true), [layer.Units], layer.BiasOffset, layer.Units);
        }
    }

    /// <summary>The optimizer's state blocks and PyTorch's name for each.</summary>
    private static IEnumerable<(string Suffix, int Block)> StateBlocks(Optimizer optimizer) => optimizer switch
    {
        Optimizer.Momentum => [("momentum_buffer", 0)],
        Optimizer.Adam => [("exp_avg", 0), ("exp_avg_sq", 1)],
        _ => [],
    };

    private static void CheckTensor(Dictionary<string, SafeTensorEntry> tensors, string name, long[] shape, string fileName, string network)
    {
        if (!tensors.TryGetValue(name, out SafeTensorEntry? entry))
        {
            throw new InvalidDataException($"{fileName}: tensor '{name}' of {network} is missing; was the file saved from another network?");
        }

        if (!entry.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException($"{fileName}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}], but {network} needs [{string.Join(", ", shape)}].");
        }
    }
}
