using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetGen.Internal.Kernels;

namespace NetGen.Internal;

/// <summary>
/// The kernels of one dropout layer. In training, each value is multiplied by a mask drawn from the layer's
/// generator: 0 with probability p, else 1 / (1 - p), so that the expected output equals the input; the
/// backward pass multiplies dE/dz by the same mask. In inference the layer passes its input through.
/// </summary>
/// <remarks>Called by generated code, which has checked every length.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The type argument is the layer.")]
public static class Dropout<TLayer>
    where TLayer : struct, IDropoutLayer
{
    /// <summary>Seeds the layer's generator from the network's seed: the same masks on every run from that seed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Seed(DropoutWorkspace<TLayer> layer, int seed)
    {
        ArgumentNullException.ThrowIfNull(layer);
        layer.Random = new DeterministicRandom(unchecked(((long)seed * 0x5851F42D) ^ (0x2545F491L * (TLayer.Units + 1))));
    }

    /// <summary>One sample: z = m * x in training (a mask drawn now), z = x in inference; then a = act(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, DropoutWorkspace<TLayer> layer, bool training)
    {
        Apply(ref MemoryMarshal.GetReference(x), ref layer.Z, ref layer.Mask, 1, training ? layer : null);
        Activations<TLayer>.Activate(ref layer.Z, ref layer.A, 1);
    }

    /// <summary>dE/dx = m * dE/dz of this sample into <paramref name="previous"/>, then its dE/dz = dE/da * act'(z).</summary>
    public static void Backward<TPrevious>(LayerWorkspace<TPrevious> previous, DropoutWorkspace<TLayer> layer)
        where TPrevious : struct, ILayer
    {
        Mask(ref layer.DeltaStart, ref layer.Mask, ref previous.DeltaStart, TLayer.Units);
        Activations<TPrevious>.Derivative(ref previous.A, ref previous.DeltaStart, 1);
    }

    /// <summary><paramref name="rows"/> samples: Z = M * X in training (masks drawn now, sample after sample), Z = X in inference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch(ReadOnlySpan<float> x, DropoutWorkspace<TLayer> layer, int rows, bool training)
    {
        Apply(ref MemoryMarshal.GetReference(x), ref layer.BatchZ, ref layer.BatchMask, rows, training ? layer : null);
        Activations<TLayer>.Activate(ref layer.BatchZ, ref layer.BatchA, rows);
    }

    /// <summary>
    /// <paramref name="rows"/> samples in inference, Z = X, into the batch buffers' rows from <paramref name="bufferRow"/> on:
    /// one thread's share of a batch whose samples the threads split (<see cref="SampleSplit{TState}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardRows(ReadOnlySpan<float> x, DropoutWorkspace<TLayer> layer, int bufferRow, int rows)
    {
        nint offset = (nint)bufferRow * TLayer.Units;
        Apply(ref MemoryMarshal.GetReference(x), ref Unsafe.Add(ref layer.BatchZ, offset), ref Unsafe.Add(ref layer.BatchMask, offset), rows, null);
        Activations<TLayer>.Activate(ref Unsafe.Add(ref layer.BatchZ, offset), ref Unsafe.Add(ref layer.BatchA, offset), rows);
    }

    /// <summary>dE/dX = M * dE/dZ of <paramref name="rows"/> samples into <paramref name="previous"/>, then its dE/dZ.</summary>
    public static void BackwardBatch<TPrevious>(LayerWorkspace<TPrevious> previous, DropoutWorkspace<TLayer> layer, int rows)
        where TPrevious : struct, ILayer
    {
        Mask(ref layer.BatchDelta, ref layer.BatchMask, ref previous.BatchDelta, rows * TLayer.Units);
        Activations<TPrevious>.Derivative(ref previous.BatchA, ref previous.BatchDelta, rows);
    }

    /// <summary>z = m * x with masks drawn from <paramref name="drawing"/>'s generator, or z = x when it is null (inference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply(ref float x, ref float z, ref float mask, int rows, DropoutWorkspace<TLayer>? drawing)
    {
        int count = rows * TLayer.Units;
        if (drawing is null)
        {
            MemoryMarshal.CreateReadOnlySpan(ref x, count).CopyTo(MemoryMarshal.CreateSpan(ref z, count));
            return;
        }

        float p = TLayer.Probability, kept = 1f / (1f - TLayer.Probability);
        ref DeterministicRandom random = ref drawing.Random;
        for (int i = 0; i < count; i++)
        {
            float m = random.NextSingle() < p ? 0f : kept;
            Unsafe.Add(ref mask, i) = m;
            Unsafe.Add(ref z, i) = m * Unsafe.Add(ref x, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Mask(ref float delta, ref float mask, ref float dx, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref mask, i) * Unsafe.Add(ref delta, i);
        }
    }
}
