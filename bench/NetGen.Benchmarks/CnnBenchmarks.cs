using System;
using BenchmarkDotNet.Attributes;
using NetGen.Internal;

namespace NetGen.Benchmarks;

/// <summary>
/// The CNN of the convolution issue: inference and SGD on batches of 64, and per-sample SGD, on both cores
/// and on one. Random pixel-like 1 x 28 x 28 inputs and one-hot targets; the PyTorch comparison
/// (bench/compare-shapes.sh --networks cnn) runs the same operations.
/// </summary>
[MemoryDiagnoser]
public class CnnBatchOf64
{
    private const int Batch = 64, Size = 784;

    private readonly float[] _inputs = new float[4 * Batch * Size];
    private readonly float[] _targets = new float[4 * Batch * 10];
    private readonly float[] _outputs = new float[Batch * 10];
    private LeNetCnn _network = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _network = new LeNetCnn(1);
        var random = new DeterministicRandom(7);
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = random.NextSingle();
        }

        for (int s = 0; s < 4 * Batch; s++)
        {
            _targets[(s * 10) + random.NextInt32(10)] = 1;
        }
    }

    private int NextBatch() => _next = (_next + 1) % 4;

    [Benchmark]
    public void Predict64() => _network.Predict(_inputs.AsSpan(NextBatch() * Batch * Size, Batch * Size), _outputs);

    [Benchmark]
    public void Predict64OneThread() => OneThread(this, static b => b.Predict64());

    [Benchmark]
    public float TrainBatch64()
    {
        int b = NextBatch();
        return _network.TrainBatch(_inputs.AsSpan(b * Batch * Size, Batch * Size), _targets.AsSpan(b * Batch * 10, Batch * 10), 0.001f);
    }

    [Benchmark]
    public void TrainBatch64OneThread() => OneThread(this, static b => b.TrainBatch64());

    [Benchmark]
    public float TrainSequential64()
    {
        int b = NextBatch();
        return _network.TrainSequential(_inputs.AsSpan(b * Batch * Size, Batch * Size), _targets.AsSpan(b * Batch * 10, Batch * 10), 0.001f);
    }

    /// <summary>Runs <paramref name="action"/> with NetGen held to the calling thread (a static lambda: nothing allocated).</summary>
    private static void OneThread(CnnBatchOf64 benchmarks, Action<CnnBatchOf64> action)
    {
        WorkerPool.MaxThreads = 1;
        action(benchmarks);
        WorkerPool.MaxThreads = Environment.ProcessorCount;
    }
}
