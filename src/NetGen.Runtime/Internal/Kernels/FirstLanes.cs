using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Internal.Kernels;

/// <summary>
/// The first lanes of a vector loaded and stored through masks (AVX-512, AVX): nothing past them is read or
/// written, and no store to the stack stands between the values and the vector, which a whole-vector load
/// after lane-by-lane stores would wait for. The callers check that the processor has the instructions.
/// </summary>
internal static class FirstLanes
{
#if NET9_0_OR_GREATER
    /// <summary>A mask of the lanes below <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Mask512(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    /// <summary>The first <paramref name="count"/> values at <paramref name="source"/>, the other lanes from <paramref name="rest"/> (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Load512(ref float source, int count, Vector512<float> rest)
    {
        fixed (float* address = &source)
        {
            return Avx512F.MaskLoad(address, Mask512(count), rest);
        }
    }

    /// <summary>The first <paramref name="count"/> lanes of <paramref name="vector"/> to <paramref name="target"/> (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store512(Vector512<float> vector, ref float target, int count)
    {
        fixed (float* address = &target)
        {
            Avx512F.MaskStore(address, Mask512(count), vector);
        }
    }
#endif

    /// <summary>A mask of the lanes below <paramref name="count"/> (the sign bit set), as AVX's masked loads and stores read it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Mask256(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    /// <summary>The first <paramref name="count"/> values at <paramref name="source"/>, the other lanes 0 (AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Load256(ref float source, int count)
    {
        fixed (float* address = &source)
        {
            return Avx.MaskLoad(address, Mask256(count));
        }
    }

    /// <summary>The first <paramref name="count"/> lanes of <paramref name="vector"/> to <paramref name="target"/> (AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store256(Vector256<float> vector, ref float target, int count)
    {
        fixed (float* address = &target)
        {
            Avx.MaskStore(address, Mask256(count), vector);
        }
    }
}
