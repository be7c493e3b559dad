namespace NetGen.Tests;

// The networks under test. Between them they cover every activation, every loss and every optimizer,
// layer sizes on and off the vector widths (16, 8, 4), a single output, a single layer and depth 5.

/// <summary>ReLU hidden layer, softmax output fused with cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(13)] [Dense(9)] [ReLU] [Dense(7)] [Softmax]
public partial class ReluSoftmaxNet;

/// <summary>LeakyReLU and tanh hidden layers, sigmoid output fused with binary cross-entropy.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)] [Dense(11, Activation.LeakyReLU, Alpha = 0.1f)] [Dense(6, Activation.Tanh)] [Dense(3)] [Sigmoid]
public partial class LeakyTanhBceNet;

/// <summary>Linear layers only, one output, squared error.</summary>
[Network]
[Input(7)] [Dense(5)] [Dense(1)]
public partial class LinearRegressionNet;

/// <summary>Sigmoid hidden layer, tanh output, squared error.</summary>
[Network(Loss = Loss.SquaredError)]
[Input(3)] [Dense(17, Activation.Sigmoid)] [Dense(2, Activation.Tanh)]
public partial class SigmoidTanhNet;

/// <summary>Squared error through a softmax: exercises the softmax Jacobian rather than the fused gradient.</summary>
[Network]
[Input(6)] [Dense(4)] [LeakyReLU] [Dense(5)] [Softmax]
public partial class SoftmaxSquaredErrorNet;

/// <summary>One dense layer: the first layer is also the last.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(4)] [Dense(1)] [Sigmoid]
public partial class LogisticNet;

/// <summary>
/// Rows of 4 inputs (one 128-bit vector each) in a layer of 35 units: with AVX-512 one sample's product runs
/// 16 rows at a time in 512-bit registers, then the last 3 rows as single vectors; SGD keeps the rows apart.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(4)] [Dense(35)] [ReLU] [Dense(3)] [Softmax]
public partial class FourInputNet;

/// <summary>Five layers with sizes around the vector widths.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(33)]
[Dense(31)] [ReLU]
[Dense(19)] [LeakyReLU(0.05f)]
[Dense(17)] [Tanh]
[Dense(16)] [Sigmoid]
[Dense(10)] [Softmax]
public partial class DeepNet;

/// <summary>
/// Layers whose rows are an even number of cache lines (256 inputs): the batch backward pass reads W from a
/// padded copy, and the forward product packs W^T with padded rows.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(24)]
[Dense(256)] [ReLU]
[Dense(256)] [ReLU]
[Dense(5)] [Softmax]
public partial class PaddedRowsNet;

/// <summary>
/// A layer of 300 inputs and 256 units, large enough that the weight-gradient product packs X in panels of 16
/// inputs (the last panel 12 inputs and 4 lanes of padding) and reads dE/dZ from a copy with padded rows.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(8)]
[Dense(300)] [ReLU]
[Dense(256)] [ReLU]
[Dense(3)] [Softmax]
public partial class PackedInputsNet;

/// <summary>
/// Adam on a first layer large enough (300 x 260 weights) that the gradient product, which Adam's step reads
/// (not SGD's fused update), packs X in panels, the last one 12 inputs and 4 lanes of padding.
/// </summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam)]
[Input(300)] [Dense(260)] [ReLU] [Dense(4)] [Softmax]
public partial class AdamPackedInputsNet;

/// <summary>
/// A later layer large enough (512 x 512 weights) that per-sample SGD splits its forward pass and its step
/// between cores by rows of W, summing dE/dx over blocks of 64 rows; the first layer, 8 x 512, is too small to
/// split its own.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(8)]
[Dense(512)] [ReLU]
[Dense(512)] [ReLU]
[Dense(3)] [Softmax]
public partial class SharedLaterLayerNet;

/// <summary>The MNIST shape of the contract.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10, Activation.Softmax)]
public partial class MnistNet;

/// <summary>Classical momentum with L2 weight decay.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Momentum, Momentum = 0.8f, WeightDecay = 0.01f)]
[Input(6)] [Dense(8)] [Tanh] [Dense(3)] [Softmax]
public partial class MomentumNet;

/// <summary>Adam with PyTorch's defaults.</summary>
[Network(Loss = Loss.SquaredError, Optimizer = Optimizer.Adam)]
[Input(6)] [Dense(8)] [ReLU] [Dense(2)]
public partial class AdamNet;

/// <summary>Adam with decoupled weight decay (AdamW) and non-default betas.</summary>
[Network(Loss = Loss.BinaryCrossEntropy, Optimizer = Optimizer.Adam, Beta1 = 0.8f, Beta2 = 0.99f, Epsilon = 1e-6f, WeightDecay = 0.05f)]
[Input(6)] [Dense(8)] [Sigmoid] [Dense(2)] [Sigmoid]
public partial class AdamWNet;

/// <summary>Dropout between dense layers: in inference it passes its input through.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(50)] [Dense(40)] [ReLU] [Dropout(0.3f)] [Dense(5)] [Softmax]
public partial class DropoutMlp;

/// <summary>Plain SGD with L2 weight decay.</summary>
[Network(Loss = Loss.SquaredError, WeightDecay = 0.1f)]
[Input(6)] [Dense(8)] [Tanh] [Dense(2)]
public partial class SgdDecayNet;

/// <summary>The seeds' XOR network.</summary>
[Network]
[Input(2)] [Dense(4)] [Sigmoid] [Dense(1)] [Sigmoid]
public partial class XorNet;

/// <summary>A small classifier for a synthetic separable problem.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2)] [Dense(16)] [ReLU] [Dense(3)] [Softmax]
public partial class BlobClassifier;
