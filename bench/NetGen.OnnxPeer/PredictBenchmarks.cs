using System;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace NetGen.OnnxPeer;

/// <summary>
/// Predict of 1,024 samples, one thread and two: NetGen's compiled-in network against ONNX Runtime (its MLAS
/// kernels) on the same weights, over pre-bound OrtValues. The setup checks that both give the same outputs.
/// </summary>
[MemoryDiagnoser]
public class PredictBenchmarks : IDisposable
{
    private const int Samples = 1024;
    private IPredictor _netgen = null!;
    private InferenceSession _session = null!;
    private OrtValue _input = null!, _output = null!;
    private readonly RunOptions _runOptions = new();
    private float[] _x = null!, _y = null!;
    private string[] _inputNames = null!, _outputNames = null!;
    private OrtValue[] _inputs = null!, _outputs = null!;

    [Params("mnist", "deep", "wide")]
    public string Network { get; set; } = "mnist";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _netgen = Models.NetGen(Network);
        _session = Models.Session(Network, Threads);
        _x = new float[Samples * _netgen.InputSize];
        _y = new float[Samples * _netgen.OutputSize];
        var random = new DeterministicRandom(5);
        random.FillUniform(_x, 1f);
        _input = OrtValue.CreateTensorValueFromMemory(_x, [Samples, _netgen.InputSize]);
        _output = OrtValue.CreateTensorValueFromMemory(_y, [Samples, _netgen.OutputSize]);
        _inputNames = ["input"];
        _outputNames = ["output"];
        _inputs = [_input];
        _outputs = [_output];

        var expected = new float[_y.Length];
        _netgen.Predict(_x, expected);
        OnnxRun();
        for (int k = 0; k < _y.Length; k++)
        {
            if (Math.Abs(expected[k] - _y[k]) > 1e-5f * Math.Max(1f, Math.Abs(expected[k])))
            {
                throw new InvalidOperationException($"{Network}: output {k} is {expected[k]} in NetGen and {_y[k]} in ONNX Runtime");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public void NetGenPredict() => _netgen.Predict(_x, _y);

    [Benchmark]
    public void OnnxRun() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    [GlobalCleanup]
    public void Dispose()
    {
        _input?.Dispose();
        _output?.Dispose();
        _session?.Dispose();
        _runOptions.Dispose();
        GC.SuppressFinalize(this);
    }
}
