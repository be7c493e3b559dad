using System;

namespace NetGen;

/// <summary>Applies y = max(0, z) to the output of the dense layer declared before it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : Attribute
{
}

/// <summary>Applies y = z for z &gt; 0, alpha * z otherwise, to the output of the dense layer declared before it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : Attribute
{
    /// <summary>A leaky ReLU with slope <paramref name="alpha"/> for negative inputs.</summary>
    /// <param name="alpha">Slope for negative inputs, finite and 0 or more. Default 0.01 (PyTorch's).</param>
    public LeakyReLUAttribute(float alpha = 0.01f) => Alpha = alpha;

    /// <summary>Slope for negative inputs.</summary>
    public float Alpha { get; }
}

/// <summary>Applies y = 1 / (1 + e^-z) to the output of the dense layer declared before it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : Attribute
{
}

/// <summary>Applies y = tanh(z) to the output of the dense layer declared before it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : Attribute
{
}

/// <summary>
/// Applies the softmax y_i = e^(z_i - max z) / sum_j e^(z_j - max z) to the output of the last dense layer.
/// Only valid as the last layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : Attribute
{
}
