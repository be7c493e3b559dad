namespace NetGen.Samples.Tests;

/// <summary>The sample's network, declared again: the tests read the sample's checkpoints into it.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128)] [ReLU]
[Dense(10, Activation.Softmax)]
public partial class SampleNetwork;
