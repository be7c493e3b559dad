using System.ComponentModel;

namespace NetGen.Internal;

/// <summary>
/// The compile-time description of one dense layer: the generator writes one struct per layer that
/// implements this interface with constants, and the kernels in <see cref="Dense{TLayer}"/>, generic over
/// that struct, are compiled by the JIT for exactly that layer, every size and decision a constant.
/// </summary>
/// <remarks>Used by generated code; not meant to be implemented by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDenseLayer : ILayer
{
    /// <summary>Number of inputs (the width of W).</summary>
    static abstract int Inputs { get; }

    /// <summary>Offset of W [Units, Inputs], row-major, in the network's parameters.</summary>
    static abstract int WeightOffset { get; }

    /// <summary>Offset of b [Units] in the network's parameters.</summary>
    static abstract int BiasOffset { get; }

    /// <summary>
    /// The widest SIMD width of the kernels that run along a row of W (one sample's product, its SGD step and
    /// backward pass): 512, 256, 128 or 0, no wider than the row. <see cref="ILayer.VectorBits"/> serves the
    /// batch products, which run along the units.
    /// </summary>
    static abstract int RowVectorBits { get; }

    /// <summary>Whether one sample's product may be split between cores by rows of W (a large layer).</summary>
    static abstract bool SharesSample { get; }

    /// <summary>Whether the batch forward product applies the activation in its epilogue (ReLU, LeakyReLU) rather than in a pass of its own.</summary>
    static abstract bool FusesActivation { get; }

    /// <summary>
    /// Whether SGD multiplies every weight by 1 - lr wd (weight decay). Then every row of W changes at every
    /// step; without it, the SGD kernels skip the rows whose dE/dz is 0 (every dead ReLU unit).
    /// </summary>
    static abstract bool DecaysWeights { get; }
}
