using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

// The TorchSharp side of bench/compare-shapes.sh: the operations of `netgen-measure shapes` and of
// compare_shapes.py (PyTorch) on the same network shape, timed the same way. Predict of 1,024 and 64
// samples (inference mode, softmax outputs), TrainBatch of 64, 256 and 1 sample (forward, cross-entropy,
// backward, SGD step), and per-sample SGD over 64 samples; random inputs; torch.set_num_threads(threads).
// Every call runs in a dispose scope, as a .NET program using TorchSharp should, so no tensor waits for the
// finalizer. One JSON line per operation, samples per second as the median of timed rounds.
//
//   torchsharp-peer --network 784-128-10 [--threads 1] [--seconds 3]
string networkName = "784-128-10";
int threads = 1;
double seconds = 3;
for (int a = 0; a + 1 < args.Length; a += 2)
{
    switch (args[a])
    {
        case "--network": networkName = args[a + 1]; break;
        case "--threads": threads = int.Parse(args[a + 1], CultureInfo.InvariantCulture); break;
        case "--seconds": seconds = double.Parse(args[a + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[a]}; usage: torchsharp-peer --network N [--threads T] [--seconds S]"); return 2;
    }
}

torch.set_num_threads(threads);
torch.manual_seed(1);
const int Samples = 1024;
Module<Tensor, Tensor> model;
Tensor x, labels;
if (networkName == "cnn")
{
    // The CNN of the convolution issue, as NetGen's `cnn` declares it.
    model = Sequential(
        Conv2d(1, 8, 5), ReLU(), MaxPool2d(2),
        Conv2d(8, 16, 5), ReLU(), MaxPool2d(2),
        Flatten(), Linear(256, 64), ReLU(), Linear(64, 10));
    x = rand(Samples, 1, 28, 28);
    labels = randint(0, 10, [Samples]);
}
else
{
    int[] sizes = networkName.Split('-').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    var layers = new List<Module<Tensor, Tensor>>();
    for (int i = 0; i + 1 < sizes.Length; i++)
    {
        layers.Add(Linear(sizes[i], sizes[i + 1]));
        if (i + 2 < sizes.Length)
        {
            layers.Add(ReLU());
        }
    }

    model = Sequential(layers);
    x = rand(Samples, sizes[0]);
    labels = randint(0, sizes[^1], [Samples]);
}

var optimizer = optim.SGD(model.parameters(), 1e-4);
var lossFunction = CrossEntropyLoss();

void Predict(int count)
{
    using var scope = NewDisposeScope();
    using var mode = inference_mode();
    _ = softmax(model.call(x.narrow(0, 0, count)), 1);
}

int at = 0;
void Train(int batch)
{
    using var scope = NewDisposeScope();
    optimizer.zero_grad();
    lossFunction.call(model.call(x.narrow(0, at, batch)), labels.narrow(0, at, batch)).backward();
    optimizer.step();
    at = (at + batch) % (Samples - batch + 1);
}

void Sequential64()
{
    for (int s = 0; s < 64; s++)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        lossFunction.call(model.call(x.narrow(0, s, 1)), labels.narrow(0, s, 1)).backward();
        optimizer.step();
    }
}

Measure("predict-1024", Samples, () => Predict(Samples));
Measure("predict-64", 64, () => Predict(64));
foreach (int batch in new[] { 64, 256, 1 })
{
    at = 0;
    Measure($"train-batch-{batch}", batch, () => Train(batch));
}

Measure("train-sequential-64", 64, Sequential64);
return 0;

void Measure(string operation, int samplesPerCall, Action call)
{
    for (int i = 0; i < 3; i++)
    {
        call();
    }

    long start = Stopwatch.GetTimestamp();
    call();
    double once = Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-7);
    int callsPerRound = (int)Math.Clamp(0.02 / once, 1, 1_000_000); // rounds of about 20 ms
    var rounds = new List<double>();
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds || rounds.Count < 5)
    {
        start = Stopwatch.GetTimestamp();
        for (int c = 0; c < callsPerRound; c++)
        {
            call();
        }

        rounds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds / callsPerRound);
    }

    rounds.Sort();
    double samplesPerSecond = samplesPerCall / rounds[rounds.Count / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $$"""{"side": "torchsharp", "network": "{{networkName}}", "threads": {{threads}}, "operation": "{{operation}}", "samples_per_second": {{samplesPerSecond:F1}}, "torchsharp": "{{torch.__version__}}"}"""));
}
