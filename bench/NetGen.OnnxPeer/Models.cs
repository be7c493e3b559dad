using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;

namespace NetGen.OnnxPeer;

/// <summary>One network of the comparison: NetGen's class, and the same weights in an ONNX Runtime session.</summary>
internal static class Models
{
    public static readonly string[] Names = ["tiny", "mnist", "deep"];

    public static IPredictor NetGen(string name) => name switch
    {
        "tiny" => new Tiny(),
        "mnist" => new Mnist(),
        "deep" => new Deep(),
        _ => throw new ArgumentException(name),
    };

    public static string OnnxPath(string name) => Path.Combine(AppContext.BaseDirectory, "models", name + ".onnx");

    /// <summary>A session on one thread, every graph optimisation on: ONNX Runtime at its best for one sample.</summary>
    public static InferenceSession Session(string name) => new(OnnxPath(name), new SessionOptions
    {
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    });
}
