using System;
using System.Linq;

namespace NetGen.Tests.Oracle;

/// <summary>A dense layer as the oracle sees it (and the base of the other kinds).</summary>
public record ReferenceLayer(int Units, Activation Activation, double Alpha = 0.01);

/// <summary>A 2-D convolution as the oracle sees it: K [filters, channels, kernel, kernel], then b [filters].</summary>
public sealed record ReferenceConvolution(int Filters, int Kernel, int Stride = 1, int Padding = 0, Activation Activation = Activation.Identity, double Alpha = 0.01)
    : ReferenceLayer(Filters, Activation, Alpha);

/// <summary>Max or average pooling as the oracle sees it.</summary>
public sealed record ReferencePooling(int Size, int Stride, bool Max, Activation Activation = Activation.Identity)
    : ReferenceLayer(0, Activation);

/// <summary>The values of a sample at a point of the network: channels, rows, columns.</summary>
public readonly record struct Shape3(int C, int H, int W)
{
    public int Size => C * H * W;
}

/// <summary>
/// A plain double-precision implementation of design.md's math, written independently of the
/// generator: textbook loops, the activation derivatives taken at z, the softmax through its full
/// Jacobian and every loss differentiated through dE/dy (no fused gradients). Parameters are read in
/// the contract's layout: each layer's W row-major [units, inputs], then b.
/// </summary>
public sealed class ReferenceNetwork
{
    private readonly ReferenceLayer[] _layers;
    private readonly Shape3[] _shapes; // _shapes[l] is layer l's input, _shapes[^1] the output
    private readonly int[] _offsets;

    public ReferenceNetwork(int inputSize, Loss loss, params ReferenceLayer[] layers)
        : this(new Shape3(1, 1, inputSize), loss, layers)
    {
    }

    public ReferenceNetwork(Shape3 input, Loss loss, params ReferenceLayer[] layers)
    {
        InputSize = input.Size;
        Loss = loss;
        _layers = layers;
        _shapes = new Shape3[layers.Length + 1];
        _offsets = new int[layers.Length];
        _shapes[0] = input;
        for (int l = 0; l < layers.Length; l++)
        {
            Shape3 shape = _shapes[l];
            _offsets[l] = ParameterCount;
            switch (layers[l])
            {
                case ReferenceConvolution conv:
                    int rows = ((shape.H + (2 * conv.Padding) - conv.Kernel) / conv.Stride) + 1;
                    int columns = ((shape.W + (2 * conv.Padding) - conv.Kernel) / conv.Stride) + 1;
                    _shapes[l + 1] = new Shape3(conv.Filters, rows, columns);
                    ParameterCount += (conv.Filters * shape.C * conv.Kernel * conv.Kernel) + conv.Filters;
                    break;
                case ReferencePooling pool:
                    _shapes[l + 1] = new Shape3(shape.C, ((shape.H - pool.Size) / pool.Stride) + 1, ((shape.W - pool.Size) / pool.Stride) + 1);
                    break;
                default:
                    _shapes[l + 1] = new Shape3(1, 1, layers[l].Units);
                    ParameterCount += (layers[l].Units * shape.Size) + layers[l].Units;
                    break;
            }
        }
    }

    public int InputSize { get; }

    public int OutputSize => _shapes[^1].Size;

    public int ParameterCount { get; }

    public Loss Loss { get; }

    /// <summary>z and a = act(z) of every layer, a[0] being the input.</summary>
    public (double[][] Z, double[][] A) Activations(ReadOnlySpan<double> p, ReadOnlySpan<double> x)
    {
        var z = new double[_layers.Length + 1][];
        var a = new double[_layers.Length + 1][];
        a[0] = x.ToArray();
        for (int l = 0; l < _layers.Length; l++)
        {
            z[l + 1] = _layers[l] switch
            {
                ReferenceConvolution conv => Convolve(conv, p, _offsets[l], a[l], _shapes[l], _shapes[l + 1]),
                ReferencePooling pool => Pool(pool, a[l], _shapes[l], _shapes[l + 1]),
                _ => Dense(_layers[l].Units, p, _offsets[l], a[l]),
            };
            a[l + 1] = Activate(_layers[l], z[l + 1]);
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
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            double[] dz = ThroughActivation(_layers[l], z[l + 1], a[l + 1], dy);
            dy = _layers[l] switch
            {
                ReferenceConvolution conv => ConvolveBack(conv, p, _offsets[l], a[l], _shapes[l], _shapes[l + 1], dz, gradient),
                ReferencePooling pool => PoolBack(pool, a[l], _shapes[l], _shapes[l + 1], dz),
                _ => DenseBack(_layers[l].Units, p, _offsets[l], a[l], dz, gradient),
            };
        }

        return gradient;
    }

    /// <summary>z_j = b_j + sum_i W[j, i] x_i.</summary>
    private static double[] Dense(int units, ReadOnlySpan<double> p, int offset, double[] x)
    {
        int inputs = x.Length;
        var z = new double[units];
        for (int j = 0; j < units; j++)
        {
            double sum = p[offset + (units * inputs) + j];
            for (int i = 0; i < inputs; i++)
            {
                sum += p[offset + (j * inputs) + i] * x[i];
            }

            z[j] = sum;
        }

        return z;
    }

    /// <summary>dE/dW = dz x^T, dE/db = dz into the gradient; returns dE/dx = W^T dz.</summary>
    private static double[] DenseBack(int units, ReadOnlySpan<double> p, int offset, double[] x, double[] dz, double[] gradient)
    {
        int inputs = x.Length;
        double[] dx = new double[inputs];
        for (int j = 0; j < units; j++)
        {
            gradient[offset + (units * inputs) + j] = dz[j];
            for (int i = 0; i < inputs; i++)
            {
                gradient[offset + (j * inputs) + i] = dz[j] * x[i];
                dx[i] += p[offset + (j * inputs) + i] * dz[j];
            }
        }

        return dx;
    }

    /// <summary>The input at (ch, i, j), 0 in the padding outside it.</summary>
    private static double At(double[] x, Shape3 s, int ch, int i, int j) =>
        i < 0 || j < 0 || i >= s.H || j >= s.W ? 0 : x[(((ch * s.H) + i) * s.W) + j];

    /// <summary>z[f, r, c] = b[f] + sum over ch, u, v of K[f, ch, u, v] x[ch, r S + u - P, c S + v - P], x zero outside.</summary>
    private static double[] Convolve(ReferenceConvolution conv, ReadOnlySpan<double> p, int offset, double[] x, Shape3 inShape, Shape3 outShape)
    {
        int k = conv.Kernel, weights = outShape.C * inShape.C * k * k;
        var z = new double[outShape.Size];
        for (int f = 0; f < outShape.C; f++)
        {
            for (int r = 0; r < outShape.H; r++)
            {
                for (int c = 0; c < outShape.W; c++)
                {
                    double sum = p[offset + weights + f];
                    for (int ch = 0; ch < inShape.C; ch++)
                    {
                        for (int u = 0; u < k; u++)
                        {
                            for (int v = 0; v < k; v++)
                            {
                                sum += p[offset + (((((f * inShape.C) + ch) * k) + u) * k) + v] *
                                    At(x, inShape, ch, (r * conv.Stride) + u - conv.Padding, (c * conv.Stride) + v - conv.Padding);
                            }
                        }
                    }

                    z[(((f * outShape.H) + r) * outShape.W) + c] = sum;
                }
            }
        }

        return z;
    }

    /// <summary>dE/dK[f, ch, u, v] = sum of dz[f, r, c] x[ch, r S + u - P, c S + v - P], dE/db[f] = sum of dz[f]; returns dE/dx.</summary>
    private static double[] ConvolveBack(ReferenceConvolution conv, ReadOnlySpan<double> p, int offset, double[] x, Shape3 inShape, Shape3 outShape, double[] dz, double[] gradient)
    {
        int k = conv.Kernel, weights = outShape.C * inShape.C * k * k;
        double[] dx = new double[inShape.Size];
        for (int f = 0; f < outShape.C; f++)
        {
            for (int r = 0; r < outShape.H; r++)
            {
                for (int c = 0; c < outShape.W; c++)
                {
                    double d = dz[(((f * outShape.H) + r) * outShape.W) + c];
                    gradient[offset + weights + f] += d;
                    for (int ch = 0; ch < inShape.C; ch++)
                    {
                        for (int u = 0; u < k; u++)
                        {
                            for (int v = 0; v < k; v++)
                            {
                                int i = (r * conv.Stride) + u - conv.Padding, j = (c * conv.Stride) + v - conv.Padding;
                                int w = offset + (((((f * inShape.C) + ch) * k) + u) * k) + v;
                                gradient[w] += d * At(x, inShape, ch, i, j);
                                if (i >= 0 && j >= 0 && i < inShape.H && j < inShape.W)
                                {
                                    dx[(((ch * inShape.H) + i) * inShape.W) + j] += p[w] * d;
                                }
                            }
                        }
                    }
                }
            }
        }

        return dx;
    }

    /// <summary>The first largest input of a window, scanning row by row, or its mean.</summary>
    private static double[] Pool(ReferencePooling pool, double[] x, Shape3 inShape, Shape3 outShape)
    {
        var z = new double[outShape.Size];
        for (int ch = 0; ch < outShape.C; ch++)
        {
            for (int r = 0; r < outShape.H; r++)
            {
                for (int c = 0; c < outShape.W; c++)
                {
                    (int bi, int bj) = Largest(pool, x, inShape, ch, r, c);
                    double mean = 0;
                    for (int u = 0; u < pool.Size; u++)
                    {
                        for (int v = 0; v < pool.Size; v++)
                        {
                            mean += At(x, inShape, ch, (r * pool.Stride) + u, (c * pool.Stride) + v) / (pool.Size * pool.Size);
                        }
                    }

                    z[(((ch * outShape.H) + r) * outShape.W) + c] = pool.Max ? At(x, inShape, ch, bi, bj) : mean;
                }
            }
        }

        return z;
    }

    private static (int I, int J) Largest(ReferencePooling pool, double[] x, Shape3 inShape, int ch, int r, int c)
    {
        int bi = r * pool.Stride, bj = c * pool.Stride;
        for (int u = 0; u < pool.Size; u++)
        {
            for (int v = 0; v < pool.Size; v++)
            {
                int i = (r * pool.Stride) + u, j = (c * pool.Stride) + v;
                if (At(x, inShape, ch, i, j) > At(x, inShape, ch, bi, bj))
                {
                    (bi, bj) = (i, j);
                }
            }
        }

        return (bi, bj);
    }

    private static double[] PoolBack(ReferencePooling pool, double[] x, Shape3 inShape, Shape3 outShape, double[] dz)
    {
        double[] dx = new double[inShape.Size];
        for (int ch = 0; ch < outShape.C; ch++)
        {
            for (int r = 0; r < outShape.H; r++)
            {
                for (int c = 0; c < outShape.W; c++)
                {
                    double d = dz[(((ch * outShape.H) + r) * outShape.W) + c];
                    if (pool.Max)
                    {
                        (int bi, int bj) = Largest(pool, x, inShape, ch, r, c);
                        dx[(((ch * inShape.H) + bi) * inShape.W) + bj] += d;
                        continue;
                    }

                    for (int u = 0; u < pool.Size; u++)
                    {
                        for (int v = 0; v < pool.Size; v++)
                        {
                            dx[(((ch * inShape.H) + (r * pool.Stride) + u) * inShape.W) + (c * pool.Stride) + v] += d / (pool.Size * pool.Size);
                        }
                    }
                }
            }
        }

        return dx;
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
