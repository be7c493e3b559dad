using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Runtime.Tests.Kernels;

/// <summary>Sixteen floats: the value type of <see cref="Soft16"/>.</summary>
[InlineArray(16)]
public struct Lanes16
{
    private float _element;
}

/// <summary>
/// A 512-bit width done lane by lane in software, so that the kernels' 16-lane logic (tiles of four
/// vectors, tails of a 256-bit and a 128-bit vector) runs and is checked on machines without AVX-512 too.
/// Its fused multiply-add is fused, like the hardware's.
/// </summary>
internal readonly struct Soft16 : ISimd<Lanes16>
{
    public static int Lanes => 16;

    public static Lanes16 Zero => default;

    public static Lanes16 Load(ref float source, nint offset)
    {
        Lanes16 v = default;
        for (int i = 0; i < 16; i++)
        {
            v[i] = Unsafe.Add(ref source, offset + i);
        }

        return v;
    }

    public static void Store(Lanes16 value, ref float destination, nint offset)
    {
        for (int i = 0; i < 16; i++)
        {
            Unsafe.Add(ref destination, offset + i) = value[i];
        }
    }

    public static Lanes16 Broadcast(float value) => Map(value, value, value, (a, _, _) => a);

    public static Lanes16 MultiplyAdd(Lanes16 a, Lanes16 b, Lanes16 c)
    {
        Lanes16 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = MathF.FusedMultiplyAdd(a[i], b[i], c[i]);
        }

        return r;
    }

    public static Lanes16 Add(Lanes16 a, Lanes16 b) => Zip(a, b, (x, y) => x + y);

    public static Lanes16 Subtract(Lanes16 a, Lanes16 b) => Zip(a, b, (x, y) => x - y);

    public static Lanes16 Multiply(Lanes16 a, Lanes16 b) => Zip(a, b, (x, y) => x * y);

    public static Lanes16 Divide(Lanes16 a, Lanes16 b) => Zip(a, b, (x, y) => x / y);

    public static Lanes16 Max(Lanes16 a, Lanes16 b) => Zip(a, b, MathF.Max);

    public static Lanes16 Sqrt(Lanes16 value) => Zip(value, value, (x, _) => MathF.Sqrt(x));

    public static Lanes16 SelectPositive(Lanes16 x, Lanes16 whenPositive, Lanes16 otherwise)
    {
        Lanes16 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = x[i] > 0f ? whenPositive[i] : otherwise[i];
        }

        return r;
    }

    public static Lanes16 IsZero(Lanes16 x) => Zip(x, x, (a, _) => a == 0f ? 1f : 0f);

    public static Lanes16 Select(Lanes16 mask, Lanes16 whenSet, Lanes16 otherwise)
    {
        Lanes16 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = mask[i] != 0f ? whenSet[i] : otherwise[i];
        }

        return r;
    }

    public static float Sum(Lanes16 value)
    {
        float sum = 0f;
        for (int i = 0; i < 16; i++)
        {
            sum += value[i];
        }

        return sum;
    }

    public static Vector128<float> Sum4(Lanes16 a, Lanes16 b, Lanes16 c, Lanes16 d) => Vector128.Create(Sum(a), Sum(b), Sum(c), Sum(d));

    public static Lanes16 FusedMultiplyAdd(Lanes16 a, Lanes16 b, Lanes16 c) => MultiplyAdd(a, b, c);

    public static Lanes16 Round(Lanes16 x) => Zip(x, x, (a, _) => MathF.Round(a));

    public static Lanes16 LessThan(Lanes16 a, Lanes16 b) => Zip(a, b, (x, y) => x < y ? 1f : 0f);

    public static Lanes16 ScaleByPowerOfTwo(Lanes16 x, Lanes16 n) => Zip(x, n, (a, k) => a * BitConverter.Int32BitsToSingle(((int)k + 127) << 23));

    private static Lanes16 Zip(Lanes16 a, Lanes16 b, Func<float, float, float> f)
    {
        Lanes16 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = f(a[i], b[i]);
        }

        return r;
    }

    private static Lanes16 Map(float a, float b, float c, Func<float, float, float, float> f)
    {
        Lanes16 r = default;
        for (int i = 0; i < 16; i++)
        {
            r[i] = f(a, b, c);
        }

        return r;
    }
}
