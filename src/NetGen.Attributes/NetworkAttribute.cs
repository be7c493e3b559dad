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
}
