using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Internal.Kernels;

/// <summary>
/// The activation of any kind of layer, a = act(z), and its derivative dE/dz = dE/da * act'(z), at the
/// width the machine has and the layer allows. The layer after one calls <see cref="Derivative"/> with this
/// layer's outputs, whatever either layer's kind.
/// </summary>
internal static class Activations<TLayer>
    where TLayer : struct, ILayer
{
    /// <summary>a = act(z) over <paramref name="rows"/> rows; z and a may be the same buffer (nothing to do for the identity then) or apart (the caller's output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(ref float z, ref float a, int rows)
    {
        if (TLayer.Activation == Activation.Identity && !TLayer.KeepsPreActivation && Unsafe.AreSame(ref z, ref a))
        {
            return; // z is written where a is read: a = z already
        }

        if (TLayer.VectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            ActivationKernels<TLayer, Simd512, Vector512<float>>.Activate(ref z, ref a, rows);
        }
        else if (TLayer.VectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            ActivationKernels<TLayer, Simd256, Vector256<float>>.Activate(ref z, ref a, rows);
        }
        else if (TLayer.VectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            ActivationKernels<TLayer, Simd128, Vector128<float>>.Activate(ref z, ref a, rows);
        }
        else
        {
            ActivationKernels<TLayer, Scalar, float>.Activate(ref z, ref a, rows);
        }
    }

    /// <summary>dE/dz = dE/da * act'(z) in place over <paramref name="rows"/> rows; nothing to do for the identity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Derivative(ref float a, ref float delta, int rows)
    {
        if (TLayer.Activation == Activation.Identity)
        {
            return;
        }

        if (TLayer.VectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            ActivationKernels<TLayer, Simd512, Vector512<float>>.Derivative(ref a, ref delta, rows);
        }
        else if (TLayer.VectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            ActivationKernels<TLayer, Simd256, Vector256<float>>.Derivative(ref a, ref delta, rows);
        }
        else if (TLayer.VectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            ActivationKernels<TLayer, Simd128, Vector128<float>>.Derivative(ref a, ref delta, rows);
        }
        else
        {
            ActivationKernels<TLayer, Scalar, float>.Derivative(ref a, ref delta, rows);
        }
    }
}

/// <summary>The activation and its derivative at one SIMD width, over whole rows of a layer's outputs.</summary>
internal static class ActivationKernels<TLayer, TSimd, TVector>
    where TLayer : struct, ILayer
    where TSimd : struct, ISimd<TVector>
    where TVector : struct
{
    /// <summary>a = act(z) over <paramref name="rows"/> rows of the layer's outputs; z and a may be the same buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(ref float z, ref float a, int rows)
    {
        switch (TLayer.Activation)
        {
            case Activation.Identity:
                // a = z: the product wrote z where a is read, unless z is kept apart
                if (!Unsafe.AreSame(ref z, ref a))
                {
                    System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref z, rows * TLayer.Units)
                        .CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a, rows * TLayer.Units));
                }

                return;
            case Activation.ReLU:
            case Activation.LeakyReLU:
                Elementwise.Map<TSimd, TVector, Activate<TLayer>>(ref z, ref z, ref a, (nint)rows * TLayer.Units);
                return;
            case Activation.Softmax:
                for (nint row = 0; row < rows; row++)
                {
                    Softmax(ref Unsafe.Add(ref z, row * TLayer.Units), ref Unsafe.Add(ref a, row * TLayer.Units));
                }

                return;
            default:
#if NET9_0_OR_GREATER
                // sigmoid and tanh: e^z in vectors (VectorExp), the same bits at every width
                Elementwise.Map<TSimd, TVector, ActivateThroughExp<TLayer>>(ref z, ref z, ref a, (nint)rows * TLayer.Units);
                return;
#else
                // sigmoid and tanh need e^z: MathF, one value at a time, whatever the SIMD width (.NET 8's build)
                nint count = (nint)rows * TLayer.Units;
                for (nint k = 0; k < count; k++)
                {
                    float v = Unsafe.Add(ref z, k);
                    Unsafe.Add(ref a, k) = TLayer.Activation == Activation.Sigmoid ? 1f / (1f + System.MathF.Exp(-v)) : System.MathF.Tanh(v);
                }

                return;
#endif
        }
    }

    /// <summary>Softmax of one row, stable: subtracting max z leaves it unchanged and keeps e^z finite.</summary>
    // Inlined into Activate, which is compiled fully optimised from its first call, with e^z inlined too (VectorExp).
    // Left to tiered compilation, where the runtime sees one processor the first seconds of a batch Predict ran it at
    // tier 0 (784-128-10 on a Zen 5: 475,000 samples/s over the first 2 s, 960,000 warm); with the BCL's Vector512.Exp,
    // which only tier 1's profile inlines, as a call, 4-16-3's Forward was 10% slower.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Softmax(ref float z, ref float a)
    {
#if NET9_0_OR_GREATER
        if (TLayer.Units <= 4 && TLayer.VectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            SoftmaxInOneVector(ref z, ref a);
            return;
        }

        if (TLayer.Units <= 16 && TLayer.VectorBits >= 512 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            SoftmaxInOne512(ref z, ref a);
            return;
        }
#endif

        // a plain comparison, not MathF.Max (which orders -0 below +0 and propagates NaN at a few instructions a
        // value): a NaN in z makes every output NaN either way, through its own e^(z - max) in the sum
        float max = z;
        for (nint j = 1; j < TLayer.Units; j++)
        {
            float v = Unsafe.Add(ref z, j);
            max = v > max ? v : max;
        }

        // e^(z - max) in vectors (TensorPrimitives' exp, a polynomial of a few ulps, not a call per value)
        var outputs = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a, TLayer.Units);
        System.Numerics.Tensors.TensorPrimitives.Subtract(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref z, TLayer.Units), max, outputs);
        System.Numerics.Tensors.TensorPrimitives.Exp(outputs, outputs);
        System.Numerics.Tensors.TensorPrimitives.Multiply(outputs, 1f / System.Numerics.Tensors.TensorPrimitives.Sum<float>(outputs), outputs);
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// Softmax of a row of up to four values in one 128-bit vector: no calls, where TensorPrimitives would take
    /// e^z one value at a time (its vectors start at four). The same math as Softmax's general path, e^(z - max) (through
    /// <see cref="VectorExp"/>), each times 1 / sum. From .NET 9, which has the vector operations it needs; the net8.0
    /// build keeps the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SoftmaxInOneVector(ref float z, ref float a)
    {
        // Lanes past the row repeat z[0], so that they leave the max alone and their e^(z - max) stays finite,
        // then are cleared before the sum. Loaded one value at a time: a vector load straight after the
        // product's scalar stores would wait for them to reach the cache.
        float z0 = z;
        Vector128<float> v = Vector128.Create(
            z0,
            TLayer.Units > 1 ? Unsafe.Add(ref z, 1) : z0,
            TLayer.Units > 2 ? Unsafe.Add(ref z, 2) : z0,
            TLayer.Units > 3 ? Unsafe.Add(ref z, 3) : z0);

        // max over the lanes by swapping neighbours, then halves (plain comparisons, as in the loop below)
        Vector128<float> max = Max(v, Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2)));
        max = Max(max, Vector128.Shuffle(max, Vector128.Create(2, 3, 0, 1)));
        Vector128<float> inRow = Vector128.LessThan(Vector128.Create(0, 1, 2, 3), Vector128.Create(TLayer.Units)).AsSingle();
        Vector128<float> e = VectorExp.Exp<Simd128, Vector128<float>>(v - max) & inRow;
        Vector128<float> sum = e + Vector128.Shuffle(e, Vector128.Create(1, 0, 3, 2));
        sum += Vector128.Shuffle(sum, Vector128.Create(2, 3, 0, 1));
        Vector128<float> y = e * (Vector128<float>.One / sum);

        a = y.ToScalar();
        if (TLayer.Units > 1)
        {
            Unsafe.Add(ref a, 1) = y.GetElement(1);
        }

        if (TLayer.Units > 2)
        {
            Unsafe.Add(ref a, 2) = y.GetElement(2);
        }

        if (TLayer.Units > 3)
        {
            Unsafe.Add(ref a, 3) = y.GetElement(3);
        }

        static Vector128<float> Max(Vector128<float> x, Vector128<float> y) => Vector128.ConditionalSelect(Vector128.GreaterThan(y, x), y, x);
    }
#endif

#if NET9_0_OR_GREATER
    /// <summary>
    /// Softmax of a row of 5 to 16 values in one 512-bit vector, loaded and stored through a mask: four
    /// TensorPrimitives calls on ten values (784-128-10's output) cost more than their arithmetic. The same math as
    /// the general path, e^(z - max) (through <see cref="VectorExp"/>), each times 1 / sum; the sum is Vector512.Sum's,
    /// so a row's bits are its own on every path that calls this.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SoftmaxInOne512(ref float z, ref float a)
    {
        // lanes past the row repeat z[0]: they leave the max alone and their e^(z - max) stays finite
        Vector512<float> v = FirstLanes.Load512(ref z, TLayer.Units, Vector512.Create(z));

        // max over the lanes: neighbours, pairs, fours, then halves swapped (plain comparisons, as in the loop below)
        Vector512<float> max = Max(v, Vector512.Shuffle(v, Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)));
        max = Max(max, Vector512.Shuffle(max, Vector512.Create(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)));
        max = Max(max, Vector512.Shuffle(max, Vector512.Create(4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11)));
        max = Max(max, Vector512.Shuffle(max, Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
        Vector512<float> e = VectorExp.Exp<Simd512, Vector512<float>>(v - max) & FirstLanes.Mask512(TLayer.Units);
        FirstLanes.Store512(e * (1f / Vector512.Sum(e)), ref a, TLayer.Units);

        static Vector512<float> Max(Vector512<float> x, Vector512<float> y) => Vector512.ConditionalSelect(Vector512.GreaterThan(y, x), y, x);
    }
#endif

    /// <summary>dE/dz = dE/da * act'(z), in place, over <paramref name="rows"/> rows, with act' written in terms of a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Derivative(ref float a, ref float delta, int rows) =>
        Elementwise.Map<TSimd, TVector, TimesDerivative<TLayer>>(ref a, ref delta, ref delta, (nint)rows * TLayer.Units);
}
