using System;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace NetGen.OnnxPeer;

/// <summary>
/// One sample's forward pass, one thread: NetGen's compiled-in network against ONNX Runtime on the same
/// weights, in its two allocation-free calling styles (Run over pre-bound OrtValues, and RunWithBinding).
/// The setup checks that both give the same outputs.
/// </summary>
[MemoryDiagnoser]
public class ForwardBenchmarks : IDisposable
{
    private IPredictor _netgen = null!;
    private InferenceSession _session = null!;
    private OrtValue _input = null!, _output = null!;
    private OrtIoBinding _binding = null!;
    private readonly RunOptions _runOptions = new();
    private float[] _x = null!, _y = null!;
    private string[] _inputNames = null!, _outputNames = null!;
    private OrtValue[] _inputs = null!, _outputs = null!;

    [Params("tiny", "mnist", "deep")]
    public string Network { get; set; } = "mnist";

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = 1; // one thread, as ONNX Runtime's session
        _netgen = Models.NetGen(Network);
        _session = Models.Session(Network);
        _x = new float[_netgen.InputSize];
        _y = new float[_netgen.OutputSize];
        var random = new DeterministicRandom(5);
        random.FillUniform(_x, 1f);
        _input = OrtValue.CreateTensorValueFromMemory(_x, [1, _x.Length]);
        _output = OrtValue.CreateTensorValueFromMemory(_y, [1, _y.Length]);
        _inputNames = ["input"];
        _outputNames = ["output"];
        _inputs = [_input];
        _outputs = [_output];
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("output", _output);

        // the same weights: the same outputs, up to float rounding
        var expected = new float[_y.Length];
        _netgen.Forward(_x, expected);
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
    public void NetGenForward() => _netgen.Forward(_x, _y);

    [Benchmark]
    public void OnnxRun() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    [Benchmark]
    public void OnnxRunWithBinding() => _session.RunWithBinding(_runOptions, _binding);

    [GlobalCleanup]
    public void Dispose()
    {
        _binding?.Dispose();
        _input?.Dispose();
        _output?.Dispose();
        _session?.Dispose();
        _runOptions.Dispose();
        GC.SuppressFinalize(this);
    }
}
