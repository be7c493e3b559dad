namespace NetGen.Samples;

/// <summary>
/// A small convolutional network for the digits (LeNet's shape): two 5 x 5 convolutions with max pooling,
/// then two dense layers; the same as PyTorch's
/// <c>nn.Sequential(Conv2d(1, 8, 5), ReLU(), MaxPool2d(2), Conv2d(8, 16, 5), ReLU(), MaxPool2d(2), Flatten(), Linear(256, 64), ReLU(), Linear(64, 10))</c>.
/// Everything else in this class is generated: see obj/generated after a build.
/// </summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam, WeightDecay = 0.0005f)]
[Input(1, 28, 28)]
[Conv2D(8, 5)] [ReLU] [MaxPool2D(2)]
[Conv2D(16, 5)] [ReLU] [MaxPool2D(2)]
[Dense(64)] [ReLU]
[Dense(10, Activation.Softmax)]
public partial class DigitCnn;
