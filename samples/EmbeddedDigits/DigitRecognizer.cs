namespace NetGen.Samples;

/// <summary>
/// The MNIST sample's network with the parameters it trained compiled in (digits.safetensors, beside this
/// file): inference only, so one instance serves every thread, and nothing is read at run time.
/// </summary>
[Network(Loss = Loss.CrossEntropy, Weights = "digits.safetensors", InferenceOnly = true)]
[Input(784)]
[Dense(128)] [ReLU]
[Dense(10, Activation.Softmax)]
public partial class DigitRecognizer;
