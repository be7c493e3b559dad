using System;

namespace NetGen;

/// <summary>
/// Marks a <c>partial class</c> as a neural network. NetGen's source generator reads the
/// layer attributes on the class (<see cref="InputAttribute"/>, then <see cref="DenseAttribute"/>
/// and activation attributes, in source order) and generates its Forward, Backward and Step methods.
/// </summary>
/// <remarks>The hyper-parameter defaults are PyTorch's.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The loss the network is trained on. Default <see cref="NetGen.Loss.SquaredError"/>.</summary>
    public Loss Loss { get; set; } = Loss.SquaredError;

    /// <summary>The update rule of <c>Step</c> and <c>TrainBatch</c>. Default <see cref="NetGen.Optimizer.Sgd"/>.</summary>
    public Optimizer Optimizer { get; set; } = Optimizer.Sgd;

    /// <summary>Momentum factor mu of <see cref="NetGen.Optimizer.Momentum"/>, in [0, 1). Default 0.9.</summary>
    public float Momentum { get; set; } = 0.9f;

    /// <summary>Decay rate of Adam's first moment, in [0, 1). Default 0.9.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>Decay rate of Adam's second moment, in [0, 1). Default 0.999.</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Adam's denominator term, greater than 0. Default 1e-8.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>
    /// Weight decay, 0 or more. Added to the gradient as L2 (g + wd * p) for Sgd and Momentum;
    /// decoupled (p -= lr * wd * p, the AdamW form) for Adam. Default 0.
    /// </summary>
    public float WeightDecay { get; set; }

    /// <summary>
    /// A safetensors file of trained parameters to compile into the network, such as one saved by
    /// <c>Checkpoint.Save</c> or by PyTorch (tensors named <c>0.weight</c>, <c>0.bias</c>, ... as in the
    /// equivalent <c>nn.Sequential</c>; float32). Give it to the compiler as an item of the project:
    /// <c>&lt;AdditionalFiles Include="digits.safetensors" /&gt;</c>. The generator checks every tensor against
    /// the declaration and embeds the values; the parameterless constructor starts from them, with no file
    /// read at run time. A path relative to the declaring file or a file name. Default none.
    /// </summary>
    public string? Weights { get; set; }

    /// <summary>
    /// Whether to generate only what inference needs: the sizes, <c>Info</c>, <c>Parameters</c>, <c>Forward</c>,
    /// <c>Predict</c> (and <c>Classify</c> on classifiers); no gradients, optimizer state or training methods.
    /// Such a network implements <c>IPredictor</c>, not <c>INetwork</c>, and may be called from many threads at
    /// once: each thread works in buffers of its own. Default false.
    /// </summary>
    public bool InferenceOnly { get; set; }
}
