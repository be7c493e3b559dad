namespace NetGen;

/// <summary>The function a layer applies to its pre-activation z.</summary>
public enum Activation
{
    /// <summary>y = z (no activation).</summary>
    Identity = 0,

    /// <summary>y = max(0, z).</summary>
    ReLU = 1,

    /// <summary>y = z when z &gt; 0, otherwise alpha * z (alpha 0.01 unless <see cref="DenseAttribute.Alpha"/> says otherwise).</summary>
    LeakyReLU = 2,

    /// <summary>y = 1 / (1 + e^-z).</summary>
    Sigmoid = 3,

    /// <summary>y = tanh(z).</summary>
    Tanh = 4,

    /// <summary>y_i = e^(z_i - max z) / sum_j e^(z_j - max z). Only valid on the last layer.</summary>
    Softmax = 5,
}
