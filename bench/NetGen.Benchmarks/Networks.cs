namespace NetGen.Benchmarks;

/// <summary>The contract's MNIST classifier: 784-128-10, ReLU, softmax, cross-entropy, SGD.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mnist128;

/// <summary>A deeper classifier: 784-256-128-10.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(256)] [ReLU] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mnist256x128;
