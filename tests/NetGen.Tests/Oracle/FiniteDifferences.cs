using System;

namespace NetGen.Tests.Oracle;

/// <summary>Central finite differences in double precision: (f(p + h e_k) - f(p - h e_k)) / 2h.</summary>
public static class FiniteDifferences
{
    public static double Derivative(Func<double[], double> f, double[] p, int k, double h = 1e-6)
    {
        double saved = p[k];
        p[k] = saved + h;
        double plus = f(p);
        p[k] = saved - h;
        double minus = f(p);
        p[k] = saved;
        return (plus - minus) / (2 * h);
    }
}
