using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Internal.Kernels;

namespace NetGen.Internal;

/// <summary>
/// The optimizers' updates over every parameter at once, from the gradients scaled by gradientScale (1/n for
/// the mean of a batch of n), each followed by zeroing the gradients. The formulas are PyTorch's. Each runs
/// at the widest SIMD width the machine has, up to vectorBits (512, 256, 128, or 0 for scalar code).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParameterUpdate
{
    /// <summary>SGD: g = dE/dp + wd p (L2 weight decay); p -= lr g; then g = 0.</summary>
    public static void Sgd(Span<float> parameters, Span<float> gradients, float learningRate, float gradientScale, float weightDecay, int vectorBits)
    {
        var step = new SgdStep(learningRate, gradientScale, weightDecay);
        Run(ref step, parameters, gradients, default, default, vectorBits);
    }

    /// <summary>
    /// PyTorch's SGD with momentum (dampening 0): g = dE/dp + wd p; v = mu v + g; p -= lr v; then g = 0. The
    /// velocity starts at 0, so the first step is v = g.
    /// </summary>
    public static void Momentum(Span<float> parameters, Span<float> gradients, Span<float> velocity, float learningRate, float gradientScale, float momentum, float weightDecay, int vectorBits)
    {
        var step = new MomentumStep(learningRate, gradientScale, momentum, weightDecay);
        Run(ref step, parameters, gradients, velocity, default, vectorBits);
    }

    /// <summary>
    /// Adam (AdamW with decoupled weight decay wd: p -= lr wd p first): m = beta1 m + (1 - beta1) g;
    /// v = beta2 v + (1 - beta2) g^2; p -= lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t) and
    /// v_hat = v / (1 - beta2^t), the bias corrections given as <paramref name="correction1"/> and
    /// <paramref name="correction2"/>; then g = 0.
    /// </summary>
    public static void Adam(
        Span<float> parameters,
        Span<float> gradients,
        Span<float> firstMoment,
        Span<float> secondMoment,
        float learningRate,
        float gradientScale,
        float beta1,
        float beta2,
        float epsilon,
        float weightDecay,
        float correction1,
        float correction2,
        int vectorBits)
    {
        var step = new AdamStep(learningRate, gradientScale, beta1, beta2, epsilon, weightDecay, correction1, correction2);
        Run(ref step, parameters, gradients, firstMoment, secondMoment, vectorBits);
    }

    private static void Run<TStep>(ref TStep step, Span<float> p, Span<float> g, Span<float> s1, Span<float> s2, int vectorBits)
        where TStep : struct, IUpdate
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float m = ref MemoryMarshal.GetReference(s1);
        ref float v = ref MemoryMarshal.GetReference(s2);
        if (vectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            Run<TStep, Simd512, Vector512<float>>(ref step, ref pr, ref gr, ref m, ref v, p.Length);
        }
        else if (vectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            Run<TStep, Simd256, Vector256<float>>(ref step, ref pr, ref gr, ref m, ref v, p.Length);
        }
        else if (vectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            Run<TStep, Simd128, Vector128<float>>(ref step, ref pr, ref gr, ref m, ref v, p.Length);
        }
        else
        {
            Run<TStep, Scalar, float>(ref step, ref pr, ref gr, ref m, ref v, p.Length);
        }
    }

    /// <summary>Full vectors, then one 256-bit and one 128-bit vector where they fit, then single values: lane by lane, so the cut does not matter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TStep, TS, TV>(ref TStep step, ref float p, ref float g, ref float m, ref float v, nint length)
        where TStep : struct, IUpdate
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        nint k = 0;
        if (TS.Lanes > 1)
        {
            for (; k + TS.Lanes <= length; k += TS.Lanes)
            {
                step.Apply<TS, TV>(ref p, ref g, ref m, ref v, k);
            }
        }

        if (TS.Lanes > 8 && length - k >= 8)
        {
            step.Apply<Simd256, Vector256<float>>(ref p, ref g, ref m, ref v, k);
            k += 8;
        }

        if (TS.Lanes > 4 && length - k >= 4)
        {
            step.Apply<Simd128, Vector128<float>>(ref p, ref g, ref m, ref v, k);
            k += 4;
        }

        for (; k < length; k++)
        {
            step.Apply<Scalar, float>(ref p, ref g, ref m, ref v, k);
        }
    }

    private interface IUpdate
    {
        void Apply<TS, TV>(ref float p, ref float g, ref float m, ref float v, nint k)
            where TS : struct, ISimd<TV>
            where TV : struct;
    }

    private readonly struct SgdStep(float learningRate, float gradientScale, float weightDecay) : IUpdate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TS, TV>(ref float p, ref float g, ref float m, ref float v, nint k)
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            TV pk = TS.Load(ref p, k);
            TV gk = Gradient<TS, TV>(ref g, k, gradientScale, weightDecay, pk);
            TS.Store(TS.Subtract(pk, TS.Multiply(TS.Broadcast(learningRate), gk)), ref p, k);
            TS.Store(TS.Zero, ref g, k);
        }
    }

    private readonly struct MomentumStep(float learningRate, float gradientScale, float momentum, float weightDecay) : IUpdate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TS, TV>(ref float p, ref float g, ref float m, ref float v, nint k)
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            TV pk = TS.Load(ref p, k);
            TV vk = TS.Add(TS.Multiply(TS.Broadcast(momentum), TS.Load(ref m, k)), Gradient<TS, TV>(ref g, k, gradientScale, weightDecay, pk));
            TS.Store(vk, ref m, k);
            TS.Store(TS.Subtract(pk, TS.Multiply(TS.Broadcast(learningRate), vk)), ref p, k);
            TS.Store(TS.Zero, ref g, k);
        }
    }

    private readonly struct AdamStep(float learningRate, float gradientScale, float beta1, float beta2, float epsilon, float weightDecay, float correction1, float correction2) : IUpdate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TS, TV>(ref float p, ref float g, ref float m, ref float v, nint k)
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            TV gk = TS.Multiply(TS.Load(ref g, k), TS.Broadcast(gradientScale));
            TV mk = TS.Add(TS.Multiply(TS.Broadcast(beta1), TS.Load(ref m, k)), TS.Multiply(TS.Broadcast(1f - beta1), gk));
            TV vk = TS.Add(TS.Multiply(TS.Broadcast(beta2), TS.Load(ref v, k)), TS.Multiply(TS.Multiply(TS.Broadcast(1f - beta2), gk), gk));
            TS.Store(mk, ref m, k);
            TS.Store(vk, ref v, k);
            // AdamW: p -= lr wd p first (decoupled weight decay)
            TV pk = weightDecay != 0f ? TS.Multiply(TS.Load(ref p, k), TS.Broadcast(1f - (learningRate * weightDecay))) : TS.Load(ref p, k);
            TV step = TS.Divide(
                TS.Multiply(TS.Broadcast(learningRate), TS.Divide(mk, TS.Broadcast(correction1))),
                TS.Add(TS.Sqrt(TS.Divide(vk, TS.Broadcast(correction2))), TS.Broadcast(epsilon)));
            TS.Store(TS.Subtract(pk, step), ref p, k);
            TS.Store(TS.Zero, ref g, k);
        }
    }

    /// <summary>The gradient as SGD and momentum use it: scaled to the batch mean, plus L2 weight decay wd p where there is some.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Gradient<TS, TV>(ref float g, nint k, float gradientScale, float weightDecay, TV p)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV gk = TS.Multiply(TS.Load(ref g, k), TS.Broadcast(gradientScale));
        return weightDecay != 0f ? TS.Add(gk, TS.Multiply(TS.Broadcast(weightDecay), p)) : gk;
    }
}
