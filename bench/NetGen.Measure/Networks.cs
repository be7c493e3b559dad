using System;
using System.Collections.Generic;

namespace NetGen.Measure;

/// <summary>784-128-10 with plain SGD: the network of the PyTorch comparison.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mlp128;

/// <summary>784-128-10 with classical momentum (PyTorch's SGD(momentum=0.9)).</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Momentum, Momentum = 0.9f)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mlp128Momentum;

/// <summary>784-128-10 with Adam at PyTorch's defaults.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mlp128Adam;

/// <summary>A wider and deeper MLP for Fashion-MNIST: 784-512-256-10, Adam.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam)]
[Input(784)] [Dense(512)] [ReLU] [Dense(256)] [ReLU] [Dense(10)] [Softmax]
public partial class Mlp512x256Adam;

/// <summary>The networks the tool can measure, by the name given on the command line.</summary>
internal static class Networks
{
    public static IReadOnlyDictionary<string, Func<int, INetwork>> ByName { get; } = new Dictionary<string, Func<int, INetwork>>
    {
        ["mlp128"] = seed => new Mlp128(seed),
        ["mlp128-momentum"] = seed => new Mlp128Momentum(seed),
        ["mlp128-adam"] = seed => new Mlp128Adam(seed),
        ["mlp512x256-adam"] = seed => new Mlp512x256Adam(seed),
        ["4-16-3"] = seed => new Shape4x16x3(seed),
        ["784-128-10"] = seed => new Mlp128(seed),
        ["784-128-10-sigmoid"] = seed => new Mlp128Sigmoid(seed),
        ["784-128-10-tanh"] = seed => new Mlp128Tanh(seed),
        ["784-256-256-256-10"] = seed => new Shape784x256x3(seed),
        ["784-1024-1024-10"] = seed => new Shape784x1024x2(seed),
        ["cnn"] = seed => new LeNet(seed),
    };

    /// <summary>Random samples for a network: inputs uniform in [-1, 1), one-hot targets of random classes.</summary>
    public static (float[] Inputs, float[] Targets) RandomSamples(INetwork network, int samples, int seed)
    {
        var random = new DeterministicRandom(seed);
        float[] inputs = new float[samples * network.InputSize];
        random.FillUniform(inputs, 1f);
        float[] targets = new float[samples * network.OutputSize];
        for (int s = 0; s < samples; s++)
        {
            targets[(s * network.OutputSize) + random.NextInt32(network.OutputSize)] = 1;
        }

        return (inputs, targets);
    }

    /// <summary>Multiply-adds of a convolution's forward pass on one sample: each output reads channels x kernel x kernel inputs.</summary>
    public static double ConvolutionMultiplyAdds(ConvolutionLayerInfo c)
    {
        int rows = ((c.Height + (2 * c.Padding) - c.Kernel) / c.Stride) + 1, columns = ((c.Width + (2 * c.Padding) - c.Kernel) / c.Stride) + 1;
        return (double)c.Filters * rows * columns * c.Channels * c.Kernel * c.Kernel;
    }

    public static INetwork Create(string name, int seed) =>
        ByName.TryGetValue(name, out Func<int, INetwork>? create)
            ? create(seed)
            : throw new ArgumentException($"Unknown network '{name}'; choose one of: {string.Join(", ", ByName.Keys)}.");

    /// <summary>
    /// Floating-point operations of one training sample at a batch size: forward 2W, dE/dW 2W, dE/dx of every
    /// layer but the first 2W', and the update 2P shared by the batch (a multiply-add counts as two).
    /// </summary>
    public static double TrainingFlopsPerSample(NetworkInfo info, int batchSize)
    {
        // a convolution is a dense layer whose weights serve every output position: the same count, of its multiply-adds
        double weights = 0, laterWeights = 0, parameters = 0;
        for (int i = 0; i < info.Convolutions.Count; i++)
        {
            double w = ConvolutionMultiplyAdds(info.Convolutions[i]);
            weights += w;
            laterWeights += i == 0 ? 0 : w;
            parameters += info.Convolutions[i].WeightCount + info.Convolutions[i].Filters;
        }


        for (int i = 0; i < info.Layers.Count; i++)
        {
            DenseLayerInfo layer = info.Layers[i];
            double w = (double)layer.Inputs * layer.Units;
            weights += w;
            laterWeights += i == 0 && info.Convolutions.Count == 0 ? 0 : w;
            parameters += w + layer.Units;
        }

        return (4 * weights) + (2 * laterWeights) + (2 * parameters / batchSize);
    }
}

/// <summary>Multiply-adds of one sample's forward pass: the convolutions' and the dense layers' weights.</summary>
internal static class Work
{
    public static double ForwardMultiplyAdds(NetworkInfo info)
    {
        double macs = 0;
        foreach (ConvolutionLayerInfo c in info.Convolutions)
        {
            macs += Networks.ConvolutionMultiplyAdds(c);
        }

        foreach (DenseLayerInfo d in info.Layers)
        {
            macs += (double)d.Inputs * d.Units;
        }

        return macs;
    }
}

/// <summary>The CNN of the convolution issue: Conv2d(1, 8, 5), ReLU, MaxPool2d(2), Conv2d(8, 16, 5), ReLU, MaxPool2d(2), Flatten, Linear(256, 64), ReLU, Linear(64, 10).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(8, 5)] [ReLU] [MaxPool2D(2)]
[Conv2D(16, 5)] [ReLU] [MaxPool2D(2)]
[Dense(64)] [ReLU]
[Dense(10)] [Softmax]
public partial class LeNet;

/// <summary>The shapes of the speed comparison (bench/compare-shapes.sh), plain SGD.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(4)] [Dense(16)] [ReLU] [Dense(3)] [Softmax]
public partial class Shape4x16x3;

/// <summary>784-256-256-256-10.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(256)] [ReLU] [Dense(256)] [ReLU] [Dense(256)] [ReLU] [Dense(10)] [Softmax]
public partial class Shape784x256x3;

/// <summary>784-1024-1024-10: layers larger than L2.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(1024)] [ReLU] [Dense(1024)] [ReLU] [Dense(10)] [Softmax]
public partial class Shape784x1024x2;

/// <summary>784-128-10 with a sigmoid hidden layer: the activations that need e^z.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [Sigmoid] [Dense(10)] [Softmax]
public partial class Mlp128Sigmoid;

/// <summary>784-128-10 with a tanh hidden layer.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [Tanh] [Dense(10)] [Softmax]
public partial class Mlp128Tanh;
