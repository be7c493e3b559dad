using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#if !NET9_0_OR_GREATER
using System.Runtime.Intrinsics.Arm;
#endif

namespace NetGen.Internal.Kernels;

/// <summary>
/// One SIMD width as a type: the kernels are written once, generic over <typeparamref name="TVector"/>
/// (<see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/> or a plain
/// <see cref="float"/>) and the operations on it, and the JIT compiles one copy per width with every call
/// inlined. A kernel tests <c>IsHardwareAccelerated</c>, which the JIT folds to a constant, so only the
/// copy for the machine's widest width is ever compiled.
/// </summary>
internal interface ISimd<TVector>
    where TVector : struct
{
    /// <summary>Floats per vector: 16, 8, 4, or 1 for scalar code.</summary>
    static abstract int Lanes { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(ref float source, nint offset);

    static abstract void Store(TVector value, ref float destination, nint offset);

    /// <summary>The scalar in every lane.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary>a * b + c, fused (one rounding) where the processor has FMA, as two operations otherwise.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    /// <summary>Lane-wise maximum (IEEE: NaN propagates).</summary>
    static abstract TVector Max(TVector a, TVector b);

    static abstract TVector Sqrt(TVector value);

    /// <summary>Lane-wise: where <paramref name="x"/> &gt; 0 take <paramref name="whenPositive"/>, else <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectPositive(TVector x, TVector whenPositive, TVector otherwise);

    /// <summary>A mask of the lanes of <paramref name="x"/> that are 0 (all bits set there), for <see cref="Select"/>.</summary>
    static abstract TVector IsZero(TVector x);

    /// <summary>Lane-wise: where <paramref name="mask"/> is set take <paramref name="whenSet"/>, else <paramref name="otherwise"/>.</summary>
    static abstract TVector Select(TVector mask, TVector whenSet, TVector otherwise);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TVector value);

    /// <summary>
    /// The sums of four vectors' lanes, in lanes 0 to 3: the same bits as four calls of <see cref="Sum"/>, which
    /// on x64 add neighbouring lanes, then pairs of those, then 128-bit blocks; here the four vectors share the
    /// shuffles of each level instead of running four horizontal sums.
    /// </summary>
    static abstract Vector128<float> Sum4(TVector a, TVector b, TVector c, TVector d);

#if NET9_0_OR_GREATER
    /// <summary>a * b + c rounded once, at every width and on every machine (in software where the CPU has no FMA), so that a lane's bits do not depend on the width: the operations of <see cref="VectorExp"/>.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>To the nearest integer, halves to even.</summary>
    static abstract TVector Round(TVector x);

    /// <summary>The mask of the lanes where <paramref name="a"/> &lt; <paramref name="b"/> (false where either is NaN).</summary>
    static abstract TVector LessThan(TVector a, TVector b);

    /// <summary>x 2^n, for integral n from -126 to 127 (n + 127 written into a float's exponent bits).</summary>
    static abstract TVector ScaleByPowerOfTwo(TVector x, TVector n);
#endif
}

/// <summary>The first two levels of <see cref="ISimd{TVector}.Sum4"/> within each 128-bit block, at every width.</summary>
internal static class PairwiseSums
{
    // Within each 128-bit block: [a0, a2, b0, b2] + [a1, a3, b1, b3] = neighbouring lanes' sums of a and of b
    private const byte Evens = 0b10_00_10_00;
    private const byte Odds = 0b11_01_11_01;

    /// <summary>In each 128-bit block k: [sum of block k of a, of b, of c, of d], each summed as (x0 + x1) + (x2 + x3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Blocks(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector512<float> ab = Avx512F.Shuffle(a, b, Evens) + Avx512F.Shuffle(a, b, Odds);
        Vector512<float> cd = Avx512F.Shuffle(c, d, Evens) + Avx512F.Shuffle(c, d, Odds);
        return Avx512F.Shuffle(ab, cd, Evens) + Avx512F.Shuffle(ab, cd, Odds);
    }

    /// <inheritdoc cref="Blocks(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Blocks(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        Vector256<float> ab = Avx.Shuffle(a, b, Evens) + Avx.Shuffle(a, b, Odds);
        Vector256<float> cd = Avx.Shuffle(c, d, Evens) + Avx.Shuffle(c, d, Odds);
        return Avx.Shuffle(ab, cd, Evens) + Avx.Shuffle(ab, cd, Odds);
    }

    /// <inheritdoc cref="Blocks(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Blocks(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        Vector128<float> ab = Sse.Shuffle(a, b, Evens) + Sse.Shuffle(a, b, Odds);
        Vector128<float> cd = Sse.Shuffle(c, d, Evens) + Sse.Shuffle(c, d, Odds);
        return Sse.Shuffle(ab, cd, Evens) + Sse.Shuffle(ab, cd, Odds);
    }
}

/// <summary>512-bit vectors: 16 floats.</summary>
internal readonly struct Simd512 : ISimd<Vector512<float>>
{
    public static int Lanes => 16;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nint offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
#if NET9_0_OR_GREATER
        Vector512.FusedMultiplyAdd(a, b, c);
#else
        Avx512F.FusedMultiplyAdd(a, b, c);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectPositive(Vector512<float> x, Vector512<float> whenPositive, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), whenPositive, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> IsZero(Vector512<float> x) => Vector512.Equals(x, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> whenSet, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        if (!Avx512F.IsSupported)
        {
            return Vector128.Create(Sum(a), Sum(b), Sum(c), Sum(d));
        }

        // blocks [0 1 2 3] -> [0+1, ., 2+3, .] -> (0+1) + (2+3), as Vector512.Sum adds its halves' sums
        Vector512<float> blocks = PairwiseSums.Blocks(a, b, c, d);
        Vector512<float> halves = blocks + Avx512F.Shuffle4x128(blocks, blocks, 0b10_11_00_01);
        return halves.GetLower().GetLower() + halves.GetUpper().GetLower();
    }

#if NET9_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> x) => Vector512.Round(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessThan(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByPowerOfTwo(Vector512<float> x, Vector512<float> n) => x * Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
#endif
}

/// <summary>256-bit vectors: 8 floats.</summary>
internal readonly struct Simd256 : ISimd<Vector256<float>>
{
    public static int Lanes => 8;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nint offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
#if NET9_0_OR_GREATER
        Fma.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : (a * b) + c;
#else
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sqrt(Vector256<float> value) => Vector256.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectPositive(Vector256<float> x, Vector256<float> whenPositive, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), whenPositive, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> IsZero(Vector256<float> x) => Vector256.Equals(x, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> whenSet, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        if (!Avx.IsSupported)
        {
            return Vector128.Create(Sum(a), Sum(b), Sum(c), Sum(d));
        }

        Vector256<float> blocks = PairwiseSums.Blocks(a, b, c, d);
        return blocks.GetLower() + blocks.GetUpper();
    }

#if NET9_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> x) => Vector256.Round(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByPowerOfTwo(Vector256<float> x, Vector256<float> n) => x * Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
#endif
}

/// <summary>128-bit vectors: 4 floats. Also the path of x86 machines without AVX2 and of Arm64.</summary>
internal readonly struct Simd128 : ISimd<Vector128<float>>
{
    public static int Lanes => 4;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nint offset) => Vector128.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    /// <summary>Fused only where the processor fuses (x86 with FMA3, every Arm64): emulated FMA would be slow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
#if NET9_0_OR_GREATER
        Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(a, b, c) : (a * b) + c;
#else
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b) : (a * b) + c;
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sqrt(Vector128<float> value) => Vector128.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectPositive(Vector128<float> x, Vector128<float> whenPositive, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), whenPositive, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> IsZero(Vector128<float> x) => Vector128.Equals(x, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> whenSet, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d) =>
        Sse.IsSupported ? PairwiseSums.Blocks(a, b, c, d) : Vector128.Create(Sum(a), Sum(b), Sum(c), Sum(d));

#if NET9_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Round(Vector128<float> x) => Vector128.Round(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LessThan(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ScaleByPowerOfTwo(Vector128<float> x, Vector128<float> n) => x * Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
#endif
}

/// <summary>Plain scalar code, one float at a time: machines without SIMD, and the debugger-friendly option.</summary>
internal readonly struct Scalar : ISimd<float>
{
    public static int Lanes => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float a, float b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => System.MathF.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float value) => System.MathF.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectPositive(float x, float whenPositive, float otherwise) => x > 0f ? whenPositive : otherwise;

    /// <summary>1 where <paramref name="x"/> is 0, else 0: scalar code's mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float IsZero(float x) => x == 0f ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Select(float mask, float whenSet, float otherwise) => mask != 0f ? whenSet : otherwise;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(float a, float b, float c, float d) => Vector128.Create(a, b, c, d);

#if NET9_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FusedMultiplyAdd(float a, float b, float c) => System.MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float x) => System.MathF.Round(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LessThan(float a, float b) => a < b ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ScaleByPowerOfTwo(float x, float n) => x * System.BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
#endif
}
