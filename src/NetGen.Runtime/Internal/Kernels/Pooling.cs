using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetGen.Internal.Kernels;

namespace NetGen.Internal;

/// <summary>
/// The kernels of one 2-D pooling layer, channel by channel, compiled for exactly that layer. Max pooling
/// remembers where each window's first largest input was (scanning the window row by row, as PyTorch does),
/// and sends dE/dy back there; average pooling spreads dE/dy evenly over the window.
/// </summary>
/// <remarks>Called by generated code, which has checked every length.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The type argument is the layer.")]
public static class Pooling<TLayer>
    where TLayer : struct, IPoolingLayer
{
    private static int InputSize => TLayer.Channels * TLayer.Height * TLayer.Width;

    /// <summary>One sample: each output the max (or mean) of its window, then a = act(z).</summary>
    public static void Forward(ReadOnlySpan<float> x, PoolingWorkspace<TLayer> layer)
    {
        Pool(ref MemoryMarshal.GetReference(x), ref layer.Z, layer.Argmax, 0);
        Activate(ref layer.Z, ref layer.A, 1);
    }

    /// <summary>dE/dx of one sample into <paramref name="previous"/>, then its dE/dz = dE/da * act'(z).</summary>
    public static void Backward<TPrevious>(LayerWorkspace<TPrevious> previous, PoolingWorkspace<TLayer> layer)
        where TPrevious : struct, ILayer
    {
        Route(ref layer.DeltaStart, ref previous.DeltaStart, layer.Argmax, 0);
        Activations<TPrevious>.Derivative(ref previous.A, ref previous.DeltaStart, 1);
    }

    /// <summary><paramref name="rows"/> samples forward.</summary>
    public static void ForwardBatch(ReadOnlySpan<float> x, PoolingWorkspace<TLayer> layer, int rows)
    {
        ref float input = ref MemoryMarshal.GetReference(x);
        for (int s = 0; s < rows; s++)
        {
            Pool(ref Unsafe.Add(ref input, (nint)s * InputSize), ref Unsafe.Add(ref layer.BatchZ, (nint)s * TLayer.Units), layer.BatchArgmax, s * TLayer.Units);
        }

        Activate(ref layer.BatchZ, ref layer.BatchA, rows);
    }

    /// <summary>dE/dX of <paramref name="rows"/> samples into <paramref name="previous"/>, then its dE/dZ.</summary>
    public static void BackwardBatch<TPrevious>(LayerWorkspace<TPrevious> previous, PoolingWorkspace<TLayer> layer, int rows)
        where TPrevious : struct, ILayer
    {
        for (int s = 0; s < rows; s++)
        {
            Route(ref Unsafe.Add(ref layer.BatchDelta, (nint)s * TLayer.Units), ref Unsafe.Add(ref previous.BatchDelta, (nint)s * InputSize), layer.BatchArgmax, s * TLayer.Units);
        }

        Activations<TPrevious>.Derivative(ref previous.BatchA, ref previous.BatchDelta, rows);
    }

    /// <summary>z[ch, r, c] = max (or mean) of x[ch, r S + u, c S + v] over u, v &lt; Size; for max, where it was into argmax[at + output].</summary>
    private static void Pool(ref float x, ref float z, int[] argmax, int at)
    {
        int size = TLayer.Size, stride = TLayer.Stride, height = TLayer.Height, width = TLayer.Width;
        float scale = 1f / (size * size);
        int output = 0;
        for (int ch = 0; ch < TLayer.Channels; ch++)
        {
            int plane = ch * height * width;
            for (int r = 0; r < TLayer.OutputHeight; r++)
            {
                for (int c = 0; c < TLayer.OutputWidth; c++, output++)
                {
                    int corner = plane + (r * stride * width) + (c * stride);
                    if (TLayer.Max)
                    {
                        int best = corner;
                        float max = Unsafe.Add(ref x, corner);
                        for (int u = 0; u < size; u++)
                        {
                            for (int v = 0; v < size; v++)
                            {
                                int i = corner + (u * width) + v;
                                float value = Unsafe.Add(ref x, i);
                                if (value > max || float.IsNaN(value))
                                {
                                    // strictly greater: a tie keeps the first largest, row by row; NaN wins, as in PyTorch
                                    max = value;
                                    best = i;
                                    if (float.IsNaN(value))
                                    {
                                        goto found;
                                    }
                                }
                            }
                        }

                    found:
                        Unsafe.Add(ref z, output) = max;
                        argmax[at + output] = best;
                    }
                    else
                    {
                        float sum = 0f;
                        for (int u = 0; u < size; u++)
                        {
                            for (int v = 0; v < size; v++)
                            {
                                sum += Unsafe.Add(ref x, corner + (u * width) + v);
                            }
                        }

                        Unsafe.Add(ref z, output) = sum * scale;
                    }
                }
            }
        }
    }

    /// <summary>dE/dx from dE/dz: to each window's largest input (max), or spread evenly over the window (average).</summary>
    private static void Route(ref float delta, ref float dx, int[] argmax, int at)
    {
        MemoryMarshal.CreateSpan(ref dx, InputSize).Clear();
        int size = TLayer.Size, stride = TLayer.Stride, height = TLayer.Height, width = TLayer.Width;
        float scale = 1f / (size * size);
        int output = 0;
        for (int ch = 0; ch < TLayer.Channels; ch++)
        {
            int plane = ch * height * width;
            for (int r = 0; r < TLayer.OutputHeight; r++)
            {
                for (int c = 0; c < TLayer.OutputWidth; c++, output++)
                {
                    float d = Unsafe.Add(ref delta, output);
                    if (TLayer.Max)
                    {
                        Unsafe.Add(ref dx, argmax[at + output]) += d;
                        continue;
                    }

                    int corner = plane + (r * stride * width) + (c * stride);
                    for (int u = 0; u < size; u++)
                    {
                        for (int v = 0; v < size; v++)
                        {
                            Unsafe.Add(ref dx, corner + (u * width) + v) += d * scale;
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Activate(ref float z, ref float a, int rows)
    {
        if (TLayer.Activation != Activation.Identity || TLayer.KeepsPreActivation)
        {
            Activations<TLayer>.Activate(ref z, ref a, rows);
        }
    }
}
