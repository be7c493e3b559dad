using System.Collections.Generic;

namespace NetGen.Generator.Helpers;

/// <summary>
/// A width the generated kernels are written for: Vector512, Vector256, Vector128 or plain scalar code.
/// Builds the C# expressions of vector operations at that width, so that one emitter template writes
/// every width. The generated file aliases the Vector types at its top (see <c>Emitter.FileHeader</c>).
/// </summary>
internal sealed class Simd
{
    public static readonly Simd Vector512 = new("Vector512", 16);
    public static readonly Simd Vector256 = new("Vector256", 8);
    public static readonly Simd Vector128 = new("Vector128", 4);
    public static readonly Simd Scalar = new("Scalar", 1);

    /// <summary>Every width, widest first: the order the generated code tests them in.</summary>
    public static readonly Simd[] All = [Vector512, Vector256, Vector128, Scalar];

    private Simd(string name, int lanes)
    {
        Name = name;
        Lanes = lanes;
    }

    /// <summary>The vector type's name, such as <c>Vector512</c>; <c>Scalar</c> for scalar code.</summary>
    public string Name { get; }

    /// <summary>Floats per vector: 16, 8, 4, or 1 for scalar code.</summary>
    public int Lanes { get; }

    public bool IsScalar => Lanes == 1;

    /// <summary>The next narrower width, or null below Vector128.</summary>
    public Simd? Narrower => Lanes switch
    {
        16 => Vector256,
        8 => Vector128,
        _ => null,
    };

    /// <summary>Whether fused multiply-add is used: chosen per network from what the target framework offers.</summary>
    public static string Fma(Simd simd, bool available, string a, string b, string c) =>
        simd.IsScalar || !available
            ? $"{a} * {b} + {c}"
            : simd == Vector128 ? $"MultiplyAdd({a}, {b}, {c})" : $"{simd.Name}.FusedMultiplyAdd({a}, {b}, {c})";

    public string Load(string reference, string offset) =>
        IsScalar ? $"Unsafe.Add(ref {reference}, {offset})" : $"{Name}.LoadUnsafe(ref {reference}, (nuint){Literals.Operand(offset)})";

    public string Store(string value, string reference, string offset) =>
        IsScalar ? $"Unsafe.Add(ref {reference}, {offset}) = {value};" : $"{Name}.StoreUnsafe({value}, ref {reference}, (nuint){Literals.Operand(offset)});";

    /// <summary>A scalar in every lane; in scalar code the scalar itself, parenthesised when it is an expression.</summary>
    public string Broadcast(string scalar) =>
        !IsScalar ? $"{Name}.Create({scalar})" : Literals.Operand(scalar);

    public string Zero => IsScalar ? "0f" : $"{Name}.Create(0f)";

    public string One => IsScalar ? "1f" : $"{Name}.Create(1f)";

    /// <summary>The sum of a vector's lanes.</summary>
    public string Sum(string vector) => IsScalar ? vector : $"{Name}.Sum({vector})";

    /// <summary>Lane-wise maximum (IEEE: NaN propagates).</summary>
    public string Max(string a, string b) => IsScalar ? $"MathF.Max({a}, {b})" : $"{Name}.Max({a}, {b})";

    /// <summary>Lane-wise: where <paramref name="x"/> &gt; 0 take <paramref name="whenTrue"/>, else <paramref name="whenFalse"/>.</summary>
    public string SelectPositive(string x, string whenTrue, string whenFalse) =>
        IsScalar ? $"{x} > 0f ? {whenTrue} : {whenFalse}" : $"{Name}.ConditionalSelect({Name}.GreaterThan({x}, {Zero}), {whenTrue}, {whenFalse})";

    /// <summary>Covers [0, length) with chunks: a loop of full vectors, then narrower vectors, then scalars.</summary>
    public ChunkPlan Plan(int length)
    {
        int full = length / Lanes * Lanes;
        var tail = new List<(int Offset, Simd Width)>();
        int offset = full;
        for (Simd? width = Narrower; width is not null; width = width.Narrower)
        {
            if (length - offset >= width.Lanes)
            {
                tail.Add((offset, width));
                offset += width.Lanes;
            }
        }

        for (; offset < length; offset++)
        {
            tail.Add((offset, Scalar));
        }

        return new ChunkPlan(full, tail);
    }

    public override string ToString() => Name;
}

/// <summary>How a length is covered at one width: <see cref="FullLength"/> by a loop of full vectors, the rest by <see cref="Tail"/>.</summary>
internal sealed record ChunkPlan(int FullLength, IReadOnlyList<(int Offset, Simd Width)> Tail);
