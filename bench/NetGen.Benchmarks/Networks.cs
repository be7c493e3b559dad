namespace NetGen.Benchmarks;

/// <summary>The contract's MNIST classifier: 784-128-10, ReLU, softmax, cross-entropy, SGD.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mnist128;

/// <summary>A deeper classifier: 784-256-128-10.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(256)] [ReLU] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mnist256x128;

/// <summary>The CNN of the convolution issue: Conv2d(1, 8, 5), ReLU, MaxPool2d(2), Conv2d(8, 16, 5), ReLU, MaxPool2d(2), Flatten, Linear(256, 64), ReLU, Linear(64, 10).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(8, 5)] [ReLU] [MaxPool2D(2)]
[Conv2D(16, 5)] [ReLU] [MaxPool2D(2)]
[Dense(64)] [ReLU]
[Dense(10)] [Softmax]
public partial class LeNetCnn;
