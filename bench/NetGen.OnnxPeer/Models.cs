using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;

namespace NetGen.OnnxPeer;

/// <summary>One network of the comparison: NetGen's class, and the same weights in an ONNX Runtime session.</summary>
internal static class Models
{
    public static readonly string[] Names = ["tiny", "mnist", "deep", "wide"];

    public static IPredictor NetGen(string name) => name switch
    {
        "tiny" => new Tiny(),
        "mnist" => new Mnist(),
        "deep" => new Deep(),
        "wide" => new Wide(),
        _ => throw new ArgumentException(name),
    };

    public static string OnnxPath(string name) => Path.Combine(AppContext.BaseDirectory, "models", name + ".onnx");

    /// <summary>A session on <paramref name="threads"/> intra-op threads (one by default), every graph optimisation on: ONNX Runtime at its best.</summary>
    public static InferenceSession Session(string name, int threads = 1) => new(OnnxPath(name), new SessionOptions
    {
        IntraOpNumThreads = threads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    });
}
