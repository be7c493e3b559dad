using System;
using System.Collections.Generic;

namespace NetGen.Benchmarks.Baselines;

/// <summary>
/// The seeds' design: layer objects with virtual Forward and Backward over float[], and a network that
/// loops over its list of layers. Written without per-call allocation so that the comparison measures
/// the design, not the garbage collector.
/// </summary>
public sealed class SeedsNetwork : IBaseline
{
    private readonly List<Layer> _layers = [];
    private readonly int _outputs;
    private readonly float[] _outputGradient;

    public SeedsNetwork(int inputs, params int[] hidden)
    {
        int previous = inputs;
        var random = new DeterministicRandom(1);
        foreach (int units in hidden)
        {
            _layers.Add(new DenseLayer(previous, units, ref random));
            _layers.Add(new ReLULayer(units));
            previous = units;
        }

        _outputs = 10;
        _layers.Add(new DenseLayer(previous, _outputs, ref random));
        _layers.Add(new SoftmaxLayer(_outputs));
        _outputGradient = new float[_outputs];
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => Run(input).CopyTo(output);

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n = _layers[0] is DenseLayer first ? first.Inputs : 0;
        for (int s = 0; s < inputs.Length / n; s++)
        {
            Run(inputs.Slice(s * n, n)).CopyTo(outputs.Slice(s * _outputs, _outputs));
        }
    }

    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int n = ((DenseLayer)_layers[0]).Inputs, count = inputs.Length / n;
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            float[] y = Run(inputs.Slice(s * n, n));
            ReadOnlySpan<float> t = targets.Slice(s * _outputs, _outputs);
            for (int j = 0; j < _outputs; j++)
            {
                loss -= t[j] * MathF.Log(MathF.Max(y[j], 1e-30f));
                _outputGradient[j] = y[j] - t[j]; // softmax and cross-entropy together
            }

            float[] gradient = _outputGradient;
            for (int l = _layers.Count - 2; l >= 0; l--)
            {
                gradient = _layers[l].Backward(gradient);
            }
        }

        foreach (Layer layer in _layers)
        {
            layer.Update(learningRate / count);
        }

        return loss / count;
    }

    private float[] Run(ReadOnlySpan<float> input)
    {
        float[] x = ((DenseLayer)_layers[0]).Load(input);
        foreach (Layer layer in _layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }

    private abstract class Layer
    {
        public abstract float[] Forward(float[] input);

        public abstract float[] Backward(float[] outputGradient);

        public virtual void Update(float learningRate)
        {
        }
    }

    private sealed class DenseLayer : Layer
    {
        private readonly float[] _w, _b, _gw, _gb, _output, _inputGradient, _input;

        public DenseLayer(int inputs, int units, ref DeterministicRandom random)
        {
            Inputs = inputs;
            Units = units;
            _w = new float[units * inputs];
            random.FillUniform(_w, MathF.Sqrt(6f / inputs));
            _b = new float[units];
            _gw = new float[units * inputs];
            _gb = new float[units];
            _output = new float[units];
            _inputGradient = new float[inputs];
            _input = new float[inputs];
        }

        public int Inputs { get; }

        public int Units { get; }

        public float[] Load(ReadOnlySpan<float> input)
        {
            input.CopyTo(_input);
            return _input;
        }

        public override float[] Forward(float[] input)
        {
            if (!ReferenceEquals(input, _input))
            {
                Array.Copy(input, _input, Inputs);
            }

            for (int j = 0; j < Units; j++)
            {
                float sum = _b[j];
                for (int i = 0; i < Inputs; i++)
                {
                    sum += _w[(j * Inputs) + i] * _input[i];
                }

                _output[j] = sum;
            }

            return _output;
        }

        public override float[] Backward(float[] outputGradient)
        {
            Array.Clear(_inputGradient);
            for (int j = 0; j < Units; j++)
            {
                float d = outputGradient[j];
                _gb[j] += d;
                for (int i = 0; i < Inputs; i++)
                {
                    _gw[(j * Inputs) + i] += d * _input[i];
                    _inputGradient[i] += _w[(j * Inputs) + i] * d;
                }
            }

            return _inputGradient;
        }

        public override void Update(float learningRate)
        {
            for (int k = 0; k < _w.Length; k++)
            {
                _w[k] -= learningRate * _gw[k];
                _gw[k] = 0;
            }

            for (int j = 0; j < Units; j++)
            {
                _b[j] -= learningRate * _gb[j];
                _gb[j] = 0;
            }
        }
    }

    private sealed class ReLULayer(int units) : Layer
    {
        private readonly float[] _output = new float[units], _inputGradient = new float[units];

        public override float[] Forward(float[] input)
        {
            for (int j = 0; j < _output.Length; j++)
            {
                _output[j] = MathF.Max(0, input[j]);
            }

            return _output;
        }

        public override float[] Backward(float[] outputGradient)
        {
            for (int j = 0; j < _output.Length; j++)
            {
                _inputGradient[j] = _output[j] > 0 ? outputGradient[j] : 0;
            }

            return _inputGradient;
        }
    }

    private sealed class SoftmaxLayer(int units) : Layer
    {
        private readonly float[] _output = new float[units];

        public override float[] Forward(float[] input)
        {
            float max = float.MinValue, sum = 0;
            foreach (float v in input)
            {
                max = MathF.Max(max, v);
            }

            for (int j = 0; j < _output.Length; j++)
            {
                _output[j] = MathF.Exp(input[j] - max);
                sum += _output[j];
            }

            for (int j = 0; j < _output.Length; j++)
            {
                _output[j] /= sum;
            }

            return _output;
        }

        // The network feeds dE/dz of softmax and cross-entropy together, so this layer is skipped backward.
        public override float[] Backward(float[] outputGradient) => outputGradient;
    }
}
