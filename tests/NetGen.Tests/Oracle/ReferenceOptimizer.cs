using System;

namespace NetGen.Tests.Oracle;

/// <summary>
/// The optimizers of PyTorch's documentation, in double precision:
/// SGD (weight decay added to g), SGD with momentum (v = mu v + g, p -= lr v, dampening 0, not Nesterov),
/// and Adam with bias correction and decoupled weight decay (torch.optim.AdamW).
/// </summary>
public sealed class ReferenceOptimizer(OptimizerSettings settings, double[] parameters)
{
    private readonly double[] _velocity = new double[parameters.Length];
    private readonly double[] _m = new double[parameters.Length];
    private readonly double[] _v = new double[parameters.Length];
    private long _t;

    public double[] Parameters { get; } = parameters;

    public void Step(ReadOnlySpan<double> gradient, double lr)
    {
        _t++;
        double wd = settings.WeightDecay;
        for (int k = 0; k < Parameters.Length; k++)
        {
            double g = gradient[k];
            switch (settings.Kind)
            {
                case Optimizer.Sgd:
                    Parameters[k] -= lr * (g + (wd * Parameters[k]));
                    break;

                case Optimizer.Momentum:
                    g += wd * Parameters[k];
                    _velocity[k] = (_t == 1 ? 0 : settings.Momentum * _velocity[k]) + g; // PyTorch: buf = g on the first step
                    Parameters[k] -= lr * _velocity[k];
                    break;

                case Optimizer.Adam:
                    Parameters[k] *= 1 - (lr * wd);
                    _m[k] = (settings.Beta1 * _m[k]) + ((1 - settings.Beta1) * g);
                    _v[k] = (settings.Beta2 * _v[k]) + ((1 - settings.Beta2) * g * g);
                    double mHat = _m[k] / (1 - Math.Pow(settings.Beta1, _t));
                    double vHat = _v[k] / (1 - Math.Pow(settings.Beta2, _t));
                    Parameters[k] -= lr * mHat / (Math.Sqrt(vHat) + settings.Epsilon);
                    break;
            }
        }
    }
}
