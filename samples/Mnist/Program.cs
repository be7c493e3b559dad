using System;
using System.CommandLine;
using System.IO;
using NetGen.Samples;

var data = new Option<DirectoryInfo>("--data")
{
    Description = "Folder of IDX files under the standard MNIST names (train-images-idx3-ubyte[.gz], ...): full MNIST or Fashion-MNIST work too",
    DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "data", "mnist-10k")),
};
var epochs = new Option<int>("--epochs") { Description = "Passes over the training data", DefaultValueFactory = _ => TrainingSettings.Default.Epochs };
var batch = new Option<int>("--batch") { Description = "Samples per update", DefaultValueFactory = _ => TrainingSettings.Default.BatchSize };
var learningRate = new Option<float>("--lr") { Description = "Learning rate of SGD", DefaultValueFactory = _ => TrainingSettings.Default.LearningRate };
var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and of the shuffles", DefaultValueFactory = _ => TrainingSettings.Default.Seed };
var save = new Option<FileInfo>("--save") { Description = "Where to save the trained parameters (safetensors)", DefaultValueFactory = _ => new FileInfo("mnist.safetensors") };
var load = new Option<FileInfo?>("--load") { Description = "Evaluate the parameters saved in this file instead of training" };

var root = new RootCommand("Trains NetGen's 784-128-10 MNIST classifier and evaluates it on the test digits.")
{
    data, epochs, batch, learningRate, seed, save, load,
};

root.SetAction(parse => new MnistApp(Console.Out).Run(new TrainingSettings(
    parse.GetValue(data)!,
    parse.GetValue(epochs),
    parse.GetValue(batch),
    parse.GetValue(learningRate),
    parse.GetValue(seed),
    parse.GetValue(save)!,
    parse.GetValue(load))));

return root.Parse(args).Invoke();
