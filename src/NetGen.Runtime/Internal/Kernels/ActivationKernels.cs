using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Internal.Kernels;

/// <summary>
/// The activation of any kind of layer, a = act(z), and its derivative dE/dz = dE/da * act'(z), at the
/// width the machine has and the layer allows. The layer after one calls <see cref="Derivative"/> with this
/// layer's outputs, whatever either layer's kind.
/// </summary>
internal static class Activations<TLayer>
    where TLayer : struct, ILayer
{
    /// <summary>a = act(z) over <paramref name="rows"/> rows; z and a may be the same buffer (nothing to do for the identity then).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(ref float z, ref float a, int rows)
    {
        if (TLayer.Activation == Activation.Identity && !TLayer.KeepsPreActivation)
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
                // sigmoid and tanh need e^z: MathF, one value at a time, whatever the SIMD width
                nint count = (nint)rows * TLayer.Units;
                for (nint k = 0; k < count; k++)
                {
                    float v = Unsafe.Add(ref z, k);
                    Unsafe.Add(ref a, k) = TLayer.Activation == Activation.Sigmoid ? 1f / (1f + System.MathF.Exp(-v)) : System.MathF.Tanh(v);
                }

                return;
        }
    }

    /// <summary>Softmax of one row, stable: subtracting max z leaves it unchanged and keeps e^z finite.</summary>
    private static void Softmax(ref float z, ref float a)
    {
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

    /// <summary>dE/dz = dE/da * act'(z), in place, over <paramref name="rows"/> rows, with act' written in terms of a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Derivative(ref float a, ref float delta, int rows) =>
        Elementwise.Map<TSimd, TVector, TimesDerivative<TLayer>>(ref a, ref delta, ref delta, (nint)rows * TLayer.Units);
}
