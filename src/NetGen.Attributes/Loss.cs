namespace NetGen;

/// <summary>The per-sample loss a network is trained on. A batch reports the mean over its samples.</summary>
public enum Loss
{
    /// <summary>E = 1/2 * sum (y - t)^2. Works with any output activation.</summary>
    SquaredError = 0,

    /// <summary>E = -sum t * ln y. Needs <see cref="Activation.Softmax"/> on the last layer; the gradient is fused: dE/dz = y - t.</summary>
    CrossEntropy = 1,

    /// <summary>E = -sum [t ln y + (1 - t) ln(1 - y)]. Needs <see cref="Activation.Sigmoid"/> on the last layer; the gradient is fused: dE/dz = y - t.</summary>
    BinaryCrossEntropy = 2,
}
