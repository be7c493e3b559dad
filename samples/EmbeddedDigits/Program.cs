using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Samples;

// Everything from the first line of Main to the first digit recognised: constructing the network decodes
// its compiled-in parameters; no file is opened. The digit is the first of six kept raw in the binary (the
// 2,000 test digits, compressed, take longer to read than the network takes to start). The runtime's own
// start before Main is measured from outside, by bench/startup.sh.
long main = Stopwatch.GetTimestamp();
var network = new DigitRecognizer();
Dataset shown = Digits("shown-images-idx3-ubyte", "shown-labels-idx1-ubyte");
ClassPrediction first = network.Classify(shown.GetFeatures(0));
TimeSpan toFirst = Stopwatch.GetElapsedTime(main);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"DigitRecognizer {DigitRecognizer.InputSize}-128-{DigitRecognizer.OutputSize}, {DigitRecognizer.ParameterCount:N0} parameters compiled in; first digit recognised {toFirst.TotalMilliseconds:F2} ms after Main started"));
if (args is ["--first"])
{
    return 0; // bench/startup.sh: process start to the first prediction, nothing more
}

// A few digits as a person sees them, and what the network says.
Console.WriteLine();
Show(network, shown);

// Latency of one digit, one thread: the median of 20 rounds over the 2,000 test digits.
Dataset test = Digits("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
var output = new float[DigitRecognizer.OutputSize];
var rounds = new double[20];
for (int round = -3; round < rounds.Length; round++)
{
    long start = Stopwatch.GetTimestamp();
    for (int s = 0; s < test.Count; s++)
    {
        network.Forward(test.GetFeatures(s), output);
    }

    if (round >= 0)
    {
        rounds[round] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / test.Count;
    }
}

Array.Sort(rounds);
Evaluation evaluation = Evaluator.Evaluate(network, test);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Accuracy {evaluation.Accuracy:P2} on the {test.Count:N0} test digits shipped in the repository; {rounds[rounds.Length / 2]:F2} us per digit (median of {rounds.Length} rounds, one thread)"));
return 0;

// Digits embedded in the binary as resources: it needs no file beside it.
static Dataset Digits(string imagesName, string labelsName)
{
    using Stream images = Resource(imagesName), labels = Resource(labelsName);
    return Mnist.ReadSet(images, labels, imagesName, labelsName);
}

static Stream Resource(string name) =>
    typeof(DigitRecognizer).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"The resource {name} is not in the assembly.");

// Digits side by side at half size, each with its label and the network's prediction.
static void Show(DigitRecognizer network, Dataset digits)
{
    const string Shades = " .:-=+*#%@";
    var lines = new System.Text.StringBuilder[14];
    for (int row = 0; row < lines.Length; row++)
    {
        lines[row] = new System.Text.StringBuilder();
    }

    var captions = new System.Text.StringBuilder();
    for (int index = 0; index < digits.Count; index++)
    {
        ReadOnlySpan<float> pixels = digits.GetFeatures(index);
        for (int row = 0; row < 14; row++)
        {
            for (int column = 0; column < 14; column++)
            {
                float mean = (pixels[(2 * row * 28) + (2 * column)] + pixels[(2 * row * 28) + (2 * column) + 1] +
                    pixels[(((2 * row) + 1) * 28) + (2 * column)] + pixels[(((2 * row) + 1) * 28) + (2 * column) + 1]) / 4;
                lines[row].Append(Shades[Math.Min(Shades.Length - 1, (int)(mean * Shades.Length))]);
            }

            lines[row].Append("      ");
        }

        ClassPrediction prediction = network.Classify(pixels);
        string caption = string.Create(CultureInfo.InvariantCulture, $"{digits.Labels[index]}: says {prediction.Class}, {100 * prediction.Probability:F0}%");
        captions.Append(caption.PadRight(20));
    }

    foreach (System.Text.StringBuilder line in lines)
    {
        Console.WriteLine(line.ToString().TrimEnd());
    }

    Console.WriteLine(captions.ToString().TrimEnd());
    Console.WriteLine();
}
