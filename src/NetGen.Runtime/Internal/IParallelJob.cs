using System.ComponentModel;

namespace NetGen.Internal;

/// <summary>
/// Work that <see cref="WorkerPool"/> splits into parts. Generated networks implement it for their
/// matrix products; each part computes its own rows of the result, so the result does not depend on
/// how many parts there are.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IParallelJob
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    /// <param name="part">Which part, from 0.</param>
    /// <param name="parts">How many parts the work is split into.</param>
    /// <param name="first">Address of the first span passed to <see cref="WorkerPool.Run"/>, pinned for the call.</param>
    /// <param name="second">Address of the second span, pinned for the call.</param>
    void RunPart(int part, int parts, nint first, nint second);
}
