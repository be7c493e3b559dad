using System;
using System.Linq;

namespace NetGen.Tests.Oracle;

/// <summary>A dense layer as the oracle sees it.</summary>
public sealed record ReferenceLayer(int Units, Activation Activation, double Alpha = 0.01);

/// <summary>
/// A plain double-precision implementation of design.md's math, written independently of the
/// generator: textbook loops, the activation derivatives taken at z, the softmax through its full
/// Jacobian and every loss differentiated through dE/dy (no fused gradients). Parameters are read in
/// the contract's layout: each layer's W row-major [units, inputs], then b.
/// </summary>
public sealed class ReferenceNetwork
{
    private readonly ReferenceLayer[] _layers;

    public ReferenceNetwork(int inputSize, Loss loss, params ReferenceLayer[] layers)
    {
        InputSize = inputSize;
        Loss = loss;
        _layers = layers;
        int inputs = inputSize;
        foreach (ReferenceLayer layer in layers)
        {
            ParameterCount += (layer.Units * inputs) + layer.Units;
            inputs = layer.Units;
        }
    }

    public int InputSize { get; }

    public int OutputSize => _layers[^1].Units;

    public int ParameterCount { get; }

    public Loss Loss { get; }

    /// <summary>z and a = act(z) of every layer, a[0] being the input.</summary>
    public (double[][] Z, double[][] A) Activations(ReadOnlySpan<double> p, ReadOnlySpan<double> x)
    {
        var z = new double[_layers.Length + 1][];
        var a = new double[_layers.Length + 1][];
        a[0] = x.ToArray();
        int offset = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            int inputs = a[l].Length, units = _layers[l].Units;
            z[l + 1] = new double[units];
            for (int j = 0; j < units; j++)
            {
                double sum = p[offset + (units * inputs) + j];
                for (int i = 0; i < inputs; i++)
                {
                    sum += p[offset + (j * inputs) + i] * a[l][i];
                }

                z[l + 1][j] = sum;
            }

            a[l + 1] = Activate(_layers[l], z[l + 1]);
            offset += (units * inputs) + units;
        }

        return (z, a);
    }

    public double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> x) => Activations(p, x).A[^1];

    public double LossAt(ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> t) => LossOf(Forward(p, x), t);

    public double LossOf(double[] y, ReadOnlySpan<double> t)
    {
        double e = 0;
        for (int j = 0; j < y.Length; j++)
        {
            e += Loss switch
            {
                Loss.CrossEntropy => t[j] == 0 ? 0 : -t[j] * Math.Log(y[j]),
                Loss.BinaryCrossEntropy => -((t[j] * Math.Log(y[j])) + ((1 - t[j]) * Math.Log(1 - y[j]))),
                _ => 0.5 * (y[j] - t[j]) * (y[j] - t[j]),
            };
        }

        return e;
    }

    /// <summary>dE/dp by back-propagation, in the parameter layout.</summary>
    public double[] Gradient(ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> t)
    {
        (double[][] z, double[][] a) = Activations(p, x);
        double[] y = a[^1];

        // dE/dy of the loss on its own, without fusing it with the output activation
        double[] dy = new double[y.Length];
        for (int j = 0; j < y.Length; j++)
        {
            dy[j] = Loss switch
            {
                Loss.CrossEntropy => -t[j] / y[j],
                Loss.BinaryCrossEntropy => -((t[j] / y[j]) - ((1 - t[j]) / (1 - y[j]))),
                _ => y[j] - t[j],
            };
        }

        var gradient = new double[ParameterCount];
        int[] offsets = LayerOffsets();
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            double[] dz = ThroughActivation(_layers[l], z[l + 1], a[l + 1], dy);
            double[] input = a[l];
            int units = _layers[l].Units, inputs = input.Length, offset = offsets[l];
            double[] dx = new double[inputs];
            for (int j = 0; j < units; j++)
            {
                gradient[offset + (units * inputs) + j] = dz[j];
                for (int i = 0; i < inputs; i++)
                {
                    gradient[offset + (j * inputs) + i] = dz[j] * input[i];
                    dx[i] += p[offset + (j * inputs) + i] * dz[j];
                }
            }

            dy = dx;
        }

        return gradient;
    }

    private int[] LayerOffsets()
    {
        var offsets = new int[_layers.Length];
        int offset = 0, inputs = InputSize;
        for (int l = 0; l < _layers.Length; l++)
        {
            offsets[l] = offset;
            offset += (_layers[l].Units * inputs) + _layers[l].Units;
            inputs = _layers[l].Units;
        }

        return offsets;
    }

    private static double[] Activate(ReferenceLayer layer, double[] z)
    {
        if (layer.Activation == Activation.Softmax)
        {
            double max = z.Max();
            double[] e = [.. z.Select(v => Math.Exp(v - max))];
            double sum = e.Sum();
            return [.. e.Select(v => v / sum)];
        }

        return [.. z.Select(v => layer.Activation switch
        {
            Activation.ReLU => Math.Max(0, v),
            Activation.LeakyReLU => v > 0 ? v : layer.Alpha * v,
            Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
            Activation.Tanh => Math.Tanh(v),
            _ => v,
        })];
    }

    /// <summary>dE/dz from dE/da: the activation's Jacobian, transposed, times dE/da.</summary>
    private static double[] ThroughActivation(ReferenceLayer layer, double[] z, double[] a, double[] da)
    {
        int n = z.Length;
        var dz = new double[n];
        if (layer.Activation == Activation.Softmax)
        {
            // J[i, j] = da_i/dz_j = a_i (delta_ij - a_j)
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    dz[j] += da[i] * a[i] * ((i == j ? 1 : 0) - a[j]);
                }
            }

            return dz;
        }

        for (int j = 0; j < n; j++)
        {
            double derivative = layer.Activation switch
            {
                Activation.ReLU => z[j] > 0 ? 1 : 0,
                Activation.LeakyReLU => z[j] > 0 ? 1 : layer.Alpha,
                Activation.Sigmoid => Math.Exp(-z[j]) / ((1 + Math.Exp(-z[j])) * (1 + Math.Exp(-z[j]))),
                Activation.Tanh => 1 / (Math.Cosh(z[j]) * Math.Cosh(z[j])),
                _ => 1,
            };
            dz[j] = da[j] * derivative;
        }

        return dz;
    }
}
