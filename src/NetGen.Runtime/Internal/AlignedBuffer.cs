using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Internal;

/// <summary>
/// Floats whose first element starts a cache line (64 bytes), in a pinned array so it stays there.
/// Generated networks keep their batch buffers in these: when two threads write neighbouring columns,
/// a split at a multiple of 16 floats then falls between cache lines rather than inside one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AlignedBuffer
{
    private const int LineFloats = 64 / sizeof(float);

    private readonly float[] _array;
    private readonly int _offset;

    /// <summary>An empty buffer, for fields not allocated yet.</summary>
    public static AlignedBuffer Empty { get; } = new(0);

    /// <summary>A buffer of <paramref name="length"/> zeros.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _array = length == 0 ? [] : GC.AllocateArray<float>(length + LineFloats, pinned: true);
        _offset = length == 0 ? 0 : OffsetToLine(_array);
    }

    /// <summary>Number of floats.</summary>
    public int Length { get; }

    /// <summary>The first float.</summary>
    public ref float Start
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset);
    }

    /// <summary>The floats.</summary>
    public Span<float> Span => _array.AsSpan(_offset, Length);

    private static unsafe int OffsetToLine(float[] array)
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)(((64 - (address & 63)) & 63) / sizeof(float));
    }
}
