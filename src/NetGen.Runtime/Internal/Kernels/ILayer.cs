using System.ComponentModel;

namespace NetGen.Internal;

/// <summary>
/// What every kind of layer tells the kernels, as constants of a struct the generator writes: how many
/// values of a sample it outputs and the activation applied to them. The layer after it reads these to
/// find its input and to turn dE/da into dE/dz = dE/da * act'(z).
/// </summary>
/// <remarks>Used by generated code; not meant to be implemented by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILayer
{
    /// <summary>Number of outputs of one sample (C x H x W of an image, flattened channel by channel, row by row).</summary>
    static abstract int Units { get; }

    /// <summary>The activation a = act(z).</summary>
    static abstract Activation Activation { get; }

    /// <summary>LeakyReLU's slope for z &lt;= 0; unused by the other activations.</summary>
    static abstract float Alpha { get; }

    /// <summary>The widest SIMD width the kernels may use for this layer, in bits: 512, 256, 128, or 0 for scalar code.</summary>
    static abstract int VectorBits { get; }

    /// <summary>Whether z is kept beside a = act(z): the output layer of a loss computed from z (cross-entropies).</summary>
    static abstract bool KeepsPreActivation { get; }
}
