namespace NetGen.Runtime.Tests;

/// <summary>The MNIST shape of the contract.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10, Activation.Softmax)]
public partial class DigitNet;

/// <summary>A small classifier with an identity layer in the middle, so module indices skip unevenly.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(4)] [Dense(5)] [Tanh] [Dense(6)] [Dense(3)] [Softmax]
public partial class TinyNet;

/// <summary>Adam, to check that optimizer state is saved and restored.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam, WeightDecay = 0.01f)]
[Input(4)] [Dense(5)] [ReLU] [Dense(3)] [Softmax]
public partial class TinyAdamNet;

/// <summary>Momentum, to check that optimizer state is saved and restored.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Momentum)]
[Input(4)] [Dense(5)] [ReLU] [Dense(3)] [Softmax]
public partial class TinyMomentumNet;

/// <summary>A regression network: squared error, one output.</summary>
[Network]
[Input(3)] [Dense(8)] [Tanh] [Dense(1)]
public partial class RegressionNet;
