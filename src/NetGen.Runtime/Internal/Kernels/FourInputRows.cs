using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Internal.Kernels;

/// <summary>
/// One sample's z = W x + b for a layer of exactly 4 inputs, whose rows are one 128-bit vector each: 16 rows
/// in four 512-bit registers, multiplied by x repeated four times, their sums finished together by shuffles
/// instead of one horizontal sum per row. Each row sums as <see cref="Simd128"/>'s product does,
/// ((w0 x0 + w1 x1) + (w2 x2 + w3 x3)) + b, so the result is the same bits as the other one-sample kernels'
/// (Vector128.Sum adds neighbouring lanes in pairs on x64; FourInputNet's bit-for-bit TrainSequential test,
/// whose fused first-layer kernel sums each row with it, fails if the two orders part).
/// </summary>
internal static class FourInputRows
{
    /// <summary>Whether the machine runs this kernel (AVX-512).</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>The rows [start, start + 16 n) of z, n = <paramref name="blocks"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Product(ref float w, ref float b, ref float x, ref float z, int start, int blocks)
    {
        // x0 x1 x2 x3 in each 128-bit lane
        Vector128<float> x4 = Vector128.Create(x, Unsafe.Add(ref x, 1), Unsafe.Add(ref x, 2), Unsafe.Add(ref x, 3));
        Vector256<float> x8 = Vector256.Create(x4, x4);
        Vector512<float> xs = Vector512.Create(x8, x8);

        // z[4k + L] sits at lane 4L + k after the shuffles: this index puts it back in order
        Vector512<int> order = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        for (int block = 0; block < blocks; block++)
        {
            nint j = start + (16 * block);
            ref float rows = ref Unsafe.Add(ref w, j * 4);
            Vector512<float> p0 = Vector512.LoadUnsafe(ref rows) * xs;       // rows j..j+3, one a lane
            Vector512<float> p1 = Vector512.LoadUnsafe(ref rows, 16) * xs;   // rows j+4..j+7
            Vector512<float> p2 = Vector512.LoadUnsafe(ref rows, 32) * xs;
            Vector512<float> p3 = Vector512.LoadUnsafe(ref rows, 48) * xs;

            // neighbouring products in pairs, then the pairs: per lane L [row L of p0, of p1, of p2, of p3]
            // = z[L], z[4 + L], z[8 + L], z[12 + L]
            Vector512<float> sums = PairwiseSums.Blocks(p0, p1, p2, p3);
            (Avx512F.PermuteVar16x32(sums, order) + Vector512.LoadUnsafe(ref b, (nuint)j)).StoreUnsafe(ref z, (nuint)j);
        }
    }
}
