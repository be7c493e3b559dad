using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Tests.Oracle;
using A = NetGen.Activation;

namespace NetGen.Tests;

/// <summary>A generated network, the oracle written for the same declaration, and data suited to its loss.</summary>
public sealed record NetworkCase(string Name, Func<int, INetwork> Create, ReferenceNetwork Reference)
{
    public override string ToString() => Name;

    /// <summary>An input in [-1, 1) and a target valid for the loss: one-hot for cross-entropy, in [0, 1] for BCE.</summary>
    public (float[] Input, float[] Target) Sample(ref DeterministicRandom random)
    {
        var input = new float[Reference.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (2 * random.NextSingle()) - 1;
        }

        var target = new float[Reference.OutputSize];
        switch (Reference.Loss)
        {
            case Loss.CrossEntropy:
                target[random.NextInt32(target.Length)] = 1;
                break;
            case Loss.BinaryCrossEntropy:
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] = j % 2 == 0 ? random.NextInt32(2) : random.NextSingle();
                }

                break;
            default:
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] = random.NextSingle();
                }

                break;
        }

        return (input, target);
    }

    /// <summary>n samples as the contiguous rows TrainBatch and Predict take.</summary>
    public (float[] Inputs, float[] Targets) Batch(int n, int seed)
    {
        var random = new DeterministicRandom(seed);
        var inputs = new List<float>();
        var targets = new List<float>();
        for (int s = 0; s < n; s++)
        {
            (float[] input, float[] target) = Sample(ref random);
            inputs.AddRange(input);
            targets.AddRange(target);
        }

        return ([.. inputs], [.. targets]);
    }
}

public static class NetworkCases
{
    private static ReferenceLayer L(int units, A activation = A.Identity, double alpha = 0.01) => new(units, activation, alpha);

    public static readonly NetworkCase[] All =
    [
        new("ReluSoftmaxNet", s => new ReluSoftmaxNet(s), new(13, Loss.CrossEntropy, L(9, A.ReLU), L(7, A.Softmax))),
        new("LeakyTanhBceNet", s => new LeakyTanhBceNet(s), new(5, Loss.BinaryCrossEntropy, L(11, A.LeakyReLU, 0.1f), L(6, A.Tanh), L(3, A.Sigmoid))),
        new("LinearRegressionNet", s => new LinearRegressionNet(s), new(7, Loss.SquaredError, L(5), L(1))),
        new("SigmoidTanhNet", s => new SigmoidTanhNet(s), new(3, Loss.SquaredError, L(17, A.Sigmoid), L(2, A.Tanh))),
        new("SoftmaxSquaredErrorNet", s => new SoftmaxSquaredErrorNet(s), new(6, Loss.SquaredError, L(4, A.LeakyReLU), L(5, A.Softmax))),
        new("LogisticNet", s => new LogisticNet(s), new(4, Loss.BinaryCrossEntropy, L(1, A.Sigmoid))),
        new("FourInputNet", s => new FourInputNet(s), new(4, Loss.CrossEntropy, L(35, A.ReLU), L(3, A.Softmax))),
        new("DeepNet", s => new DeepNet(s), new(33, Loss.CrossEntropy, L(31, A.ReLU), L(19, A.LeakyReLU, 0.05f), L(17, A.Tanh), L(16, A.Sigmoid), L(10, A.Softmax))),
        new("PaddedRowsNet", s => new PaddedRowsNet(s), new(24, Loss.CrossEntropy, L(256, A.ReLU), L(256, A.ReLU), L(5, A.Softmax))),
        new("PackedInputsNet", s => new PackedInputsNet(s), new(8, Loss.CrossEntropy, L(300, A.ReLU), L(256, A.ReLU), L(3, A.Softmax))),
        new("SharedLaterLayerNet", s => new SharedLaterLayerNet(s), new(8, Loss.CrossEntropy, L(512, A.ReLU), L(512, A.ReLU), L(3, A.Softmax))),
        new("MnistNet", s => new MnistNet(s), new(784, Loss.CrossEntropy, L(128, A.ReLU), L(10, A.Softmax))),
        new("MomentumNet", s => new MomentumNet(s), new(6, Loss.CrossEntropy, L(8, A.Tanh), L(3, A.Softmax))),
        new("AdamNet", s => new AdamNet(s), new(6, Loss.SquaredError, L(8, A.ReLU), L(2))),
        new("AdamWNet", s => new AdamWNet(s), new(6, Loss.BinaryCrossEntropy, L(8, A.Sigmoid), L(2, A.Sigmoid))),
        new("SgdDecayNet", s => new SgdDecayNet(s), new(6, Loss.SquaredError, L(8, A.Tanh), L(2))),
        new("LeNetCnn", s => new LeNetCnn(s), new(new Shape3(1, 28, 28), Loss.CrossEntropy, C(8, 5, A.ReLU), Max(2), C(16, 5, A.ReLU), Max(2), L(64, A.ReLU), L(10, A.Softmax))),
        new("OddShapesCnn", s => new OddShapesCnn(s), new(new Shape3(3, 7, 9), Loss.SquaredError, C(4, 3, A.Tanh, stride: 2, padding: 2), new ReferencePooling(2, 1, Max: false), C(2, 1, A.LeakyReLU, alpha: 0.1f), L(3))),
        new("FullKernelCnn", s => new FullKernelCnn(s), new(new Shape3(2, 10, 12), Loss.BinaryCrossEntropy, C(5, 3, A.ReLU, padding: 1), Max(2), C(3, 5, A.Sigmoid), L(2, A.Sigmoid))),
        new("AdamCnn", s => new AdamCnn(s), new(new Shape3(1, 9, 9), Loss.CrossEntropy, C(3, 2), new ReferencePooling(2, 2, Max: true, A.ReLU), L(4, A.Softmax))),
        new("DecayCnn", s => new DecayCnn(s), new(new Shape3(2, 6, 6), Loss.SquaredError, C(4, 3, A.Tanh), L(3))),
        new("FlattenOnlyNet", s => new FlattenOnlyNet(s), new(new Shape3(2, 3, 4), Loss.CrossEntropy, L(5, A.ReLU), L(3, A.Softmax))),
    ];

    private static ReferenceConvolution C(int filters, int kernel, A activation = A.Identity, int stride = 1, int padding = 0, double alpha = 0.01) =>
        new(filters, kernel, stride, padding, activation, alpha);

    private static ReferencePooling Max(int size) => new(size, size, Max: true);

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static NetworkCase Get(string name) => All.Single(c => c.Name == name);
}
