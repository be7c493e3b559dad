using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Internal.Kernels;

/// <summary>
/// One matrix product C[r, c] = sum_k A(r, k) B[k, c], finished tile by tile by an epilogue (add the bias
/// and apply the activation, scale, or apply an SGD step). A(r, k) is read at r * ARow + k * AStep, so the
/// same product serves A and its transpose; B is row-major with rows BStep apart.
/// </summary>
internal ref struct Product
{
    public ref float A;
    public nint ARow;
    public nint AStep;
    public ref float B;
    public nint BStep;

    /// <summary>
    /// Whether B is packed in panels of <see cref="Gemm.Panel"/> columns: panel after panel, each its Steps rows
    /// of Panel values side by side, so that a tile reads its slice of B as one sequential stream. Then B(k, c)
    /// is at (c / Panel) Steps Panel + k Panel + c % Panel, and <see cref="BStep"/> is unused.
    /// </summary>
    public bool BPanels;
    public ref float C;
    public nint CRow;

    /// <summary>The bias of each column, read by the forward epilogue.</summary>
    public ref float Bias;

    /// <summary>Rows of C.</summary>
    public int Rows;

    /// <summary>Columns of C.</summary>
    public int Columns;

    /// <summary>
    /// The columns this call computes, [ColumnStart, ColumnEnd), with ColumnStart a multiple of
    /// <see cref="Gemm.ColumnSplit"/>: full tiles run where one call over every column would run them, and the
    /// tail only in the call that reaches the last column, so every value is computed alike on any number of threads.
    /// </summary>
    public int ColumnStart;

    public int ColumnEnd;

    /// <summary>Length of the sums.</summary>
    public nint Steps;

    public float Scale;

    public float Decay;
}

/// <summary>What becomes of an accumulator: the value stored into C[r, c..].</summary>
internal interface IEpilogue
{
    /// <summary>
    /// Whether the epilogue reads what C held before the product (an update of W in place): then C cannot
    /// hold a partial sum between blocks of the sum, and the product runs its sums in one block.
    /// </summary>
    static virtual bool ReadsC => false;

    /// <summary>Whether the epilogue reads the bias of each column (<see cref="Product.Bias"/>).</summary>
    static virtual bool ReadsBias => false;

    static abstract void Store<TS, TV>(TV sum, ref float c, ref float bias, float scale, float decay)
        where TS : struct, ISimd<TV>
        where TV : struct;
}

/// <summary>Z = sum + b, or A = act(sum + b) when the layer's activation is fused into the product.</summary>
internal readonly struct ForwardEpilogue<TLayer> : IEpilogue
    where TLayer : struct, IDenseLayer
{
    public static bool ReadsBias => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TS, TV>(TV sum, ref float c, ref float bias, float scale, float decay)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV z = TS.Add(sum, TS.Load(ref bias, 0));
        TS.Store(TLayer.FusesActivation ? Activate<TLayer>.Apply<TS, TV>(z, z, z, z) : z, ref c, 0);
    }
}

/// <summary>C = sum.</summary>
internal readonly struct PlainEpilogue : IEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TS, TV>(TV sum, ref float c, ref float bias, float scale, float decay)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Store(sum, ref c, 0);
}

/// <summary>C = scale sum: the mean gradient of a batch (scale = 1 / n).</summary>
internal readonly struct ScaleEpilogue : IEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TS, TV>(TV sum, ref float c, ref float bias, float scale, float decay)
        where TS : struct, ISimd<TV>
        where TV : struct => TS.Store(TS.Multiply(sum, TS.Broadcast(scale)), ref c, 0);
}

/// <summary>C = C decay + scale sum: the SGD step of W applied as its gradient is computed (scale = -lr / n).</summary>
internal readonly struct UpdateEpilogue<TLayer> : IEpilogue
    where TLayer : struct, IDenseLayer
{
    public static bool ReadsC => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TS, TV>(TV sum, ref float c, ref float bias, float scale, float decay)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV old = TS.Load(ref c, 0);
        TS.Store(TS.MultiplyAdd(sum, TS.Broadcast(scale), TLayer.DecaysWeights ? TS.Multiply(old, TS.Broadcast(decay)) : old), ref c, 0);
    }
}

/// <summary>
/// Register-blocked matrix products: tiles of C held in registers while the sum runs, in cache blocks. The
/// sum over k runs in blocks of at most <see cref="StepBlock"/> steps and the rows in blocks of
/// <see cref="RowBlock"/>: within one (row block, step block), every row tile reads the
/// same slice of B for a tile's columns (from L1 or L2), and the row block's slice of A stays in L2 while every
/// column tile reads it. Between step blocks a tile's partial sums wait in C and are loaded back into the same
/// accumulators, so each value is the same chain of multiply-adds, bit for bit, as one unblocked sum.
/// </summary>
internal static class Gemm
{
    /// <summary>Columns a product may be split at between threads: a multiple of every tile's width.</summary>
    public const int ColumnSplit = 64;

    /// <summary>Columns of a panel of packed B: one 64-byte cache line.</summary>
    public const int Panel = 16;

    /// <summary>
    /// Steps of the sum per block at most: the sums of every layer up to 1024 inputs run in one block, so their
    /// tiles never load partial sums back; a tile's slice of B (64 KB at 256 bits, 256 KB at 512) streams from L2
    /// instead of staying in L1, as fast on the cores measured. Against blocks of 256, the product of 1020 x 1024
    /// x 1024 ran 8-15% faster on a Zen 3 core (AVX2) and 85-91% -> 94-96% of the FMA peak on a Zen 5 (AVX-512),
    /// that of a 784-input layer 10% and 89-90% -> 96-98% of the peak.
    /// </summary>
    public const int StepBlock = 1024;

    /// <summary>
    /// Rows of C per block, a multiple of every tile's height: 60 rows of A over 1024 steps are 240 KB, which stay
    /// in a 512 KB or larger L2 beside the tile's slice of B (120 rows measured 0-8% slower on Zen 3, alike on Zen 5).
    /// </summary>
    public const int RowBlock = 60;

    /// <summary>
    /// The length of each block of a sum of <paramref name="steps"/>: as few blocks of at most
    /// <see cref="StepBlock"/> as it takes, of equal length, so that no block is a short tail whose tiles load and
    /// store their partial sums for a few steps.
    /// </summary>
    public static nint StepsPerBlock(nint steps)
    {
        nint blocks = (steps + StepBlock - 1) / StepBlock;
        return blocks <= 1 ? steps : (steps + blocks - 1) / blocks;
    }

    /// <summary>
    /// Rows and vectors of C per register tile at a width: 6 x 4 (24 of the 32 zmm registers), 6 x 2 (12 of
    /// 16 ymm), 4 x 2 (8 of 16 xmm), one value in scalar code.
    /// </summary>
    public static (int Rows, int Vectors) Tile(int lanes) => lanes switch
    {
        16 => (6, 4),
        8 => (6, 2),
        4 => (4, 2),
        _ => (1, 1),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TS, TV, TE>(scoped ref Product p)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TE : IEpilogue
    {
        if (TS.Lanes == 16 || TS.Lanes == 8)
        {
            RowBlocks<TS, TV, TE, Six>(ref p);
        }
        else if (TS.Lanes == 4)
        {
            RowBlocks<TS, TV, TE, Four>(ref p);
        }
        else
        {
            RowBlocks<TS, TV, TE, One>(ref p);
        }
    }

    /// <summary>The cache blocks: rows by <see cref="RowBlock"/>, the sum by <see cref="StepsPerBlock"/> (in one block when the epilogue reads C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowBlocks<TS, TV, TE, TR>(scoped ref Product p)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TE : IEpilogue
        where TR : IConstant
    {
        nint stepBlock = TE.ReadsC ? p.Steps : StepsPerBlock(p.Steps);
        for (int r0 = 0; r0 < p.Rows; r0 += RowBlock)
        {
            int r1 = System.Math.Min(r0 + RowBlock, p.Rows);
            for (nint k0 = 0; k0 < p.Steps; k0 += stepBlock)
            {
                var block = new Block(k0, System.Math.Min(k0 + stepBlock, p.Steps), k0 == 0, k0 + stepBlock >= p.Steps);
                Columns<TS, TV, TE, TR>(ref p, r0, r1, block);
            }
        }
    }

    /// <summary>
    /// One cache block: for each tile of columns, every row tile of [r0, r1) over the block's steps; then the
    /// tail of the columns in the part that reaches the last column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns<TS, TV, TE, TR>(scoped ref Product p, int r0, int r1, Block block)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TE : IEpilogue
        where TR : IConstant
    {
        int vectors = Tile(TS.Lanes).Vectors;
        int width = vectors * TS.Lanes;
        int looped = p.Columns / width * width;
        int end = System.Math.Min(p.ColumnEnd, looped);
        for (int c = p.ColumnStart; c < end; c += width)
        {
            if (vectors == 4)
            {
                RowTiles<TS, TV, TE, TR, Four>(ref p, r0, r1, c, block);
            }
            else if (vectors == 2)
            {
                RowTiles<TS, TV, TE, TR, Two>(ref p, r0, r1, c, block);
            }
            else
            {
                RowTiles<TS, TV, TE, TR, One>(ref p, r0, r1, c, block);
            }
        }

        if (p.ColumnEnd != p.Columns || looped == p.Columns)
        {
            return;
        }

        // the tail, fewer columns than a tile: whole vectors, one narrower vector of each width, then single columns
        int column = looped;
        int rest = (p.Columns - column) / TS.Lanes;
        if (TS.Lanes > 1 && rest == 3)
        {
            RowTiles<TS, TV, TE, TR, Three>(ref p, r0, r1, column, block);
        }
        else if (TS.Lanes > 1 && rest == 2)
        {
            RowTiles<TS, TV, TE, TR, Two>(ref p, r0, r1, column, block);
        }
        else if (TS.Lanes > 1 && rest == 1)
        {
            RowTiles<TS, TV, TE, TR, One>(ref p, r0, r1, column, block);
        }

        column += TS.Lanes > 1 ? rest * TS.Lanes : 0;
        if (TS.Lanes > 1 && p.BPanels && column < p.Columns)
        {
            // B in panels has whole vectors past the last column (a panel is 16 columns, its padding 0): one
            // vector of the full width covers the last columns, and only its first lanes are stored
            RowTiles<TS, TV, TE, TR, Partial>(ref p, r0, r1, column, block);
            return;
        }

        if (TS.Lanes > 8 && p.Columns - column >= 8)
        {
            RowTiles<Simd256, Vector256<float>, TE, TR, One>(ref p, r0, r1, column, block);
            column += 8;
        }

        if (TS.Lanes > 4 && p.Columns - column >= 4)
        {
            RowTiles<Simd128, Vector128<float>, TE, TR, One>(ref p, r0, r1, column, block);
            column += 4;
        }

        for (; column < p.Columns; column++)
        {
            RowTiles<Scalar, float, TE, TR, One>(ref p, r0, r1, column, block);
        }
    }

    /// <summary>
    /// Every row tile of [r0, r1) at one tile of columns: full tiles of TR rows, then one of four rows if that
    /// many are left (a single row loads as many vectors of B as it multiplies), then single rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowTiles<TS, TV, TE, TR, TN>(scoped ref Product p, int r0, int r1, int column, Block block)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TE : IEpilogue
        where TR : IConstant
        where TN : IConstant
    {
        int r = r0;
        for (; r + TR.Value <= r1; r += TR.Value)
        {
            Tile<TS, TV, TE, TR, TN>(ref p, r, column, block);
        }

        if (TR.Value > 4 && r + 4 <= r1)
        {
            Tile<TS, TV, TE, Four, TN>(ref p, r, column, block);
            r += 4;
        }

        for (; r < r1; r++)
        {
            Tile<TS, TV, TE, One, TN>(ref p, r, column, block);
        }
    }

    /// <summary>
    /// The innermost loop: TR rows by TN vectors of C in registers over the block's steps; each step loads TN
    /// vectors of B and broadcasts TR values of A. The accumulators start at 0 in the first block, else from the
    /// partial sums in C; the last block hands them to the epilogue, the others store them back as they are.
    /// A method of its own, so that its accumulators get the registers to themselves.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TS, TV, TE, TR, TN>(scoped ref Product p, int r, int column, Block block)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TE : IEpilogue
        where TR : IConstant
        where TN : IConstant
    {
        nint l = TS.Lanes;
        TV c00 = TS.Zero, c01 = TS.Zero, c02 = TS.Zero, c03 = TS.Zero;
        TV c10 = TS.Zero, c11 = TS.Zero, c12 = TS.Zero, c13 = TS.Zero;
        TV c20 = TS.Zero, c21 = TS.Zero, c22 = TS.Zero, c23 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c32 = TS.Zero, c33 = TS.Zero;
        TV c40 = TS.Zero, c41 = TS.Zero, c42 = TS.Zero, c43 = TS.Zero;
        TV c50 = TS.Zero, c51 = TS.Zero, c52 = TS.Zero, c53 = TS.Zero;
        ref float c = ref Unsafe.Add(ref p.C, (r * p.CRow) + column);
        int valid = p.Columns - column; // the lanes of a Partial vector that are columns of C
        if (!block.First)
        {
            Load<TS, TV, TN>(ref c, valid, out c00, out c01, out c02, out c03);
            if (TR.Value > 1)
            {
                Load<TS, TV, TN>(ref Unsafe.Add(ref c, p.CRow), valid, out c10, out c11, out c12, out c13);
                Load<TS, TV, TN>(ref Unsafe.Add(ref c, 2 * p.CRow), valid, out c20, out c21, out c22, out c23);
                Load<TS, TV, TN>(ref Unsafe.Add(ref c, 3 * p.CRow), valid, out c30, out c31, out c32, out c33);
            }

            if (TR.Value > 4)
            {
                Load<TS, TV, TN>(ref Unsafe.Add(ref c, 4 * p.CRow), valid, out c40, out c41, out c42, out c43);
                Load<TS, TV, TN>(ref Unsafe.Add(ref c, 5 * p.CRow), valid, out c50, out c51, out c52, out c53);
            }
        }
        else if (TE.ReadsC)
        {
            // the epilogue reads C (W, updated in place): ask for it now, while the sum runs
            Prefetch<TV, TR, TN>(ref c, p.CRow);
        }

        nint aRow = p.ARow, aStep = p.AStep;
        ref float a = ref Unsafe.Add(ref p.A, (r * aRow) + (block.Start * aStep));

        // B's rows are bStep apart, and a tile's vectors vStep apart: along a row, or from panel to panel
        nint bStep = p.BPanels ? Panel : p.BStep;
        nint vStep = p.BPanels && l == Panel ? p.Steps * Panel : l;
        ref float b = ref p.BPanels
            ? ref Unsafe.Add(ref p.B, ((column / Panel) * p.Steps * Panel) + (column % Panel) + (block.Start * Panel))
            : ref Unsafe.Add(ref p.B, (block.Start * bStep) + column);
        // the offsets of the tile's rows of A, worked out once: the JIT does not hoist 2 aRow ... 5 aRow out of the
        // loop, and recomputing them took three of the 27 instructions of each step of a 6 x 16 tile on AVX2
        nint aRow2 = 2 * aRow, aRow3 = 3 * aRow, aRow4 = 4 * aRow, aRow5 = 5 * aRow;
        for (nint k = block.Start; k < block.End; k++)
        {
            TV b0 = TS.Load(ref b, 0);
            TV b1 = TN.Value > 1 ? TS.Load(ref b, vStep) : default;
            TV b2 = TN.Value > 2 ? TS.Load(ref b, 2 * vStep) : default;
            TV b3 = TN.Value > 3 ? TS.Load(ref b, 3 * vStep) : default;

            TV a0 = TS.Broadcast(a);
            c00 = TS.MultiplyAdd(a0, b0, c00);
            if (TN.Value > 1) { c01 = TS.MultiplyAdd(a0, b1, c01); }
            if (TN.Value > 2) { c02 = TS.MultiplyAdd(a0, b2, c02); }
            if (TN.Value > 3) { c03 = TS.MultiplyAdd(a0, b3, c03); }

            if (TR.Value > 1)
            {
                TV a1 = TS.Broadcast(Unsafe.Add(ref a, aRow));
                c10 = TS.MultiplyAdd(a1, b0, c10);
                if (TN.Value > 1) { c11 = TS.MultiplyAdd(a1, b1, c11); }
                if (TN.Value > 2) { c12 = TS.MultiplyAdd(a1, b2, c12); }
                if (TN.Value > 3) { c13 = TS.MultiplyAdd(a1, b3, c13); }

                TV a2 = TS.Broadcast(Unsafe.Add(ref a, aRow2));
                c20 = TS.MultiplyAdd(a2, b0, c20);
                if (TN.Value > 1) { c21 = TS.MultiplyAdd(a2, b1, c21); }
                if (TN.Value > 2) { c22 = TS.MultiplyAdd(a2, b2, c22); }
                if (TN.Value > 3) { c23 = TS.MultiplyAdd(a2, b3, c23); }

                TV a3 = TS.Broadcast(Unsafe.Add(ref a, aRow3));
                c30 = TS.MultiplyAdd(a3, b0, c30);
                if (TN.Value > 1) { c31 = TS.MultiplyAdd(a3, b1, c31); }
                if (TN.Value > 2) { c32 = TS.MultiplyAdd(a3, b2, c32); }
                if (TN.Value > 3) { c33 = TS.MultiplyAdd(a3, b3, c33); }
            }

            if (TR.Value > 4)
            {
                TV a4 = TS.Broadcast(Unsafe.Add(ref a, aRow4));
                c40 = TS.MultiplyAdd(a4, b0, c40);
                if (TN.Value > 1) { c41 = TS.MultiplyAdd(a4, b1, c41); }
                if (TN.Value > 2) { c42 = TS.MultiplyAdd(a4, b2, c42); }
                if (TN.Value > 3) { c43 = TS.MultiplyAdd(a4, b3, c43); }

                TV a5 = TS.Broadcast(Unsafe.Add(ref a, aRow5));
                c50 = TS.MultiplyAdd(a5, b0, c50);
                if (TN.Value > 1) { c51 = TS.MultiplyAdd(a5, b1, c51); }
                if (TN.Value > 2) { c52 = TS.MultiplyAdd(a5, b2, c52); }
                if (TN.Value > 3) { c53 = TS.MultiplyAdd(a5, b3, c53); }
            }

            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, bStep);
        }

        if (!block.Last)
        {
            // a partial sum: stored as it is, loaded back by the next block
            Store<TS, TV, PlainEpilogue, TN>(ref c, ref Unsafe.NullRef<float>(), valid, ref p, c00, c01, c02, c03);
            if (TR.Value > 1)
            {
                Store<TS, TV, PlainEpilogue, TN>(ref Unsafe.Add(ref c, p.CRow), ref Unsafe.NullRef<float>(), valid, ref p, c10, c11, c12, c13);
                Store<TS, TV, PlainEpilogue, TN>(ref Unsafe.Add(ref c, 2 * p.CRow), ref Unsafe.NullRef<float>(), valid, ref p, c20, c21, c22, c23);
                Store<TS, TV, PlainEpilogue, TN>(ref Unsafe.Add(ref c, 3 * p.CRow), ref Unsafe.NullRef<float>(), valid, ref p, c30, c31, c32, c33);
            }

            if (TR.Value > 4)
            {
                Store<TS, TV, PlainEpilogue, TN>(ref Unsafe.Add(ref c, 4 * p.CRow), ref Unsafe.NullRef<float>(), valid, ref p, c40, c41, c42, c43);
                Store<TS, TV, PlainEpilogue, TN>(ref Unsafe.Add(ref c, 5 * p.CRow), ref Unsafe.NullRef<float>(), valid, ref p, c50, c51, c52, c53);
            }

            return;
        }

        ref float bias = ref Unsafe.Add(ref p.Bias, column);
        Store<TS, TV, TE, TN>(ref c, ref bias, valid, ref p, c00, c01, c02, c03);
        if (TR.Value > 1)
        {
            Store<TS, TV, TE, TN>(ref Unsafe.Add(ref c, p.CRow), ref bias, valid, ref p, c10, c11, c12, c13);
            Store<TS, TV, TE, TN>(ref Unsafe.Add(ref c, 2 * p.CRow), ref bias, valid, ref p, c20, c21, c22, c23);
            Store<TS, TV, TE, TN>(ref Unsafe.Add(ref c, 3 * p.CRow), ref bias, valid, ref p, c30, c31, c32, c33);
        }

        if (TR.Value > 4)
        {
            Store<TS, TV, TE, TN>(ref Unsafe.Add(ref c, 4 * p.CRow), ref bias, valid, ref p, c40, c41, c42, c43);
            Store<TS, TV, TE, TN>(ref Unsafe.Add(ref c, 5 * p.CRow), ref bias, valid, ref p, c50, c51, c52, c53);
        }
    }

    /// <summary>One row of a tile's partial sums, back from C (of a <see cref="Partial"/> vector, its first <paramref name="valid"/> lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<TS, TV, TN>(ref float c, int valid, out TV s0, out TV s1, out TV s2, out TV s3)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TN : IConstant
    {
        nint l = TS.Lanes;
        if (typeof(TN) == typeof(Partial))
        {
            s0 = LoadPartial<TS, TV>(ref c, valid);
            s1 = s2 = s3 = TS.Zero;
            return;
        }

        s0 = TS.Load(ref c, 0);
        s1 = TN.Value > 1 ? TS.Load(ref c, l) : TS.Zero;
        s2 = TN.Value > 2 ? TS.Load(ref c, 2 * l) : TS.Zero;
        s3 = TN.Value > 3 ? TS.Load(ref c, 3 * l) : TS.Zero;
    }

    /// <summary>
    /// Asks for the lines of C the epilogue will read, at the start of the tile's sum: an update of W in place
    /// reads W at the end of thousands of multiply-adds, too far ahead for the core to start the loads itself,
    /// and W larger than L2 then stalls every tile on misses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch<TV, TR, TN>(ref float c, nint cRow)
        where TV : struct
        where TR : IConstant
        where TN : IConstant
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        nint bytes = TN.Value * Unsafe.SizeOf<TV>();
        for (nint row = 0; row < TR.Value; row++)
        {
            byte* start = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref c, row * cRow));
            for (nint offset = 0; offset < bytes; offset += 64)
            {
                Sse.Prefetch0(start + offset);
            }
        }
    }

    /// <summary>The steps [Start, End) of one block of the sum, and whether it is the first and the last.</summary>
    private readonly record struct Block(nint Start, nint End, bool First, bool Last);

    /// <summary>One row of a tile through the epilogue (of a <see cref="Partial"/> vector, its first <paramref name="valid"/> lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TS, TV, TE, TN>(ref float c, ref float bias, int valid, scoped ref Product p, TV s0, TV s1, TV s2, TV s3)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TE : IEpilogue
        where TN : IConstant
    {
        nint l = TS.Lanes;
        if (typeof(TN) == typeof(Partial))
        {
            StorePartial<TS, TV, TE>(s0, ref c, ref bias, valid, ref p);
            return;
        }

        TE.Store<TS, TV>(s0, ref c, ref bias, p.Scale, p.Decay);
        if (TN.Value > 1)
        {
            TE.Store<TS, TV>(s1, ref Unsafe.Add(ref c, l), ref Unsafe.Add(ref bias, l), p.Scale, p.Decay);
        }

        if (TN.Value > 2)
        {
            TE.Store<TS, TV>(s2, ref Unsafe.Add(ref c, 2 * l), ref Unsafe.Add(ref bias, 2 * l), p.Scale, p.Decay);
        }

        if (TN.Value > 3)
        {
            TE.Store<TS, TV>(s3, ref Unsafe.Add(ref c, 3 * l), ref Unsafe.Add(ref bias, 3 * l), p.Scale, p.Decay);
        }
    }

    /// <summary>The first <paramref name="valid"/> values at <paramref name="source"/> in a vector, the other lanes 0.</summary>
    /// <remarks>
    /// Inlined, without a call: a call in the tile would make the JIT keep its accumulators in memory. A masked
    /// load where the processor has one (the lanes past <paramref name="valid"/> are not read); else one value at
    /// a time into the vector on the stack, which a load of the whole vector then waits for.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LoadPartial<TS, TV>(ref float source, int valid)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
#if NET9_0_OR_GREATER
        if (typeof(TV) == typeof(Vector512<float>) && Avx512F.IsSupported)
        {
            Vector512<float> loaded = FirstLanes.Load512(ref source, valid, Vector512<float>.Zero);
            return Unsafe.As<Vector512<float>, TV>(ref loaded);
        }
#endif

        if (typeof(TV) == typeof(Vector256<float>) && Avx.IsSupported)
        {
            Vector256<float> loaded = FirstLanes.Load256(ref source, valid);
            return Unsafe.As<Vector256<float>, TV>(ref loaded);
        }

        TV vector = TS.Zero;
        ref float lanes = ref Unsafe.As<TV, float>(ref vector);
        for (int i = 0; i < valid; i++)
        {
            Unsafe.Add(ref lanes, i) = Unsafe.Add(ref source, i);
        }

        return vector;
    }

    /// <summary>The first <paramref name="valid"/> lanes of <paramref name="vector"/> to <paramref name="target"/>; the memory past them is not touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFirst<TV>(TV vector, ref float target, int valid)
        where TV : struct
    {
#if NET9_0_OR_GREATER
        if (typeof(TV) == typeof(Vector512<float>) && Avx512F.IsSupported)
        {
            FirstLanes.Store512(Unsafe.As<TV, Vector512<float>>(ref vector), ref target, valid);
            return;
        }
#endif

        if (typeof(TV) == typeof(Vector256<float>) && Avx.IsSupported)
        {
            FirstLanes.Store256(Unsafe.As<TV, Vector256<float>>(ref vector), ref target, valid);
            return;
        }

        ref float lanes = ref Unsafe.As<TV, float>(ref vector);
        for (int i = 0; i < valid; i++)
        {
            Unsafe.Add(ref target, i) = Unsafe.Add(ref lanes, i);
        }
    }

    /// <summary>
    /// The epilogue of a vector of which only the first <paramref name="valid"/> lanes are columns of C: it runs
    /// on copies of C and of the bias (the lanes past them 0), and only those lanes are written back. Once per row
    /// of a tile, after its whole sum, so the copies cost little against the multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePartial<TS, TV, TE>(TV sum, ref float c, ref float bias, int valid, scoped ref Product p)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TE : IEpilogue
    {
        TV target = TE.ReadsC ? LoadPartial<TS, TV>(ref c, valid) : TS.Zero;
        TV biases = TE.ReadsBias ? LoadPartial<TS, TV>(ref bias, valid) : TS.Zero;
        TE.Store<TS, TV>(sum, ref Unsafe.As<TV, float>(ref target), ref Unsafe.As<TV, float>(ref biases), p.Scale, p.Decay);
        StoreFirst(target, ref c, valid);
    }
}
