using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Internal.Kernels;

/// <summary>
/// One sample through one dense layer, at one SIMD width: z = W x + b, the activation, the backward pass
/// and the fused SGD step. Every size is a constant of <typeparamref name="TLayer"/>, so the JIT compiles
/// exact loops, and the tails where a length is not a multiple of the width as straight code.
/// </summary>
internal static class DenseSampleKernels<TLayer, TSimd, TVector>
    where TLayer : struct, IDenseLayer
    where TSimd : struct, ISimd<TVector>
    where TVector : struct
{
    /// <summary>
    /// z_j = b_j + sum_i W[j, i] x_i for the rows [start, start + count) of W, eight rows at a time so each
    /// load of x serves eight (a core loads one vector a cycle, or two: W's loads are the floor, x's the
    /// overhead), then four, then one. Each row sums in the same order whatever its block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Product(ref float w, ref float b, ref float x, ref float z, int start, int count)
    {
        nint inputs = TLayer.Inputs;
        nint lanes = TSimd.Lanes;
        nint full = inputs / lanes * lanes;
        bool tail = full != inputs;
        nint j = start, end = start + count;
        if (lanes > 1)
        {
            for (; j + 8 <= end; j += 8)
            {
                Product8(ref w, ref b, ref x, ref z, j);
            }

            for (; j + 4 <= end; j += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, j * inputs);
                ref float w1 = ref Unsafe.Add(ref w0, inputs);
                ref float w2 = ref Unsafe.Add(ref w1, inputs);
                ref float w3 = ref Unsafe.Add(ref w2, inputs);
                TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
                for (nint i = 0; i < full; i += lanes)
                {
                    TVector xi = TSimd.Load(ref x, i);
                    s0 = TSimd.MultiplyAdd(TSimd.Load(ref w0, i), xi, s0);
                    s1 = TSimd.MultiplyAdd(TSimd.Load(ref w1, i), xi, s1);
                    s2 = TSimd.MultiplyAdd(TSimd.Load(ref w2, i), xi, s2);
                    s3 = TSimd.MultiplyAdd(TSimd.Load(ref w3, i), xi, s3);
                }

                if (!tail)
                {
                    (TSimd.Sum4(s0, s1, s2, s3) + Vector128.LoadUnsafe(ref b, (nuint)j)).StoreUnsafe(ref z, (nuint)j);
                    continue;
                }

                float t0 = TSimd.Sum(s0), t1 = TSimd.Sum(s1), t2 = TSimd.Sum(s2), t3 = TSimd.Sum(s3);
                Tail.Dot4<TSimd, TVector>(ref w0, inputs, ref x, full, inputs, ref t0, ref t1, ref t2, ref t3);
                Unsafe.Add(ref z, j) = t0 + Unsafe.Add(ref b, j);
                Unsafe.Add(ref z, j + 1) = t1 + Unsafe.Add(ref b, j + 1);
                Unsafe.Add(ref z, j + 2) = t2 + Unsafe.Add(ref b, j + 2);
                Unsafe.Add(ref z, j + 3) = t3 + Unsafe.Add(ref b, j + 3);
            }

            if (!tail && j + 1 < end)
            {
                // the last two or three rows as one block of four whose missing rows repeat the last one,
                // their sums shared as above, only the rows that are there stored
                ref float w0 = ref Unsafe.Add(ref w, j * inputs);
                ref float w1 = ref Unsafe.Add(ref w0, inputs);
                ref float w2 = ref Unsafe.Add(ref w0, Math.Min(2, end - 1 - j) * inputs);
                TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero;
                for (nint i = 0; i < full; i += lanes)
                {
                    TVector xi = TSimd.Load(ref x, i);
                    s0 = TSimd.MultiplyAdd(TSimd.Load(ref w0, i), xi, s0);
                    s1 = TSimd.MultiplyAdd(TSimd.Load(ref w1, i), xi, s1);
                    s2 = TSimd.MultiplyAdd(TSimd.Load(ref w2, i), xi, s2);
                }

                Vector128<float> t = TSimd.Sum4(s0, s1, s2, s2);
                Unsafe.Add(ref z, j) = t.ToScalar() + Unsafe.Add(ref b, j);
                Unsafe.Add(ref z, j + 1) = t.GetElement(1) + Unsafe.Add(ref b, j + 1);
                if (j + 2 < end)
                {
                    Unsafe.Add(ref z, j + 2) = t.GetElement(2) + Unsafe.Add(ref b, j + 2);
                }

                return;
            }
        }

        for (; j < end; j++)
        {
            ref float row = ref Unsafe.Add(ref w, j * inputs);
            TVector s = TSimd.Zero;
            for (nint i = 0; i < full; i += lanes)
            {
                s = TSimd.MultiplyAdd(TSimd.Load(ref row, i), TSimd.Load(ref x, i), s);
            }

            float t = TSimd.Sum(s);
            if (tail)
            {
                t = Tail.Dot1<TSimd, TVector>(ref row, ref x, full, inputs, t);
            }

            Unsafe.Add(ref z, j) = t + Unsafe.Add(ref b, j);
        }
    }

    /// <summary>The rows [j, j + 8) of <see cref="Product"/>: eight sums, one vector each, over one pass of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Product8(ref float w, ref float b, ref float x, ref float z, nint j)
    {
        nint inputs = TLayer.Inputs;
        nint lanes = TSimd.Lanes;
        nint full = inputs / lanes * lanes;
        ref float w0 = ref Unsafe.Add(ref w, j * inputs);
        ref float w4 = ref Unsafe.Add(ref w0, 4 * inputs);
        TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        TVector s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
        for (nint i = 0; i < full; i += lanes)
        {
            TVector xi = TSimd.Load(ref x, i);
            ref float r = ref Unsafe.Add(ref w0, i);
            s0 = TSimd.MultiplyAdd(TSimd.Load(ref r, 0), xi, s0);
            s1 = TSimd.MultiplyAdd(TSimd.Load(ref r, inputs), xi, s1);
            s2 = TSimd.MultiplyAdd(TSimd.Load(ref r, 2 * inputs), xi, s2);
            s3 = TSimd.MultiplyAdd(TSimd.Load(ref r, 3 * inputs), xi, s3);
            s4 = TSimd.MultiplyAdd(TSimd.Load(ref r, 4 * inputs), xi, s4);
            s5 = TSimd.MultiplyAdd(TSimd.Load(ref r, 5 * inputs), xi, s5);
            s6 = TSimd.MultiplyAdd(TSimd.Load(ref r, 6 * inputs), xi, s6);
            s7 = TSimd.MultiplyAdd(TSimd.Load(ref r, 7 * inputs), xi, s7);
        }

        ref float zj = ref Unsafe.Add(ref z, j);
        ref float bj = ref Unsafe.Add(ref b, j);
        if (full == inputs)
        {
            (TSimd.Sum4(s0, s1, s2, s3) + Vector128.LoadUnsafe(ref bj)).StoreUnsafe(ref zj);
            (TSimd.Sum4(s4, s5, s6, s7) + Vector128.LoadUnsafe(ref bj, 4)).StoreUnsafe(ref zj, 4);
            return;
        }

        float t0 = TSimd.Sum(s0), t1 = TSimd.Sum(s1), t2 = TSimd.Sum(s2), t3 = TSimd.Sum(s3);
        float t4 = TSimd.Sum(s4), t5 = TSimd.Sum(s5), t6 = TSimd.Sum(s6), t7 = TSimd.Sum(s7);
        Tail.Dot4<TSimd, TVector>(ref w0, inputs, ref x, full, inputs, ref t0, ref t1, ref t2, ref t3);
        Tail.Dot4<TSimd, TVector>(ref w4, inputs, ref x, full, inputs, ref t4, ref t5, ref t6, ref t7);
        zj = t0 + bj;
        Unsafe.Add(ref zj, 1) = t1 + Unsafe.Add(ref bj, 1);
        Unsafe.Add(ref zj, 2) = t2 + Unsafe.Add(ref bj, 2);
        Unsafe.Add(ref zj, 3) = t3 + Unsafe.Add(ref bj, 3);
        Unsafe.Add(ref zj, 4) = t4 + Unsafe.Add(ref bj, 4);
        Unsafe.Add(ref zj, 5) = t5 + Unsafe.Add(ref bj, 5);
        Unsafe.Add(ref zj, 6) = t6 + Unsafe.Add(ref bj, 6);
        Unsafe.Add(ref zj, 7) = t7 + Unsafe.Add(ref bj, 7);
    }

    /// <summary>
    /// First layer backward (no dE/dx: nothing consumes it): dE/db += dE/dz, dE/dW[j, :] += dE/dz_j x row by row,
    /// skipping the rows whose dE/dz_j is 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateRows(ref float x, ref float delta, ref float gw, ref float gb)
    {
        Elementwise.Map<TSimd, TVector, Add>(ref gb, ref delta, ref gb, TLayer.Units);
        for (nint j = 0; j < TLayer.Units; j++)
        {
            float d = Unsafe.Add(ref delta, j);
            if (d == 0f)
            {
                continue; // dE/dz_j = 0: this row changes nothing
            }

            ref float row = ref Unsafe.Add(ref gw, j * (nint)TLayer.Inputs);
            Elementwise.Map<TSimd, TVector, Axpy>(ref x, ref row, ref row, TLayer.Inputs, d);
        }
    }

    /// <summary>
    /// First layer, one SGD step: b -= lr dE/dz (b decay first, with weight decay), W[j, :] += u_j x with
    /// u_j = -lr dE/dz_j (W decay first) for the rows [start, start + count).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdRows(ref float w, ref float b, ref float x, ref float delta, float learningRate, float decay, int start, int count)
    {
        Elementwise.Map<TSimd, TVector, SgdBias<TLayer>>(ref Unsafe.Add(ref b, start), ref Unsafe.Add(ref delta, start), ref Unsafe.Add(ref b, start), count, learningRate, decay);
        for (nint j = start; j < start + count; j++)
        {
            float d = Unsafe.Add(ref delta, j);
            if (!TLayer.DecaysWeights && d == 0f)
            {
                continue; // dE/dz_j = 0: this row changes nothing
            }

            // W[j, i] += u_j x_i with u_j = -lr dE/dz_j (W[j, i] decay first, with weight decay)
            ref float row = ref Unsafe.Add(ref w, j * (nint)TLayer.Inputs);
            Elementwise.Map<TSimd, TVector, SgdWeights<TLayer>>(ref x, ref row, ref row, TLayer.Inputs, -learningRate * d, decay);
        }
    }

    /// <summary>
    /// Per-sample SGD, first layer, fused with the next sample's product: row by row, exactly what
    /// <see cref="SgdRows"/> and then <see cref="Product"/> compute, in one pass over W.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdRowsThenProduct(ref float w, ref float b, ref float x, ref float delta, float learningRate, float decay, ref float next, ref float z, int start, int count)
    {
        nint inputs = TLayer.Inputs;
        nint lanes = TSimd.Lanes;
        nint full = inputs / lanes * lanes;
        bool tail = full != inputs;
        TVector decayV = TSimd.Broadcast(decay);
        nint j = start, end = start + count;
        if (lanes > 1)
        {
            for (; j + 4 <= end; j += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, j * inputs);
                ref float w1 = ref Unsafe.Add(ref w0, inputs);
                ref float w2 = ref Unsafe.Add(ref w1, inputs);
                ref float w3 = ref Unsafe.Add(ref w2, inputs);
                float d0 = Unsafe.Add(ref delta, j), d1 = Unsafe.Add(ref delta, j + 1), d2 = Unsafe.Add(ref delta, j + 2), d3 = Unsafe.Add(ref delta, j + 3);
                float u0 = -learningRate * d0, u1 = -learningRate * d1, u2 = -learningRate * d2, u3 = -learningRate * d3;
                TVector uv0 = TSimd.Broadcast(u0), uv1 = TSimd.Broadcast(u1), uv2 = TSimd.Broadcast(u2), uv3 = TSimd.Broadcast(u3);
                TVector keep0 = Keep(d0), keep1 = Keep(d1), keep2 = Keep(d2), keep3 = Keep(d3);
                TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
                for (nint i = 0; i < full; i += lanes)
                {
                    TVector xi = TSimd.Load(ref x, i);
                    TVector ni = TSimd.Load(ref next, i);
                    s0 = UpdateThenDot(ref w0, i, xi, ni, uv0, keep0, decayV, s0);
                    s1 = UpdateThenDot(ref w1, i, xi, ni, uv1, keep1, decayV, s1);
                    s2 = UpdateThenDot(ref w2, i, xi, ni, uv2, keep2, decayV, s2);
                    s3 = UpdateThenDot(ref w3, i, xi, ni, uv3, keep3, decayV, s3);
                }

                float t0 = TSimd.Sum(s0), t1 = TSimd.Sum(s1), t2 = TSimd.Sum(s2), t3 = TSimd.Sum(s3);
                if (tail)
                {
                    t0 = Tail.UpdateThenDot<TSimd, TVector, TLayer>(ref w0, ref x, ref next, full, inputs, d0, u0, decay, t0);
                    t1 = Tail.UpdateThenDot<TSimd, TVector, TLayer>(ref w1, ref x, ref next, full, inputs, d1, u1, decay, t1);
                    t2 = Tail.UpdateThenDot<TSimd, TVector, TLayer>(ref w2, ref x, ref next, full, inputs, d2, u2, decay, t2);
                    t3 = Tail.UpdateThenDot<TSimd, TVector, TLayer>(ref w3, ref x, ref next, full, inputs, d3, u3, decay, t3);
                }

                Unsafe.Add(ref z, j) = t0 + UpdateBias(ref b, j, d0, learningRate, decay);
                Unsafe.Add(ref z, j + 1) = t1 + UpdateBias(ref b, j + 1, d1, learningRate, decay);
                Unsafe.Add(ref z, j + 2) = t2 + UpdateBias(ref b, j + 2, d2, learningRate, decay);
                Unsafe.Add(ref z, j + 3) = t3 + UpdateBias(ref b, j + 3, d3, learningRate, decay);
            }
        }

        for (; j < end; j++)
        {
            ref float row = ref Unsafe.Add(ref w, j * inputs);
            float d = Unsafe.Add(ref delta, j), u = -learningRate * d;
            TVector uv = TSimd.Broadcast(u), keep = Keep(d);
            TVector s = TSimd.Zero;
            for (nint i = 0; i < full; i += lanes)
            {
                s = UpdateThenDot(ref row, i, TSimd.Load(ref x, i), TSimd.Load(ref next, i), uv, keep, decayV, s);
            }

            float t = TSimd.Sum(s);
            if (tail)
            {
                t = Tail.UpdateThenDot<TSimd, TVector, TLayer>(ref row, ref x, ref next, full, inputs, d, u, decay, t);
            }

            Unsafe.Add(ref z, j) = t + UpdateBias(ref b, j, d, learningRate, decay);
        }
    }

    /// <summary>The mask of "dE/dz_j = 0" in every lane, where a row keeps its weights (unless weight decay changes them all).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Keep(float d) => TLayer.DecaysWeights ? default : TSimd.IsZero(TSimd.Broadcast(d));

    /// <summary>
    /// w = x u + w (w decay first, with weight decay), kept as it was where dE/dz is 0 and rows are skipped
    /// (adding x (-lr 0) could turn a weight of -0 into +0); stored; then sum += w next.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector UpdateThenDot(ref float row, nint i, TVector x, TVector next, TVector u, TVector keep, TVector decay, TVector sum)
    {
        TVector old = TSimd.Load(ref row, i);
        TVector updated = TLayer.DecaysWeights
            ? TSimd.MultiplyAdd(x, u, TSimd.Multiply(old, decay))
            : TSimd.Select(keep, old, TSimd.MultiplyAdd(x, u, old));
        TSimd.Store(updated, ref row, i);
        return TSimd.MultiplyAdd(updated, next, sum);
    }

    /// <summary>b_j after one SGD step, the same expression as <see cref="SgdBias{TLayer}"/>; stored and returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float UpdateBias(ref float b, nint j, float d, float learningRate, float decay)
    {
        ref float bj = ref Unsafe.Add(ref b, j);
        bj = SgdBias<TLayer>.Apply<Scalar, float>(bj, d, learningRate, decay);
        return bj;
    }

    /// <summary>The biases' part of a later layer's backward pass: b -= lr dE/dz (SGD), or dE/db += dE/dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardBiases(ref float b, ref float delta, ref float gb, bool sgd, float learningRate, float decay)
    {
        if (sgd)
        {
            Elementwise.Map<TSimd, TVector, SgdBias<TLayer>>(ref b, ref delta, ref b, TLayer.Units, learningRate, decay);
        }
        else
        {
            Elementwise.Map<TSimd, TVector, Add>(ref gb, ref delta, ref gb, TLayer.Units);
        }
    }

    /// <summary>
    /// The weights' part of a later layer's backward pass: dE/dx = W^T dE/dz, and either dE/dW += dE/dz x^T
    /// (<paramref name="sgd"/> false) or the SGD step applied straight to W, so dE/dW is never stored and W is read
    /// once; dE/dx uses W before the update. Tiles of x (and of dE/dx) stay in registers while every row passes
    /// over them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardColumns(ref float w, ref float x, ref float delta, ref float dx, ref float gw, bool sgd, float learningRate, float decay)
    {
        var tile = new BackwardTile(sgd, learningRate, decay, 0, TLayer.Units);
        Tiles.Cover<TSimd, TVector, BackwardTile>(TLayer.Inputs, ref w, ref x, ref delta, ref dx, ref sgd ? ref Unsafe.NullRef<float>() : ref gw, ref tile);
    }

    /// <summary>
    /// A later layer's SGD step on the rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) of W, every
    /// column: those rows' part of dE/dx, sum over them of W[j, :] dE/dz_j from W before the update, into
    /// <paramref name="partial"/> (each value one chain over the rows in order), and their update. A thread that
    /// owns these rows in the forward pass keeps them in its own cache for the update too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdRowBlock(ref float w, ref float x, ref float delta, ref float partial, float learningRate, float decay, int firstRow, int endRow)
    {
        var tile = new BackwardTile(sgd: true, learningRate, decay, firstRow, endRow);
        Tiles.Cover<TSimd, TVector, BackwardTile>(TLayer.Inputs, ref w, ref x, ref delta, ref partial, ref Unsafe.NullRef<float>(), ref tile);
    }

    /// <summary>The work of one tile of <see cref="BackwardColumns"/> and <see cref="SgdRowBlock"/>: the rows [firstRow, endRow) over its columns.</summary>
    private readonly struct BackwardTile(bool sgd, float learningRate, float decay, int firstRow, int endRow) : ITile
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run<TS, TV, TN>(ref float w, ref float x, ref float delta, ref float dx, ref float gw, nint column)
            where TS : struct, ISimd<TV>
            where TV : struct
            where TN : IConstant
        {
            nint inputs = TLayer.Inputs;
            nint l = TS.Lanes;
            TV x0 = TS.Load(ref x, column);
            TV x1 = TN.Value > 1 ? TS.Load(ref x, column + l) : default;
            TV x2 = TN.Value > 2 ? TS.Load(ref x, column + (2 * l)) : default;
            TV x3 = TN.Value > 3 ? TS.Load(ref x, column + (3 * l)) : default;
            TV dx0 = TS.Zero, dx1 = TS.Zero, dx2 = TS.Zero, dx3 = TS.Zero;
            TV decayV = TS.Broadcast(decay);
            for (nint j = firstRow; j < endRow; j++)
            {
                float dj = Unsafe.Add(ref delta, j);
                if (dj == 0f && !(sgd && TLayer.DecaysWeights))
                {
                    continue; // dE/dz_j = 0: this row changes neither W[j, :] nor dE/dx
                }

                TV d = TS.Broadcast(dj);
                TV u = TS.Broadcast(-learningRate * dj);
                nint at = (j * inputs) + column;
                Step<TS, TV>(ref w, ref gw, at, x0, d, u, decayV, ref dx0);
                if (TN.Value > 1)
                {
                    Step<TS, TV>(ref w, ref gw, at + l, x1, d, u, decayV, ref dx1);
                }

                if (TN.Value > 2)
                {
                    Step<TS, TV>(ref w, ref gw, at + (2 * l), x2, d, u, decayV, ref dx2);
                }

                if (TN.Value > 3)
                {
                    Step<TS, TV>(ref w, ref gw, at + (3 * l), x3, d, u, decayV, ref dx3);
                }
            }

            TS.Store(dx0, ref dx, column);
            if (TN.Value > 1)
            {
                TS.Store(dx1, ref dx, column + l);
            }

            if (TN.Value > 2)
            {
                TS.Store(dx2, ref dx, column + (2 * l));
            }

            if (TN.Value > 3)
            {
                TS.Store(dx3, ref dx, column + (3 * l));
            }
        }

        /// <summary>dE/dx += W[j, i] dE/dz_j; then W[j, i] += u_j x_i (SGD) or dE/dW[j, i] += dE/dz_j x_i.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Step<TS, TV>(ref float w, ref float gw, nint at, TV x, TV d, TV u, TV decayV, ref TV dx)
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            TV weight = TS.Load(ref w, at);
            dx = TS.MultiplyAdd(weight, d, dx);
            if (sgd)
            {
                TS.Store(TS.MultiplyAdd(x, u, TLayer.DecaysWeights ? TS.Multiply(weight, decayV) : weight), ref w, at);
            }
            else
            {
                TS.Store(TS.MultiplyAdd(x, d, TS.Load(ref gw, at)), ref gw, at);
            }
        }
    }
}

/// <summary>Work on a tile of columns [column, column + TN vectors), the unit of <see cref="Tiles.Cover"/>.</summary>
internal interface ITile
{
    void Run<TS, TV, TN>(ref float w, ref float x, ref float delta, ref float dx, ref float gw, nint column)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TN : IConstant;
}

/// <summary>
/// Covers columns [0, length) with tiles of several vectors of the caller's width (4 of 512 bits, 2 of 256 or
/// 128, one value in scalar code), then the rest: whole vectors, one 256-bit and one 128-bit vector, then single
/// values. The rest runs in methods of their own, so the loop of full tiles keeps the JIT's inlining budget.
/// </summary>
internal static class Tiles
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Cover<TSimd, TVector, TTile>(nint length, ref float w, ref float x, ref float delta, ref float dx, ref float gw, ref TTile tile)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TTile : struct, ITile
    {
        nint lanes = TSimd.Lanes;
        nint c = 0;
        if (lanes == 16)
        {
            for (; c + (4 * lanes) <= length; c += 4 * lanes)
            {
                tile.Run<TSimd, TVector, Four>(ref w, ref x, ref delta, ref dx, ref gw, c);
            }
        }
        else if (lanes == 1)
        {
            for (; c < length; c++)
            {
                tile.Run<TSimd, TVector, One>(ref w, ref x, ref delta, ref dx, ref gw, c);
            }
        }
        else
        {
            for (; c + (2 * lanes) <= length; c += 2 * lanes)
            {
                tile.Run<TSimd, TVector, Two>(ref w, ref x, ref delta, ref dx, ref gw, c);
            }
        }

        if (c < length)
        {
            Rest<TSimd, TVector, TTile>(length, c, ref w, ref x, ref delta, ref dx, ref gw, ref tile);
        }
    }

    /// <summary>What is left, fewer columns than a tile.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Rest<TSimd, TVector, TTile>(nint length, nint c, ref float w, ref float x, ref float delta, ref float dx, ref float gw, ref TTile tile)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TTile : struct, ITile
    {
        nint lanes = TSimd.Lanes;
        nint vectors = (length - c) / lanes;
        if (vectors == 3)
        {
            Run<TSimd, TVector, Three, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
        }
        else if (vectors == 2)
        {
            Run<TSimd, TVector, Two, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
        }
        else if (vectors == 1)
        {
            Run<TSimd, TVector, One, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
        }

        c += vectors * lanes;
        if (lanes > 8 && length - c >= 8)
        {
            Run<Simd256, Vector256<float>, One, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
            c += 8;
        }

        if (lanes > 4 && length - c >= 4)
        {
            Run<Simd128, Vector128<float>, One, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
            c += 4;
        }

        if (length - c == 3)
        {
            Run<Scalar, float, Three, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
        }
        else if (length - c == 2)
        {
            Run<Scalar, float, Two, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
        }
        else if (length - c == 1)
        {
            Run<Scalar, float, One, TTile>(ref w, ref x, ref delta, ref dx, ref gw, c, ref tile);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Run<TS, TV, TN, TTile>(ref float w, ref float x, ref float delta, ref float dx, ref float gw, nint column, ref TTile tile)
        where TS : struct, ISimd<TV>
        where TV : struct
        where TN : IConstant
        where TTile : struct, ITile =>
        tile.Run<TS, TV, TN>(ref w, ref x, ref delta, ref dx, ref gw, column);
}
