using System;
using System.Numerics.Tensors;

namespace NetGen.Benchmarks.Baselines;

/// <summary>
/// A tuned dynamic implementation: the same layer list, sizes known only at run time, every inner loop a
/// vectorised System.Numerics.Tensors.TensorPrimitives call (dot products, multiply-adds). What a careful
/// hand-written .NET network looks like without code generation.
/// </summary>
public sealed class TensorNetwork : IBaseline
{
    private readonly Dense[] _layers;
    private readonly float[] _delta;

    public TensorNetwork(int inputs, params int[] hidden)
    {
        var random = new DeterministicRandom(1);
        _layers = new Dense[hidden.Length + 1];
        int previous = inputs;
        for (int l = 0; l <= hidden.Length; l++)
        {
            int units = l < hidden.Length ? hidden[l] : 10;
            _layers[l] = new Dense(previous, units, relu: l < hidden.Length, ref random);
            previous = units;
        }

        _delta = new float[10];
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => Run(input).CopyTo(output);

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n = _layers[0].Inputs;
        for (int s = 0; s < inputs.Length / n; s++)
        {
            Run(inputs.Slice(s * n, n)).CopyTo(outputs.Slice(s * 10, 10));
        }
    }

    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int n = _layers[0].Inputs, count = inputs.Length / n;
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> x = inputs.Slice(s * n, n);
            ReadOnlySpan<float> y = Run(x);
            ReadOnlySpan<float> t = targets.Slice(s * 10, 10);
            loss -= TensorPrimitives.Dot(t, y) > 0 ? MathF.Log(y[TensorPrimitives.IndexOfMax(t)]) : 0;
            TensorPrimitives.Subtract(y, t, _delta);
            Span<float> delta = _delta;
            for (int l = _layers.Length - 1; l >= 0; l--)
            {
                delta = _layers[l].Backward(l == 0 ? x : _layers[l - 1].Output, delta, sendBack: l > 0);
            }
        }

        foreach (Dense layer in _layers)
        {
            layer.Update(learningRate / count);
        }

        return loss / count;
    }

    private ReadOnlySpan<float> Run(ReadOnlySpan<float> input)
    {
        ReadOnlySpan<float> x = input;
        foreach (Dense layer in _layers)
        {
            x = layer.Forward(x);
        }

        TensorPrimitives.SoftMax(x, _layers[^1].Output);
        return _layers[^1].Output;
    }

    private sealed class Dense
    {
        private readonly float[] _w, _b, _gw, _gb, _inputGradient;
        private readonly bool _relu;

        public Dense(int inputs, int units, bool relu, ref DeterministicRandom random)
        {
            Inputs = inputs;
            Units = units;
            _relu = relu;
            _w = new float[units * inputs];
            random.FillUniform(_w, MathF.Sqrt(6f / inputs));
            _b = new float[units];
            _gw = new float[units * inputs];
            _gb = new float[units];
            Output = new float[units];
            _inputGradient = new float[inputs];
        }

        public int Inputs { get; }

        public int Units { get; }

        public float[] Output { get; }

        public ReadOnlySpan<float> Forward(ReadOnlySpan<float> x)
        {
            for (int j = 0; j < Units; j++)
            {
                Output[j] = TensorPrimitives.Dot(_w.AsSpan(j * Inputs, Inputs), x) + _b[j];
            }

            if (_relu)
            {
                TensorPrimitives.Max(Output, 0f, Output);
            }

            return Output;
        }

        public Span<float> Backward(ReadOnlySpan<float> x, Span<float> delta, bool sendBack)
        {
            TensorPrimitives.Add(_gb, delta, _gb);
            if (sendBack)
            {
                Array.Clear(_inputGradient);
            }

            for (int j = 0; j < Units; j++)
            {
                float d = delta[j];
                Span<float> gw = _gw.AsSpan(j * Inputs, Inputs);
                TensorPrimitives.MultiplyAdd(x, d, gw, gw);
                if (sendBack)
                {
                    TensorPrimitives.MultiplyAdd(_w.AsSpan(j * Inputs, Inputs), d, _inputGradient, _inputGradient);
                }
            }

            if (sendBack)
            {
                // ReLU' of the previous layer, whose output is x
                for (int i = 0; i < Inputs; i++)
                {
                    _inputGradient[i] = x[i] > 0 ? _inputGradient[i] : 0;
                }
            }

            return _inputGradient;
        }

        public void Update(float learningRate)
        {
            TensorPrimitives.MultiplyAdd(_gw, -learningRate, _w, _w);
            TensorPrimitives.MultiplyAdd(_gb, -learningRate, _b, _b);
            Array.Clear(_gw);
            Array.Clear(_gb);
        }
    }
}
