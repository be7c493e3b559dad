using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using NetGen.Samples;

var model = new Option<SampleModel>("--model")
{
    Description = "The network: mlp (784-128-10, SGD) or cnn (two convolutions and pooling, Adam, trained on shifted copies too) [default: mlp]",
    DefaultValueFactory = _ => SampleModel.Mlp,
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (Array.Find(SampleModel.All, m => m.Name == text) is { } found)
        {
            return found;
        }

        result.AddError($"--model must be mlp or cnn, got {text}");
        return null;
    },
};
var data = new Option<DirectoryInfo>("--data")
{
    Description = "Folder of IDX files under the standard MNIST names (train-images-idx3-ubyte[.gz], ...): full MNIST or Fashion-MNIST work too",
    DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "data", "mnist-10k")),
};
var epochs = WholeNumber("--epochs", $"Passes over the training data [default: {SampleModel.Mlp.Defaults.Epochs}, cnn {SampleModel.Cnn.Defaults.Epochs}]", minimum: 1);
var batch = WholeNumber("--batch", $"Samples per update [default: {SampleModel.Mlp.Defaults.BatchSize}, cnn {SampleModel.Cnn.Defaults.BatchSize}]", minimum: 1);
var learningRate = new Option<float?>("--lr")
{
    Description = $"Learning rate [default: {SampleModel.Mlp.Defaults.LearningRate.ToString(CultureInfo.InvariantCulture)}, cnn {SampleModel.Cnn.Defaults.LearningRate.ToString(CultureInfo.InvariantCulture)}]",
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) && lr > 0 && !float.IsInfinity(lr))
        {
            return lr;
        }

        result.AddError($"--lr must be a finite number greater than 0, got {text}");
        return null;
    },
};
var seed = WholeNumber("--seed", $"Seed of the initial weights and of the shuffles [default: {SampleModel.Mlp.Defaults.Seed}]", minimum: int.MinValue);
var copies = WholeNumber("--copies", $"Copies of each training digit shifted by up to two pixels, added to the training data [default: {SampleModel.Mlp.Defaults.Copies}, cnn {SampleModel.Cnn.Defaults.Copies}]", minimum: 0);
var save = new Option<FileInfo?>("--save") { Description = "Where to save the run (safetensors), after every epoch and when interrupted [default: mnist.safetensors, or the --resume file]" };
var load = new Option<FileInfo?>("--load") { Description = "Evaluate the parameters saved in this file instead of training" };
var resume = new Option<FileInfo?>("--resume") { Description = "Continue the run saved in this file (by Ctrl+C or after an epoch) with its settings, to the same result as a run never stopped" };

var root = new RootCommand("Trains NetGen's MNIST classifier (784-128-10, or a CNN with --model cnn) and evaluates it on the test digits. Ctrl+C stops after the current batch and saves the run; --resume continues it.")
{
    model, data, epochs, batch, learningRate, seed, copies, save, load, resume,
};

root.SetAction(parse => new MnistApp(Console.Out, Console.Error).Run(new TrainingSettings(
    parse.GetValue(model)!,
    parse.GetValue(data)!,
    parse.GetValue(epochs),
    parse.GetValue(batch),
    parse.GetValue(learningRate),
    parse.GetValue(seed),
    parse.GetValue(copies),
    parse.GetValue(save),
    parse.GetValue(load),
    parse.GetValue(resume))));

// Errors in one line each, naming the option as typed, and no usage text after them.
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (ParseError error in parsed.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }

    return 1;
}

// The app handles Ctrl+C itself: it stops after the current batch and saves the run.
return parsed.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });

// An integer option whose errors name it as typed: "--epochs must be at least 1, got -3".
static Option<int?> WholeNumber(string name, string description, int minimum) => new(name)
{
    Description = description,
    CustomParser = result =>
    {
        string text = result.Tokens[0].Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"{name} must be a whole number, got {text}");
            return null;
        }

        if (value < minimum)
        {
            result.AddError($"{name} must be at least {minimum}, got {value}");
            return null;
        }

        return value;
    },
};
