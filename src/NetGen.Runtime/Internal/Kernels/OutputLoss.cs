using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Internal;

/// <summary>
/// The loss of a network's output layer <typeparamref name="TLayer"/> and its gradient dE/dz, which starts the
/// backward pass. The cross-entropies are computed from z, fused with their activation, so they stay finite
/// and exact where an output saturates.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The type argument is the layer: generated code names it once per call, and the JIT compiles the kernels for that layer.")]
public static class OutputLoss<TLayer>
    where TLayer : struct, IDenseLayer
{
    /// <summary>E = -sum t ln y with y = softmax(z); sets dE/dz = y - t.</summary>
    public static float CrossEntropy(DenseWorkspace<TLayer> output, ReadOnlySpan<float> target) =>
        CrossEntropy(ref output.Z, ref output.A, ref MemoryMarshal.GetReference(target), ref output.DeltaStart);

    /// <summary>E = -sum [t ln y + (1 - t) ln(1 - y)] with y = sigmoid(z); sets dE/dz = y - t.</summary>
    public static float BinaryCrossEntropy(DenseWorkspace<TLayer> output, ReadOnlySpan<float> target) =>
        BinaryCrossEntropy(ref output.Z, ref output.A, ref MemoryMarshal.GetReference(target), ref output.DeltaStart);

    /// <summary>E = 1/2 sum (y - t)^2; sets dE/dz = (y - t) act'(z), through the softmax's Jacobian after a softmax.</summary>
    public static float SquaredError(DenseWorkspace<TLayer> output, ReadOnlySpan<float> target) =>
        SquaredError(ref output.A, ref MemoryMarshal.GetReference(target), ref output.DeltaStart);

    /// <summary>The summed cross-entropy of <paramref name="rows"/> samples of the batch; sets dE/dZ row by row.</summary>
    public static double CrossEntropyBatch(DenseWorkspace<TLayer> output, ReadOnlySpan<float> targets, int rows) =>
        Batch<CrossEntropyRow>(output, targets, rows);

    /// <summary>The summed binary cross-entropy of <paramref name="rows"/> samples of the batch; sets dE/dZ row by row.</summary>
    public static double BinaryCrossEntropyBatch(DenseWorkspace<TLayer> output, ReadOnlySpan<float> targets, int rows) =>
        Batch<BinaryCrossEntropyRow>(output, targets, rows);

    /// <summary>The summed squared error of <paramref name="rows"/> samples of the batch; sets dE/dZ row by row.</summary>
    public static double SquaredErrorBatch(DenseWorkspace<TLayer> output, ReadOnlySpan<float> targets, int rows) =>
        Batch<SquaredErrorRow>(output, targets, rows);

    private static double Batch<TLoss>(DenseWorkspace<TLayer> output, ReadOnlySpan<float> targets, int rows)
        where TLoss : IRowLoss
    {
        double sum = 0;
        ref float t = ref MemoryMarshal.GetReference(targets);
        for (nint s = 0, row = 0; s < rows; s++, row += TLayer.Units)
        {
            sum += TLoss.Row(ref Unsafe.Add(ref output.BatchZ, row), ref Unsafe.Add(ref output.BatchA, row), ref Unsafe.Add(ref t, row), ref Unsafe.Add(ref output.BatchDelta, row));
        }

        return sum;
    }

    /// <summary>One sample's loss from its z and y, setting its dE/dz.</summary>
    private interface IRowLoss
    {
        static abstract float Row(ref float z, ref float y, ref float target, ref float delta);
    }

    private readonly struct CrossEntropyRow : IRowLoss
    {
        public static float Row(ref float z, ref float y, ref float target, ref float delta) => CrossEntropy(ref z, ref y, ref target, ref delta);
    }

    private readonly struct BinaryCrossEntropyRow : IRowLoss
    {
        public static float Row(ref float z, ref float y, ref float target, ref float delta) => BinaryCrossEntropy(ref z, ref y, ref target, ref delta);
    }

    private readonly struct SquaredErrorRow : IRowLoss
    {
        public static float Row(ref float z, ref float y, ref float target, ref float delta) => SquaredError(ref y, ref target, ref delta);
    }

    private static float CrossEntropy(ref float z, ref float y, ref float target, ref float delta)
    {
        // ln y_j = z_j - (max z + ln sum_k e^(z_k - max z)): exact even where y_j underflows to 0
        float max = z;
        for (nint j = 1; j < TLayer.Units; j++)
        {
            max = MathF.Max(max, Unsafe.Add(ref z, j));
        }

        float sum = 0f;
        for (nint j = 0; j < TLayer.Units; j++)
        {
            sum += MathF.Exp(Unsafe.Add(ref z, j) - max);
        }

        float logSumExp = max + MathF.Log(sum);
        float loss = 0f;
        for (nint j = 0; j < TLayer.Units; j++)
        {
            float t = Unsafe.Add(ref target, j);
            // E = -sum t_j ln y_j; fused with softmax: dE/dz_j = y_j - t_j
            if (t != 0f)
            {
                loss -= t * (Unsafe.Add(ref z, j) - logSumExp);
            }

            Unsafe.Add(ref delta, j) = Unsafe.Add(ref y, j) - t;
        }

        return loss;
    }

    private static float BinaryCrossEntropy(ref float z, ref float y, ref float target, ref float delta)
    {
        float loss = 0f;
        for (nint j = 0; j < TLayer.Units; j++)
        {
            float zj = Unsafe.Add(ref z, j);
            float t = Unsafe.Add(ref target, j);
            // E_j = -[t ln y + (1 - t) ln(1 - y)] with y = sigmoid(z), written stably as max(z, 0) - z t + ln(1 + e^-|z|)
            loss += MathF.Max(zj, 0f) - (zj * t) + MathF.Log(1f + MathF.Exp(-MathF.Abs(zj)));
            // fused with the sigmoid: dE/dz_j = y_j - t_j
            Unsafe.Add(ref delta, j) = Unsafe.Add(ref y, j) - t;
        }

        return loss;
    }

    private static float SquaredError(ref float y, ref float target, ref float delta)
    {
        float loss = 0f;
        if (TLayer.Activation == Activation.Softmax)
        {
            float dot = 0f;
            for (nint j = 0; j < TLayer.Units; j++)
            {
                // E = 1/2 sum (y - t)^2, dE/dy = y - t
                float yj = Unsafe.Add(ref y, j);
                float error = yj - Unsafe.Add(ref target, j);
                loss += error * error;
                Unsafe.Add(ref delta, j) = error;
                dot += error * yj;
            }

            // through the softmax's Jacobian: dE/dz_j = y_j (dE/dy_j - sum_k dE/dy_k y_k)
            for (nint j = 0; j < TLayer.Units; j++)
            {
                Unsafe.Add(ref delta, j) = Unsafe.Add(ref y, j) * (Unsafe.Add(ref delta, j) - dot);
            }
        }
        else
        {
            for (nint j = 0; j < TLayer.Units; j++)
            {
                // E = 1/2 sum (y - t)^2, dE/dz = (y - t) act'(z), act' written in terms of y
                float yj = Unsafe.Add(ref y, j);
                float error = yj - Unsafe.Add(ref target, j);
                loss += error * error;
                Unsafe.Add(ref delta, j) = Kernels.TimesDerivative<TLayer>.Apply<Kernels.Scalar, float>(yj, error, 0f, 0f);
            }
        }

        return 0.5f * loss;
    }
}
