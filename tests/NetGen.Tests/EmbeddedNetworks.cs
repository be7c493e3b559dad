namespace NetGen.Tests;

// Networks whose parameters are compiled in ([Network(Weights = ...)]), and their twins that load the same
// file at run time.

/// <summary>PyTorch's small model (samples/PyTorch/train.py --tiny), compiled in, inference only.</summary>
[Network(Loss = Loss.CrossEntropy, Weights = "Models/pytorch-tiny.safetensors", InferenceOnly = true)]
[Input(6)] [Dense(8)] [Tanh] [Dense(8)] [ReLU] [Dense(4)] [Softmax]
public partial class PyTorchTiny;

/// <summary>The same layers, trainable, without weights: loads the file at run time.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(6)] [Dense(8)] [Tanh] [Dense(8)] [ReLU] [Dense(4)] [Softmax]
public partial class PyTorchTinyLoaded;

/// <summary>The digits the MNIST sample trained, compiled in, inference only: its first layer shares a sample between cores.</summary>
[Network(Loss = Loss.CrossEntropy, Weights = "digits.safetensors", InferenceOnly = true)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class EmbeddedDigits;

/// <summary>The same weights compiled into a trainable network, to fine-tune from them.</summary>
[Network(Loss = Loss.CrossEntropy, Weights = "digits.safetensors")]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class FineTunedDigits;

/// <summary>An inference-only network without weights: loads a checkpoint at run time.</summary>
[Network(Loss = Loss.CrossEntropy, InferenceOnly = true)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class InferenceDigits;

/// <summary>The trainable network the sample trained, loading its file at run time.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class LoadedDigits;
