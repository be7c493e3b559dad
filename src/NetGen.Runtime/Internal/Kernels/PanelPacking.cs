using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Internal.Kernels;

/// <summary>
/// B = W^T packed in the panels a product reads (<see cref="Product.BPanels"/>): W is [units, inputs] row-major,
/// and W[j, i] goes to (j / Panel) inputs Panel + i Panel + j % Panel, so each tile of units streams its weights in
/// the order it uses them. The forward pass of a batch packs W on every call (the parameters are a span anyone may
/// write), so the copy is a transpose in 8 x 8 blocks of registers rather than one value at a time.
/// </summary>
internal static class PanelPacking
{
    /// <summary>Packs the rows j in [start, start + count) of W; start is a multiple of <see cref="Gemm.Panel"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(ref float w, nint inputs, ref float packed, int start, int count)
    {
        const int panel = Gemm.Panel;
        nint j0 = start, end = start + count;
        if (Avx.IsSupported)
        {
            nint vectorInputs = inputs / 8 * 8;
            for (; j0 + 8 <= end; j0 += 8)
            {
                ref float source = ref Unsafe.Add(ref w, j0 * inputs);
                ref float target = ref Unsafe.Add(ref packed, ((j0 / panel) * inputs * panel) + (j0 % panel));
                for (nint i = 0; i < vectorInputs; i += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref source, i), inputs, ref Unsafe.Add(ref target, i * panel), panel);
                }

                for (nint i = vectorInputs; i < inputs; i++)
                {
                    for (nint r = 0; r < 8; r++)
                    {
                        Unsafe.Add(ref target, (i * panel) + r) = Unsafe.Add(ref source, (r * inputs) + i);
                    }
                }
            }
        }

        // the rows left: all of them without AVX, else those that do not fill a block of 8
        for (nint j = j0; j < end; j++)
        {
            ref float target = ref Unsafe.Add(ref packed, ((j / panel) * inputs * panel) + (j % panel));
            for (nint i = 0; i < inputs; i++)
            {
                Unsafe.Add(ref target, i * panel) = Unsafe.Add(ref w, (j * inputs) + i);
            }
        }
    }

    /// <summary>
    /// X [rows, columns] row-major into panels of <see cref="Gemm.Panel"/> columns (no transpose): X[k, c] goes to
    /// (c / Panel) rows Panel + k Panel + c % Panel, so a tile of columns streams its slice of X from one place
    /// instead of one cache line from each row. The lanes past the last column keep the 0 the buffer was made with.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRows(ref float x, nint columns, nint rows, ref float packed) => PackRows(ref x, columns, rows, ref packed, 0, rows);

    /// <summary>The rows k in [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of <paramref name="rows"/> packed as <see cref="PackRows(ref float, nint, nint, ref float)"/> packs them all.</summary>
    /// <remarks>
    /// Panel by panel, each written as one sequential stream while the reads step down the rows. Row by row, each
    /// row would write one line into every panel, and panels of 64 rows are 4 KB apart: every line of a row's
    /// stores would fall in the same L1 set (on a Zen 5 core, the packing of a 64 x 784 batch took 9% of
    /// 784-128-10's TrainBatch that way).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRows(ref float x, nint columns, nint rows, ref float packed, nint start, nint count)
    {
        const int panel = Gemm.Panel;
        nint whole = columns / panel * panel;
        for (nint c = 0; c < whole; c += panel)
        {
            ref float to = ref Unsafe.Add(ref packed, c * rows);
            for (nint k = start; k < start + count; k++)
            {
                ref float source = ref Unsafe.Add(ref x, (k * columns) + c);
                Vector256.LoadUnsafe(ref source).StoreUnsafe(ref to, (nuint)(k * panel));
                Vector256.LoadUnsafe(ref source, 8).StoreUnsafe(ref to, (nuint)((k * panel) + 8));
            }
        }

        for (nint k = start; k < start + count; k++)
        {
            for (nint c = whole; c < columns; c++)
            {
                Unsafe.Add(ref packed, (whole * rows) + (k * panel) + (c - whole)) = Unsafe.Add(ref x, (k * columns) + c);
            }
        }
    }

    /// <summary>
    /// X [rows, columns] row-major into its transpose [columns, rows]: X[r, c] goes to c rows + r, in 8 x 8 blocks of
    /// registers where AVX has them, the edges one value at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(ref float x, nint rows, nint columns, ref float transposed)
    {
        nint r0 = 0;
        if (Avx.IsSupported)
        {
            nint vectorColumns = columns / 8 * 8;
            for (; r0 + 8 <= rows; r0 += 8)
            {
                ref float source = ref Unsafe.Add(ref x, r0 * columns);
                for (nint c = 0; c < vectorColumns; c += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref source, c), columns, ref Unsafe.Add(ref transposed, (c * rows) + r0), rows);
                }

                for (nint c = vectorColumns; c < columns; c++)
                {
                    for (nint r = 0; r < 8; r++)
                    {
                        Unsafe.Add(ref transposed, (c * rows) + r0 + r) = Unsafe.Add(ref source, (r * columns) + c);
                    }
                }
            }
        }

        // the rows left: all of them without AVX, else those that do not fill a block of 8
        for (nint r = r0; r < rows; r++)
        {
            for (nint c = 0; c < columns; c++)
            {
                Unsafe.Add(ref transposed, (c * rows) + r) = Unsafe.Add(ref x, (r * columns) + c);
            }
        }
    }

    /// <summary>
    /// out[c * outStride + r] = in[r * inStride + c] for an 8 x 8 block: pairs of rows interleaved, then pairs of
    /// pairs, then the 128-bit halves swapped across.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, nint inStride, ref float target, nint outStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)inStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * inStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * inStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * inStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * inStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * inStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * inStride));

        // t: (r0 c0, r1 c0, r0 c1, r1 c1 | r0 c4, r1 c4, r0 c5, r1 c5) and the like
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        // u: rows 0-3 of one column in each 128-bit half (columns c and c + 4)
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref target);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref target, (nuint)outStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref target, (nuint)(2 * outStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref target, (nuint)(3 * outStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref target, (nuint)(4 * outStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref target, (nuint)(5 * outStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref target, (nuint)(6 * outStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref target, (nuint)(7 * outStride));
    }
}
