using System;
using System.Runtime.Intrinsics;
using NetGen.Internal;
using NetGen.Internal.Kernels;

namespace NetGen.Runtime.Tests.Kernels;

public interface ISize
{
    static abstract int Value { get; }
}

public readonly struct N1 : ISize { public static int Value => 1; }

public readonly struct N3 : ISize { public static int Value => 3; }

public readonly struct N7 : ISize { public static int Value => 7; }

public readonly struct N13 : ISize { public static int Value => 13; }

public readonly struct N16 : ISize { public static int Value => 16; }

public readonly struct N17 : ISize { public static int Value => 17; }

public readonly struct N31 : ISize { public static int Value => 31; }

public readonly struct N70 : ISize { public static int Value => 70; }

public readonly struct N129 : ISize { public static int Value => 129; }

public interface IActivationKind
{
    static abstract Activation Value { get; }
}

public readonly struct Relu : IActivationKind { public static Activation Value => Activation.ReLU; }

public readonly struct Leaky : IActivationKind { public static Activation Value => Activation.LeakyReLU; }

public readonly struct Tanh : IActivationKind { public static Activation Value => Activation.Tanh; }

public readonly struct Sigmoid : IActivationKind { public static Activation Value => Activation.Sigmoid; }

public readonly struct Linear : IActivationKind { public static Activation Value => Activation.Identity; }

public interface IFlag
{
    static abstract bool Value { get; }
}

public readonly struct Yes : IFlag { public static bool Value => true; }

public readonly struct No : IFlag { public static bool Value => false; }

/// <summary>A layer shape for the kernel tests, its parameters 3 floats into the array so that offsets are exercised.</summary>
public readonly struct TestLayer<TIn, TOut, TAct, TDecay> : IDenseLayer
    where TIn : ISize
    where TOut : ISize
    where TAct : IActivationKind
    where TDecay : IFlag
{
    public static int Inputs => TIn.Value;

    public static int Units => TOut.Value;

    public static int WeightOffset => 3;

    public static int BiasOffset => WeightOffset + (Units * Inputs);

    public static Activation Activation => TAct.Value;

    public static float Alpha => 0.1f;

    public static int VectorBits => 512;

    public static int RowVectorBits => 512;

    public static bool SharesSample => false;

    public static bool FusesActivation => TAct.Value is Activation.ReLU or Activation.LeakyReLU;

    public static bool KeepsPreActivation => false;

    public static bool DecaysWeights => TDecay.Value;
}

/// <summary>
/// The width-generic kernels at every width (an emulated 512-bit one, and 256, 128 and scalar where the
/// machine has them) against a plain double-precision reference written here, on shapes on and off the
/// widths, and the fused SGD-then-product kernel against the SGD step and the product run one after the other.
/// </summary>
public sealed class KernelWidthTests
{
    [Fact]
    public void Every_width_matches_the_reference_on_odd_shapes()
    {
        Check<TestLayer<N13, N17, Relu, No>>();
        Check<TestLayer<N17, N7, Leaky, No>>();
        Check<TestLayer<N31, N3, Tanh, Yes>>();
        Check<TestLayer<N70, N129, Sigmoid, No>>();
        Check<TestLayer<N129, N31, Relu, Yes>>();
        Check<TestLayer<N16, N16, Linear, No>>();
        Check<TestLayer<N16, N7, Tanh, No>>(); // rows in a block of four, then three (whole vectors: shared sums)
        Check<TestLayer<N16, N3, Sigmoid, Yes>>();
        Check<TestLayer<N16, N17, Leaky, No>>(); // two blocks of eight, then one row
        Check<TestLayer<N1, N70, Relu, No>>();
        Check<TestLayer<N7, N1, Linear, Yes>>();
    }

    [Fact]
    public void Cache_blocked_products_are_one_chain_of_multiply_adds_per_value()
    {
        // More steps than two step blocks, more rows than a row block (the last one not a whole number of
        // tiles), and columns off every tile width: every value must be exactly the unblocked
        // chain c = a_k b_k + c over k in order, whatever block boundaries the product crossed. (Fused where the
        // columns run in vectors with FMA; the last 3 columns run as single values, a * b + c.)
        // B row-major, and B packed in panels of 16 columns (as the forward product reads W^T).
        foreach (bool panels in new[] { false, true })
        {
            Blocked<Soft16, Lanes16>(fused: true, panels);
            if (Vector512.IsHardwareAccelerated)
            {
                Blocked<Simd512, Vector512<float>>(fused: true, panels);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                Blocked<Simd256, Vector256<float>>(fused: System.Runtime.Intrinsics.X86.Fma.IsSupported, panels);
            }

            if (Vector128.IsHardwareAccelerated)
            {
                Blocked<Simd128, Vector128<float>>(fused: System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported, panels);
            }

            Blocked<Scalar, float>(fused: false, panels);
        }
    }

    [Fact]
    public void A_partial_vector_writes_only_the_columns_of_the_product()
    {
        // The last columns of a product over B in panels run as one vector of which only the first lanes are
        // columns (masked loads and stores where the processor has them): each value must be the chain of its
        // sum through the epilogue, and nothing past the last row may be written (C may be the caller's span).
        bool fused = System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
        if (Vector512.IsHardwareAccelerated)
        {
            Partial<Simd512, Vector512<float>>(fused);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Partial<Simd256, Vector256<float>>(fused);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Partial<Simd128, Vector128<float>>(fused);
        }
    }

    private static void Partial<TS, TV>(bool fused)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        // 74 columns: 64 in full tiles, then 10, which every width ends with a partial vector
        const int rows = 13, steps = 37, columns = 74, guard = 32;
        const float sentinel = 12345f, scale = -0.25f;
        var random = new DeterministicRandom(17);
        float[] a = Random(ref random, rows * steps);
        float[] b = Random(ref random, steps * columns);
        float[] bias = Random(ref random, columns);
        float[] old = Random(ref random, rows * columns);
        int panelCount = (columns + Gemm.Panel - 1) / Gemm.Panel;
        var packed = new float[panelCount * steps * Gemm.Panel];
        for (int k = 0; k < steps; k++)
        {
            for (int column = 0; column < columns; column++)
            {
                packed[((column / Gemm.Panel) * steps * Gemm.Panel) + (k * Gemm.Panel) + (column % Gemm.Panel)] = b[(k * columns) + column];
            }
        }

        foreach (bool update in new[] { false, true })
        {
            var c = new float[(rows * columns) + guard];
            old.CopyTo(c, 0);
            c.AsSpan(rows * columns).Fill(sentinel);
            var product = new Product
            {
                A = ref a[0], ARow = steps, AStep = 1, B = ref packed[0], BPanels = true, C = ref c[0], CRow = columns,
                Bias = ref bias[0], Rows = rows, Columns = columns, ColumnStart = 0, ColumnEnd = columns, Steps = steps, Scale = scale, Decay = 1f,
            };
            if (update)
            {
                Gemm.Run<TS, TV, UpdateEpilogue<TestLayer<N16, N16, Linear, No>>>(ref product);
            }
            else
            {
                Gemm.Run<TS, TV, ForwardEpilogue<TestLayer<N16, N16, Linear, No>>>(ref product);
            }

            for (int r = 0; r < rows; r++)
            {
                for (int column = 0; column < columns; column++)
                {
                    float chain = 0f;
                    for (int k = 0; k < steps; k++)
                    {
                        float x = a[(r * steps) + k], y = b[(k * columns) + column];
                        chain = fused ? MathF.FusedMultiplyAdd(x, y, chain) : (x * y) + chain;
                    }

                    float before = old[(r * columns) + column];
                    float expected = update
                        ? (fused ? MathF.FusedMultiplyAdd(chain, scale, before) : (chain * scale) + before)
                        : chain + bias[column];
                    Assert.True(expected == c[(r * columns) + column], $"{typeof(TS).Name}, update {update}: C[{r}, {column}] is {c[(r * columns) + column]:R}, expected {expected:R}");
                }
            }

            for (int i = rows * columns; i < c.Length; i++)
            {
                Assert.True(c[i] == sentinel, $"{typeof(TS).Name}, update {update}: the product wrote {c[i]:R} at {i}, past its last row");
            }
        }
    }

    /// <summary>
    /// Whether a column of the blocked product is a chain of fused multiply-adds: the columns in vectors of the
    /// width, with FMA; without panels the emulated 512-bit width runs its last 8 and 4 columns as real 256-
    /// and 128-bit vectors, fused only where the machine has FMA, and every width its last 3 columns one value
    /// at a time, a * b + c. With B in panels one vector of the width covers the last columns.
    /// </summary>
    private static bool Fused<TS>(bool fused, bool panels, int column, int columns)
    {
        if (!fused)
        {
            return false;
        }

        if (panels)
        {
            return true;
        }

        if (column >= columns - 3)
        {
            return false;
        }

        bool narrower = typeof(TS) == typeof(Soft16) && column >= columns - 3 - 8 - 4;
        return !narrower || System.Runtime.Intrinsics.X86.Fma.IsSupported || (column >= columns - 3 - 4 && System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
    }

    private static void Blocked<TS, TV>(bool fused, bool panels)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        const int rows = (Gemm.RowBlock * 2) + 17, steps = (Gemm.StepBlock * 2) + 89, columns = 64 + 16 + 8 + 4 + 3;
        var random = new DeterministicRandom(11);
        float[] a = Random(ref random, rows * steps);
        float[] b = Random(ref random, steps * columns);
        var c = new float[rows * columns];
        int panelCount = (columns + Gemm.Panel - 1) / Gemm.Panel;
        var packed = new float[panelCount * steps * Gemm.Panel];
        for (int k = 0; k < steps; k++)
        {
            for (int column = 0; column < columns; column++)
            {
                packed[((column / Gemm.Panel) * steps * Gemm.Panel) + (k * Gemm.Panel) + (column % Gemm.Panel)] = b[(k * columns) + column];
            }
        }

        var product = new Product
        {
            A = ref a[0], ARow = steps, AStep = 1, B = ref panels ? ref packed[0] : ref b[0], BStep = columns, BPanels = panels,
            C = ref c[0], CRow = columns, Rows = rows, Columns = columns, ColumnStart = 0, ColumnEnd = columns, Steps = steps,
        };
        Gemm.Run<TS, TV, PlainEpilogue>(ref product);
        for (int r = 0; r < rows; r++)
        {
            for (int column = 0; column < columns; column++)
            {
                float chain = 0f;
                for (int k = 0; k < steps; k++)
                {
                    float x = a[(r * steps) + k], y = b[(k * columns) + column];
                    chain = Fused<TS>(fused, panels, column, columns) ? MathF.FusedMultiplyAdd(x, y, chain) : (x * y) + chain;
                }

                Assert.True(chain == c[(r * columns) + column], $"{typeof(TS).Name}, panels {panels}: C[{r}, {column}] is {c[(r * columns) + column]:R}, the chain {chain:R}");
            }
        }
    }

    private static void Check<TLayer>()
        where TLayer : struct, IDenseLayer
    {
        Check<TLayer, Soft16, Lanes16>();
        if (Vector256.IsHardwareAccelerated)
        {
            Check<TLayer, Simd256, Vector256<float>>();
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Check<TLayer, Simd128, Vector128<float>>();
        }

        Check<TLayer, Scalar, float>();
    }

    private static void Check<TLayer, TS, TV>()
        where TLayer : struct, IDenseLayer
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int n = TLayer.Inputs, m = TLayer.Units, w0 = TLayer.WeightOffset, b0 = TLayer.BiasOffset;
        string what = $"{typeof(TS).Name}, {n} -> {m}, {TLayer.Activation}";
        var random = new DeterministicRandom(n * 1000 + m);
        float[] p = Random(ref random, b0 + m + 2);
        float[] x = Random(ref random, n);
        float[] next = Random(ref random, n);
        float[] delta = Random(ref random, m);
        delta[m / 2] = 0f; // a row that SGD may skip

        // z = W x + b
        var z = new float[m];
        DenseSampleKernels<TLayer, TS, TV>.Product(ref p[w0], ref p[b0], ref x[0], ref z[0], 0, m);
        for (int j = 0; j < m; j++)
        {
            Near(Dot(p, w0 + (j * n), x, n) + p[b0 + j], z[j], what + $": z[{j}]");
        }

        // a = act(z), then dE/dz = dE/da act'(z), lane by lane
        var a = (float[])z.Clone();
        ActivationKernels<TLayer, TS, TV>.Activate(ref a[0], ref a[0], 1);
        var d = (float[])delta.Clone();
        ActivationKernels<TLayer, TS, TV>.Derivative(ref a[0], ref d[0], 1);
        for (int j = 0; j < m; j++)
        {
            double act = Activate(TLayer.Activation, z[j], TLayer.Alpha);
            Near(act, a[j], what + $": a[{j}]");
            Near(delta[j] * Derivative(TLayer.Activation, act, TLayer.Alpha), d[j], what + $": dE/dz[{j}]");
        }

        // accumulated gradients of a layer after the first, with dE/dx sent back
        var g = new float[p.Length];
        var dx = new float[n];
        DenseSampleKernels<TLayer, TS, TV>.BackwardBiases(ref p[b0], ref delta[0], ref g[b0], sgd: false, 0f, 1f);
        DenseSampleKernels<TLayer, TS, TV>.BackwardColumns(ref p[w0], ref x[0], ref delta[0], ref dx[0], ref g[w0], sgd: false, 0f, 1f);
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < m; j++)
            {
                sum += (double)p[w0 + (j * n) + i] * delta[j];
                Near((double)delta[j] * x[i], g[w0 + (j * n) + i], what + $": dE/dW[{j}, {i}]");
            }

            Near(sum, dx[i], what + $": dE/dx[{i}]");
        }

        // the SGD step sends dE/dx back from W before it changes
        const float lr = 0.1f;
        float decay = TLayer.DecaysWeights ? 0.99f : 1f;
        var stepped = (float[])p.Clone();
        var dxSgd = new float[n];
        DenseSampleKernels<TLayer, TS, TV>.BackwardBiases(ref stepped[b0], ref delta[0], ref g[b0], sgd: true, lr, decay);
        DenseSampleKernels<TLayer, TS, TV>.BackwardColumns(ref stepped[w0], ref x[0], ref delta[0], ref dxSgd[0], ref g[w0], sgd: true, lr, decay);

        // the same step in two blocks of rows, as two threads split a large layer's: the same W, bit for bit, and
        // each block's part of dE/dx the sum over its own rows
        var split = (float[])p.Clone();
        int half = m / 2;
        var dxTop = new float[n];
        var dxBottom = new float[n];
        DenseSampleKernels<TLayer, TS, TV>.BackwardBiases(ref split[b0], ref delta[0], ref g[b0], sgd: true, lr, decay);
        DenseSampleKernels<TLayer, TS, TV>.SgdRowBlock(ref split[w0], ref x[0], ref delta[0], ref dxTop[0], lr, decay, 0, half);
        DenseSampleKernels<TLayer, TS, TV>.SgdRowBlock(ref split[w0], ref x[0], ref delta[0], ref dxBottom[0], lr, decay, half, m);
        Assert.Equal(stepped, split);
        for (int i = 0; i < n; i++)
        {
            double top = 0, bottom = 0;
            for (int j = 0; j < m; j++)
            {
                double term = (double)p[w0 + (j * n) + i] * delta[j];
                top += j < half ? term : 0;
                bottom += j < half ? 0 : term;
            }

            Near(top, dxTop[i], what + $": dE/dx[{i}] of rows [0, {half})");
            Near(bottom, dxBottom[i], what + $": dE/dx[{i}] of rows [{half}, {m})");
        }
        for (int j = 0; j < m; j++)
        {
            Near((p[b0 + j] * (double)decay) - (lr * delta[j]), stepped[b0 + j], what + $": b[{j}] after SGD");
            for (int i = 0; i < n; i++)
            {
                double expected = (TLayer.DecaysWeights ? p[w0 + (j * n) + i] * (double)decay : p[w0 + (j * n) + i]) - (lr * (double)delta[j] * x[i]);
                Near(expected, stepped[w0 + (j * n) + i], what + $": W[{j}, {i}] after SGD");
            }
        }

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(dx[i], dxSgd[i]);
        }

        // the first layer's SGD rows, then the product, equal the fused pass bit for bit
        var separate = (float[])p.Clone();
        DenseSampleKernels<TLayer, TS, TV>.SgdRows(ref separate[w0], ref separate[b0], ref x[0], ref delta[0], lr, decay, 0, m);
        var zSeparate = new float[m];
        DenseSampleKernels<TLayer, TS, TV>.Product(ref separate[w0], ref separate[b0], ref next[0], ref zSeparate[0], 0, m);
        var fused = (float[])p.Clone();
        var zFused = new float[m];
        DenseSampleKernels<TLayer, TS, TV>.SgdRowsThenProduct(ref fused[w0], ref fused[b0], ref x[0], ref delta[0], lr, decay, ref next[0], ref zFused[0], 0, m);
        Assert.Equal(separate, fused);
        Assert.Equal(zSeparate, zFused);
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(stepped[w0 + (j * n) + i], separate[w0 + (j * n) + i]);
            }
        }

        CheckProducts<TLayer, TS, TV>(p, what);
    }

    /// <summary>The batch products: forward with the activation in the epilogue, dE/dX, and the SGD step of W.</summary>
    private static void CheckProducts<TLayer, TS, TV>(float[] p, string what)
        where TLayer : struct, IDenseLayer
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int n = TLayer.Inputs, m = TLayer.Units, w0 = TLayer.WeightOffset, b0 = TLayer.BiasOffset;
        const int rows = 7; // a tile of six rows and one more
        var random = new DeterministicRandom(rows * n + m);
        float[] x = Random(ref random, rows * n);
        float[] delta = Random(ref random, rows * m);
        var packed = new float[n * m];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++)
            {
                packed[(i * m) + j] = p[w0 + (j * n) + i];
            }
        }

        var z = new float[rows * m];
        var forward = new Product
        {
            A = ref x[0], ARow = n, AStep = 1, B = ref packed[0], BStep = m, C = ref z[0], CRow = m,
            Bias = ref p[b0], Rows = rows, Columns = m, ColumnStart = 0, ColumnEnd = m, Steps = n,
        };
        Gemm.Run<TS, TV, ForwardEpilogue<TLayer>>(ref forward);
        for (int s = 0; s < rows; s++)
        {
            for (int j = 0; j < m; j++)
            {
                double zj = Dot(p, w0 + (j * n), x.AsSpan(s * n).ToArray(), n) + p[b0 + j];
                double expected = TLayer.FusesActivation ? Activate(TLayer.Activation, zj, TLayer.Alpha) : zj;
                Near(expected, z[(s * m) + j], what + $": Z[{s}, {j}]");
            }
        }

        var dx = new float[rows * n];
        var input = new Product
        {
            A = ref delta[0], ARow = m, AStep = 1, B = ref p[w0], BStep = n, C = ref dx[0], CRow = n,
            Rows = rows, Columns = n, ColumnStart = 0, ColumnEnd = n, Steps = m,
        };
        Gemm.Run<TS, TV, PlainEpilogue>(ref input);
        var updated = (float[])p.Clone();
        const float scale = -0.05f, decay = 0.99f;
        var weights = new Product
        {
            A = ref delta[0], ARow = 1, AStep = m, B = ref x[0], BStep = n, C = ref updated[w0], CRow = n,
            Rows = m, Columns = n, ColumnStart = 0, ColumnEnd = n, Steps = rows, Scale = scale, Decay = decay,
        };
        Gemm.Run<TS, TV, UpdateEpilogue<TLayer>>(ref weights);
        for (int i = 0; i < n; i++)
        {
            for (int s = 0; s < rows; s++)
            {
                double sum = 0;
                for (int j = 0; j < m; j++)
                {
                    sum += (double)delta[(s * m) + j] * p[w0 + (j * n) + i];
                }

                Near(sum, dx[(s * n) + i], what + $": dE/dX[{s}, {i}]");
            }

            for (int j = 0; j < m; j++)
            {
                double gradient = 0;
                for (int s = 0; s < rows; s++)
                {
                    gradient += (double)delta[(s * m) + j] * x[(s * n) + i];
                }

                double old = p[w0 + (j * n) + i] * (double)(TLayer.DecaysWeights ? decay : 1f);
                Near(old + (scale * gradient), updated[w0 + (j * n) + i], what + $": W[{j}, {i}] after the batch step");
            }
        }
    }

    private static float[] Random(ref DeterministicRandom random, int length)
    {
        var values = new float[length];
        random.FillUniform(values, 1f);
        return values;
    }

    private static double Dot(float[] w, int offset, float[] x, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += (double)w[offset + i] * x[i];
        }

        return sum;
    }

    private static double Activate(Activation activation, double z, double alpha) => activation switch
    {
        Activation.ReLU => Math.Max(0, z),
        Activation.LeakyReLU => z > 0 ? z : alpha * z,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        _ => z,
    };

    private static double Derivative(Activation activation, double a, double alpha) => activation switch
    {
        Activation.ReLU => a > 0 ? 1 : 0,
        Activation.LeakyReLU => a > 0 ? 1 : alpha,
        Activation.Sigmoid => a * (1 - a),
        Activation.Tanh => 1 - (a * a),
        _ => 1,
    };

    private static void Near(double expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
}
