namespace NetGen.Tests;

// The convolutional networks under test: between them, every kind of spatial layer, stride 1 on the
// vector paths (rows of 24, 8, 6 and 4 columns), strides of 2 with padding on the direct path, three input
// channels, a kernel of 1 and one of the input's full size, pooling windows that overlap, activations on
// convolutions and after pooling, and every optimizer.

/// <summary>The sample's network: LeNet-like, MNIST-sized.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(8, 5)] [ReLU] [MaxPool2D(2)]
[Conv2D(16, 5)] [ReLU] [MaxPool2D(2)]
[Dense(64)] [ReLU]
[Dense(10)] [Softmax]
public partial class LeNetCnn;

/// <summary>A 7 x 9 input of three channels, stride 2 and padding 2, overlapping average pooling, a 1 x 1 kernel.</summary>
[Network]
[Input(3, 7, 9)]
[Conv2D(4, 3, Activation.Tanh, Stride = 2, Padding = 2)]
[AvgPool2D(2, Stride = 1)]
[Conv2D(2, 1)] [LeakyReLU(0.1f)]
[Dense(3)]
public partial class OddShapesCnn;

/// <summary>A kernel the input's full size (one output per filter), padding on the vector path, BCE.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2, 10, 12)]
[Conv2D(5, 3, Activation.ReLU, Padding = 1)] [MaxPool2D(2)]
[Conv2D(3, 5)] [Sigmoid]
[Dense(2)] [Sigmoid]
public partial class FullKernelCnn;

/// <summary>Adam on a small CNN whose pooling has an activation after it: the optimizer's path through GradientBatch.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam)]
[Input(1, 9, 9)]
[Conv2D(3, 2)] [MaxPool2D(2)] [ReLU]
[Dense(4)] [Softmax]
public partial class AdamCnn;

/// <summary>SGD with weight decay over a convolution, and momentum's state: a dense layer straight after an image input.</summary>
[Network(Loss = Loss.SquaredError, WeightDecay = 0.05f)]
[Input(2, 6, 6)]
[Conv2D(4, 3)] [Tanh]
[Dense(3)]
public partial class DecayCnn;

/// <summary>Momentum; an image input flattened straight into a dense layer.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Momentum)]
[Input(2, 3, 4)]
[Dense(5)] [ReLU]
[Dense(3)] [Softmax]
public partial class FlattenOnlyNet;

/// <summary>Dropout after a convolution and between dense layers.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 8, 8)]
[Conv2D(4, 3)] [ReLU] [Dropout(0.5f)] [MaxPool2D(2)]
[Dense(16)] [ReLU] [Dropout(0.25f)]
[Dense(3)] [Softmax]
public partial class DropoutCnn;

/// <summary>Dropout on the inputs, for the mask's statistics: a single weighted sum of the kept inputs.</summary>
[Network]
[Input(400)] [Dropout(0.25f)] [Dense(1)]
public partial class InputDropoutNet;

/// <summary>Two channels through a 1 x 1 convolution and a max pool, to see which input of a tied window gets the gradient.</summary>
[Network]
[Input(2, 2, 2)] [Conv2D(1, 1)] [MaxPool2D(2)] [Dense(1)]
public partial class PoolTieNet;

/// <summary>PyTorch's small CNN (samples/PyTorch/train.py --cnn), compiled in, inference only.</summary>
[Network(Loss = Loss.CrossEntropy, Weights = "Models/pytorch-cnn.safetensors", InferenceOnly = true)]
[Input(2, 10, 12)]
[Conv2D(4, 3, Padding = 1)] [ReLU] [MaxPool2D(2)]
[Conv2D(6, 3, Stride = 2)] [Tanh] [AvgPool2D(2, Stride = 1)]
[Dense(5)] [Softmax]
public partial class PyTorchCnn;

/// <summary>The same layers, trainable, without weights: loads PyTorch's file at run time.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 10, 12)]
[Conv2D(4, 3, Padding = 1)] [ReLU] [MaxPool2D(2)]
[Conv2D(6, 3, Stride = 2)] [Tanh] [AvgPool2D(2, Stride = 1)]
[Dense(5)] [Softmax]
public partial class PyTorchCnnLoaded;

/// <summary>Four 2 x 2 windows in a row: the vector path of max pooling's backward pass, with ties placed in each.</summary>
[Network]
[Input(2, 2, 8)] [Conv2D(1, 1)] [MaxPool2D(2)] [Dense(1)]
public partial class PoolTieRowNet;

/// <summary>A smooth network with dropout between a convolution and the output, for finite differences through the mask.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 6, 6)] [Conv2D(2, 3)] [Tanh] [Dropout(0.5f)] [Dense(3)] [Softmax]
public partial class SmoothDropoutNet;
