using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using NetGen.Checkpoints;
using NetGen.Data;
using NetGen.Evaluation;

namespace NetGen.Tests;

/// <summary>
/// Networks with compiled-in weights and inference-only networks: the same parameters and outputs, bit for
/// bit, as the file loaded at run time; PyTorch's outputs on its own model; many threads on one instance;
/// nothing allocated per call.
/// </summary>
public sealed class EmbeddedNetworkTests
{
    private static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "Models", name);

    private static float[] Samples(int count, int size, int seed)
    {
        var random = new DeterministicRandom(seed);
        return [.. Enumerable.Range(0, count * size).Select(_ => random.NextSingle())];
    }

    [Fact]
    public void Embedded_parameters_and_outputs_are_those_of_the_file_loaded_at_run_time_bit_for_bit()
    {
        var embedded = new EmbeddedDigits();
        var loaded = new LoadedDigits(seed: 3);
        Checkpoint.Load(loaded, Model("digits.safetensors"));
        Assert.Equal(loaded.Parameters.ToArray(), embedded.Parameters.ToArray());
        Assert.Equal(loaded.Parameters.ToArray(), new FineTunedDigits().Parameters.ToArray());

        float[] inputs = Samples(300, 784, seed: 1);
        float[] expected = new float[300 * 10], actual = new float[300 * 10];
        loaded.Predict(inputs, expected);
        embedded.Predict(inputs, actual);
        Assert.Equal(expected, actual);

        float[] one = new float[10], other = new float[10];
        loaded.Forward(inputs.AsSpan(0, 784), one);
        embedded.Forward(inputs.AsSpan(0, 784), other);
        Assert.Equal(one, other);

        var tiny = new PyTorchTiny();
        var tinyLoaded = new PyTorchTinyLoaded();
        Checkpoint.Load(tinyLoaded, Model("pytorch-tiny.safetensors"));
        Assert.Equal(tinyLoaded.Parameters.ToArray(), tiny.Parameters.ToArray());
    }

    [Fact]
    public void The_compiled_in_pytorch_model_gives_pytorchs_outputs()
    {
        using JsonDocument recorded = JsonDocument.Parse(File.ReadAllText(Model("pytorch-tiny.json")));
        float[][] inputs = [.. recorded.RootElement.GetProperty("inputs").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        double[][] outputs = [.. recorded.RootElement.GetProperty("outputs").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
        Assert.Equal(16, inputs.Length);

        var network = new PyTorchTiny();
        var y = new float[PyTorchTiny.OutputSize];
        double worst = 0;
        for (int s = 0; s < inputs.Length; s++)
        {
            network.Forward(inputs[s], y);
            for (int k = 0; k < y.Length; k++)
            {
                double relative = Math.Abs(y[k] - outputs[s][k]) / Math.Abs(outputs[s][k]);
                worst = Math.Max(worst, relative);
            }
        }

        Assert.True(worst <= 1e-5, $"largest relative difference from PyTorch: {worst:E2}");
    }

    [Fact]
    public void Eight_threads_on_one_instance_give_the_outputs_of_one_thread()
    {
        var network = new EmbeddedDigits();
        const int Count = 300; // more than Predict's buffers hold: each call splits its samples between the pool's threads, or runs the shares itself while another call holds the pool
        float[] inputs = Samples(Count, 784, seed: 2);
        float[] expected = new float[Count * 10];
        for (int s = 0; s < Count; s++)
        {
            network.Forward(inputs.AsSpan(s * 784, 784), expected.AsSpan(s * 10, 10));
        }

        float[] expectedBatch = new float[Count * 10];
        network.Predict(inputs, expectedBatch);

        const int Threads = 8;
        var failures = new string?[Threads];
        using var start = new Barrier(Threads);
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var output = new float[10];
            var batch = new float[Count * 10];
            start.SignalAndWait();
            for (int round = 0; round < 20 && failures[t] is null; round++)
            {
                for (int s = (t + round) % Count; s < Count; s += 3)
                {
                    network.Forward(inputs.AsSpan(s * 784, 784), output);
                    if (!output.AsSpan().SequenceEqual(expected.AsSpan(s * 10, 10)))
                    {
                        failures[t] = $"thread {t}, sample {s}: Forward differs";
                    }
                }

                network.Predict(inputs, batch);
                if (!batch.AsSpan().SequenceEqual(expectedBatch))
                {
                    failures[t] = $"thread {t}, round {round}: Predict differs";
                }
            }
        }))];

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(new string?[Threads], failures);
    }

    [Fact]
    public void Forward_predict_and_classify_allocate_nothing_after_a_threads_first_call()
    {
        var network = new EmbeddedDigits();
        float[] inputs = Samples(40, 784, seed: 4);
        var outputs = new float[40 * 10];
        var output = new float[10];
        float[] many = Samples(300, 784, seed: 5); // more than Predict's buffers hold: its threads split the samples
        var manyOutputs = new float[300 * 10];
        network.Forward(inputs.AsSpan(0, 784), output);
        network.Predict(inputs, outputs);
        network.Predict(many, manyOutputs);
        network.Classify(inputs.AsSpan(0, 784));

        long[] rounds = SteadyState.AllocatedBytesPerRound(() =>
        {
            for (int call = 0; call < 10; call++)
            {
                network.Forward(inputs.AsSpan(call * 784, 784), output);
                network.Predict(inputs, outputs);
                network.Predict(inputs.AsSpan(0, 2 * 784), outputs.AsSpan(0, 20));
                network.Predict(many, manyOutputs);
                network.Classify(inputs.AsSpan(call * 784, 784));
            }
        });

        Assert.True(rounds.Count(r => r == 0) >= 4, SteadyState.Describe(rounds));
    }

    [Fact]
    public void An_inference_only_network_has_no_training_members_and_works_with_the_runtime()
    {
        Type type = typeof(EmbeddedDigits);
        Assert.False(typeof(INetwork).IsAssignableFrom(type));
        Assert.True(typeof(IClassifier).IsAssignableFrom(type));
        string[] training = ["Backward", "Step", "TrainBatch", "TrainSequential", "ZeroGradients", "Gradients", "OptimizerState", "StepCount"];
        Assert.Empty(type.GetMembers().Select(m => m.Name).Intersect(training));

        // It evaluates like the trainable network with the same parameters, and a checkpoint loads into one without weights.
        Dataset test = Mnist.LoadSet(Path.Combine(AppContext.BaseDirectory, "Models"), "t10k");
        var loaded = new LoadedDigits();
        Checkpoint.Load(loaded, Model("digits.safetensors"));
        var inference = new InferenceDigits(seed: 9);
        CheckpointInfo info = Checkpoint.Load(inference, Model("digits.safetensors"));
        Assert.Empty(info.Notes);

        Evaluation.Evaluation expected = Evaluator.Evaluate(loaded, test);
        Assert.Equal(expected.Accuracy, Evaluator.Evaluate(new EmbeddedDigits(), test).Accuracy);
        Assert.Equal(expected.Loss, Evaluator.Evaluate(inference, test).Loss);
        Assert.True(expected.Accuracy > 0.94, $"the sample's weights reach {expected.Accuracy:P2}");
    }

    [Fact]
    public void An_inference_only_instance_holds_its_parameters_and_little_else()
    {
        // The least of five constructions: the first builds the types' static state (Info, the layer table)
        // and the runtime may allocate on this thread while it compiles the decoder to faster code, once or
        // twice per process; what every construction allocates is the instance. (Clean-clone CI runs saw
        // 5,312 and 7,760 bytes of the former.)
        long inferenceBytes = Least(() => new EmbeddedDigits());
        long trainableBytes = Least(() => new LoadedDigits());

        Assert.InRange(inferenceBytes, 4L * EmbeddedDigits.ParameterCount, (4L * EmbeddedDigits.ParameterCount) + 1024);
        Assert.True(trainableBytes > 2 * 4L * LoadedDigits.ParameterCount, $"the trainable network allocates {trainableBytes:N0} bytes");
    }

    private static long Least(Func<object> create)
    {
        long least = long.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(create());
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
