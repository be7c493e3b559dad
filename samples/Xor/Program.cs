using System;
using NetGen;
using NetGen.Samples;

// XOR: the classic problem a single layer cannot solve. Two inputs, one hidden layer of four
// sigmoid units, one sigmoid output, squared error, trained one sample at a time with SGD.
ReadOnlySpan<float> inputs = [0, 0, 0, 1, 1, 0, 1, 1];
ReadOnlySpan<float> targets = [0, 1, 1, 0];

var network = new XorNetwork(seed: 1);
Console.WriteLine($"XorNetwork: {XorNetwork.InputSize} inputs, {XorNetwork.OutputSize} output, {XorNetwork.ParameterCount} parameters");

for (int epoch = 1; epoch <= 4000; epoch++)
{
    float loss = 0;
    for (int s = 0; s < 4; s++)
    {
        loss += network.TrainBatch(inputs.Slice(s * 2, 2), targets.Slice(s, 1), learningRate: 2f);
    }

    if (epoch % 500 == 0)
    {
        Console.WriteLine($"epoch {epoch,4}: mean loss {loss / 4:F6}");
    }
}

Span<float> output = stackalloc float[1];
for (int s = 0; s < 4; s++)
{
    network.Forward(inputs.Slice(s * 2, 2), output);
    Console.WriteLine($"{inputs[s * 2]} xor {inputs[(s * 2) + 1]} = {output[0]:F3} (expected {targets[s]})");
}

namespace NetGen.Samples
{
    /// <summary>2 inputs, 4 sigmoid hidden units, 1 sigmoid output.</summary>
    [Network(Loss = Loss.SquaredError)]
    [Input(2)]
    [Dense(4)] [Sigmoid]
    [Dense(1, Activation.Sigmoid)]
    public partial class XorNetwork;
}
