using System;
using System.CommandLine;
using NetGen.Measure;

// The NetGen side of bench/compare-pytorch.sh. Every command prints JSON lines.
var network = new Option<string>("--network") { Description = "mlp128, mlp128-momentum, mlp128-adam or mlp512x256-adam", DefaultValueFactory = _ => "mlp128" };
var data = new Option<string>("--data") { Description = "Folder of IDX files under the standard MNIST names", Required = true };
var batch = new Option<int>("--batch") { Description = "Samples per update", DefaultValueFactory = _ => 64 };
var learningRate = new Option<float>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.1f };
var seed = new Option<int>("--seed") { Description = "Seed of the initial parameters (and of the shuffles for converge)", DefaultValueFactory = _ => 1 };
var threads = new Option<int>("--threads") { Description = "WorkerPool.MaxThreads", DefaultValueFactory = _ => 1 };
var minWork = new Option<long?>("--min-work") { Description = "WorkerPool.MinWorkPerThread (multiply-adds a thread must get before a batch is split)" };
var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 1 };
var init = new Option<string?>("--init") { Description = "Save the initial parameters here (safetensors)" };
var save = new Option<string?>("--save") { Description = "Save the trained parameters here (safetensors)" };
var load = new Option<string>("--load") { Description = "Parameters to evaluate (safetensors)", Required = true };
var seconds = new Option<double>("--seconds") { Description = "How long to measure", DefaultValueFactory = _ => 3 };
var target = new Option<double>("--target") { Description = "Test accuracy to reach, in [0, 1]", Required = true };
var cosine = new Option<bool>("--cosine") { Description = "Cosine learning-rate schedule over the epochs" };

var peak = new Command("peak", "Single-core FP32 FMA peak in GFLOP/s") { seconds };
peak.SetAction(p => Measurements.Peak(p.GetValue(seconds)));

var train = new Command("train", "Train in the files' order in this fresh process; one line per epoch") { network, data, batch, learningRate, seed, threads, minWork, epochs, init, save };
train.SetAction(p => Measurements.Train(p.GetValue(network)!, p.GetValue(data)!, p.GetValue(batch), p.GetValue(learningRate), p.GetValue(seed), p.GetValue(threads), p.GetValue(minWork), p.GetValue(epochs), p.GetValue(init), p.GetValue(save)));

var evaluate = new Command("evaluate", "Test accuracy of saved parameters (NetGen's or PyTorch's)") { network, data, load };
evaluate.SetAction(p => Measurements.Evaluate(p.GetValue(network)!, p.GetValue(data)!, p.GetValue(load)!));

var converge = new Command("converge", "Epochs and training seconds to reach a test accuracy") { network, data, batch, learningRate, seed, epochs, target, cosine };
converge.SetAction(p => Measurements.Converge(p.GetValue(network)!, p.GetValue(data)!, p.GetValue(batch), p.GetValue(learningRate), p.GetValue(seed), p.GetValue(epochs), p.GetValue(target), p.GetValue(cosine)));

var calls = new Option<int>("--calls") { Description = "Calls to time", DefaultValueFactory = _ => 20000 };
var latency = new Command("latency", "Per-call time distribution of Forward, TrainBatch of one sample and TrainSequential") { network, threads, calls };
latency.SetAction(p => Latency.Run(p.GetValue(network)!, p.GetValue(threads), p.GetValue(calls)));

var busy = new Option<int>("--busy") { Description = "Threads that keep cores busy meanwhile", DefaultValueFactory = _ => Environment.ProcessorCount };
var operation = new Option<string>("--operation") { Description = "predict-1024, train-sequential-64 (per-sample SGD on 64 samples), train-batch-64 or train-batch-256", DefaultValueFactory = _ => "predict-1024" };
var alternate = new Option<int>("--alternate") { Description = "Alternate the timed calls in blocks of this many between one thread and --threads (as many of each), so that both ways see the same minutes of the host; 0: --threads only", DefaultValueFactory = _ => 0 };
var loaded = new Command("loaded", "Predict of 1,024 samples (or --operation) while other threads keep the cores busy: the distribution of the calls' times") { network, threads, busy, calls, operation, alternate };
loaded.SetAction(p => Loaded.Run(p.GetValue(network)!, p.GetValue(threads), p.GetValue(busy), p.GetValue(calls), p.GetValue(operation)!, p.GetValue(alternate)));

var only = new Option<string?>("--only") { Description = "Measure only the operations whose name starts with this (predict, train-batch-256, ...), for a profiler" };
var shapes = new Command("shapes", "Samples/s of Predict 1,024, TrainBatch 64 and 256, TrainBatch 1, TrainSequential, on one network") { network, threads, seconds, only };
shapes.SetAction(p => Shapes.Run(p.GetValue(network)!, p.GetValue(threads), p.GetValue(seconds), p.GetValue(only)));

var forward = new Command("forward", "One sample's Forward in a tight loop: ns per call, best of 30 rounds of 1M") { network };
forward.SetAction(p => ForwardLoop.Run(p.GetValue(network)!));

var gemmRows = new Option<int>("--rows") { Description = "Rows of A and C (samples)", DefaultValueFactory = _ => 1020 };
var gemmSteps = new Option<int>("--steps") { Description = "Length of the sums (inputs)", DefaultValueFactory = _ => 1024 };
var gemmColumns = new Option<int>("--columns") { Description = "Columns of B and C (units)", DefaultValueFactory = _ => 1024 };
var gemmRowStride = new Option<int>("--b-row-stride") { Description = "Read B row-major with rows this many floats apart (as the batch backward product reads W in padded rows) instead of in panels; 0: panels", DefaultValueFactory = _ => 0 };
var gemmATransposed = new Option<int>("--a-transposed-stride") { Description = "Read A down the columns of its transpose, stored with rows this many floats apart (as the weight-gradient product reads dE/dZ in padded rows) instead of along its own rows; 0: rows", DefaultValueFactory = _ => 0 };
var gemm = new Command("gemm", "The batch product alone at the widest vector: GFLOP/s, best of 30 rounds, and this core's FMA peak") { gemmRows, gemmSteps, gemmColumns, gemmRowStride, gemmATransposed, seconds };
gemm.SetAction(p => GemmKernel.Run(p.GetValue(gemmRows), p.GetValue(gemmSteps), p.GetValue(gemmColumns), p.GetValue(gemmRowStride), p.GetValue(gemmATransposed), p.GetValue(seconds)));

var root = new RootCommand("Measures NetGen's generated networks for bench/compare-pytorch.sh") { peak, train, evaluate, converge, latency, loaded, shapes, forward, gemm };
return root.Parse(args).Invoke();
