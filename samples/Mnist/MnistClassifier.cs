namespace NetGen.Samples;

/// <summary>
/// The network of design.md: 784 pixels, 128 ReLU units, 10 softmax outputs, cross-entropy, SGD.
/// Everything else in this class is generated: see obj/generated after a build.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128)] [ReLU]
[Dense(10, Activation.Softmax)]
public partial class MnistClassifier;
