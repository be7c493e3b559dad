namespace NetGen.OnnxPeer;

// The networks of the comparison, their weights compiled in from models/*.safetensors (export_models.py
// writes the same weights as models/*.onnx for ONNX Runtime).

[Network(Loss = Loss.CrossEntropy, Weights = "models/tiny.safetensors", InferenceOnly = true)]
[Input(4)] [Dense(16)] [ReLU] [Dense(3)] [Softmax]
public partial class Tiny;

[Network(Loss = Loss.CrossEntropy, Weights = "models/mnist.safetensors", InferenceOnly = true)]
[Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]
public partial class Mnist;

[Network(Loss = Loss.CrossEntropy, Weights = "models/deep.safetensors", InferenceOnly = true)]
[Input(784)] [Dense(256)] [ReLU] [Dense(256)] [ReLU] [Dense(256)] [ReLU] [Dense(10)] [Softmax]
public partial class Deep;

[Network(Loss = Loss.CrossEntropy, Weights = "models/wide.safetensors", InferenceOnly = true)]
[Input(784)] [Dense(1024)] [ReLU] [Dense(1024)] [ReLU] [Dense(10)] [Softmax]
public partial class Wide;
