using System;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Microsoft.ML.OnnxRuntime;
using NetGen;
using NetGen.OnnxPeer;

// dotnet run -c Release --project bench/NetGen.OnnxPeer -- --filter '*'        the BenchmarkDotNet comparison
// dotnet run -c Release --project bench/NetGen.OnnxPeer -- startup NAME        one process: creation and first run, each side
if (args is ["startup", string name])
{
    // What an app pays before its first answer, in a process that has done nothing else.
    long start = Stopwatch.GetTimestamp();
    using InferenceSession session = Models.Session(name);
    int inputs = (int)session.InputMetadata["input"].Dimensions[1];
    float[] x = new float[inputs], y = new float[10];
    using (OrtValue input = OrtValue.CreateTensorValueFromMemory(x, [1, inputs]))
    using (IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(new RunOptions(), ["input"], [input], ["output"]))
    {
        _ = outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    double onnx = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    start = Stopwatch.GetTimestamp();
    IPredictor network = Models.NetGen(name);
    network.Forward(new float[network.InputSize], new float[network.OutputSize]);
    double netgen = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: ONNX Runtime session creation and first run {onnx:F1} ms; NetGen construction and first Forward {netgen:F1} ms (JIT)"));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ForwardBenchmarks).Assembly).Run(args);
return 0;
