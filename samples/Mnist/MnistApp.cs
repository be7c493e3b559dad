using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen.Checkpoints;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Samples;

/// <summary>Loads the digits, trains or loads the classifier, and shows what it learned.</summary>
internal sealed class MnistApp(TextWriter output)
{
    private readonly IAnsiConsole _console = CreateConsole(output);

    /// <summary>
    /// Colours and live progress bars on a terminal; plain text when the output goes to a file or a pipe
    /// (CI logs): no ANSI escapes, and lines as long as they are rather than wrapped at 80 columns.
    /// </summary>
    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        bool plain = ReferenceEquals(output, Console.Out) ? Console.IsOutputRedirected : output is not StreamWriter { BaseStream: FileStream };
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (plain)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    public int Run(TrainingSettings settings)
    {
        try
        {
            return settings.Load is null ? Train(settings) : Evaluate(settings);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            // A bad folder or a corrupt file: one clear line on stderr, no stack trace.
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    private int Train(TrainingSettings settings)
    {
        (Dataset train, Dataset test) = LoadData(settings.Data);
        var network = new MnistClassifier(settings.Seed);
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
            Seed = settings.Seed,
        });

        _console.MarkupLine($"[bold]MnistClassifier[/] {MnistClassifier.InputSize}-128-{MnistClassifier.OutputSize}, {MnistClassifier.ParameterCount:N0} parameters; " +
            $"{train.Count:N0} training and {test.Count:N0} test digits from {Markup.Escape(settings.Data.FullName)}");
        _console.MarkupLine($"SGD, learning rate {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}, batches of {settings.BatchSize}, {settings.Epochs} epochs, seed {settings.Seed}");

        var clock = Stopwatch.StartNew();
        TrainingResult result = _console.Profile.Capabilities.Interactive
            ? TrainWithProgressBars(trainer, network, train, test, settings.Epochs)
            : trainer.Train(network, train, test, new SynchronousProgress<EpochReport>(report => _console.MarkupLine(Describe(report))));
        clock.Stop();

        if (result.Outcome == TrainingOutcome.Diverged)
        {
            _console.MarkupLine($"[red]{Markup.Escape(result.Message)}[/]");
            return 2;
        }

        Evaluation.Evaluation evaluation = Evaluator.Evaluate(network, test);
        ShowConfusion(evaluation.Confusion!);
        _console.MarkupLine($"[bold]Test accuracy {evaluation.Accuracy:P2}[/] ({evaluation.Confusion!.Total:N0} digits), mean loss {evaluation.Loss:F4}, trained in {clock.Elapsed.TotalSeconds:F1} s");

        Checkpoint.Save(network, settings.Save.FullName, new System.Collections.Generic.Dictionary<string, string>
        {
            [Checkpoint.EpochKey] = settings.Epochs.ToString(CultureInfo.InvariantCulture),
        });
        _console.MarkupLine($"Saved the parameters to {Markup.Escape(settings.Save.FullName)}; evaluate them again with --load.");
        return 0;
    }

    /// <summary>A live progress bar per epoch, which becomes the epoch's summary when it completes.</summary>
    private TrainingResult TrainWithProgressBars(Trainer trainer, MnistClassifier network, Dataset train, Dataset test, int epochCount)
    {
        TrainingResult result = null!;
        _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask? bar = null;
                var batches = new SynchronousProgress<BatchReport>(report =>
                {
                    bar ??= context.AddTask($"epoch {report.Epoch,2}/{epochCount}", maxValue: report.BatchCount);
                    bar.Value = report.Batch;
                });
                var epochs = new SynchronousProgress<EpochReport>(report =>
                {
                    bar!.Description = Describe(report);
                    bar.StopTask();
                    bar = null;
                });
                result = trainer.Train(network, train, test, epochs, batches);
            });
        return result;
    }

    private static string Describe(EpochReport report) =>
        $"epoch {report.Epoch,2}/{report.Epochs}  loss {report.TrainLoss:F4}  train accuracy {report.TrainAccuracy,7:P2}  " +
        $"test loss {report.Validation!.Loss:F4}  test accuracy {report.Validation.Accuracy,7:P2}  {report.SamplesPerSecond,7:N0} samples/s";

    private int Evaluate(TrainingSettings settings)
    {
        Dataset test = Mnist.LoadSet(settings.Data.FullName, "t10k");
        var network = new MnistClassifier();
        Checkpoint.Load(network, settings.Load!.FullName);
        Evaluation.Evaluation evaluation = Evaluator.Evaluate(network, test);
        ShowConfusion(evaluation.Confusion!);
        _console.MarkupLine($"[bold]Test accuracy {evaluation.Accuracy:P2}[/] ({evaluation.Count:N0} digits) of the parameters in {Markup.Escape(settings.Load.FullName)}, mean loss {evaluation.Loss:F4}");
        return 0;
    }

    private static (Dataset Train, Dataset Test) LoadData(DirectoryInfo folder) => Mnist.Load(folder.FullName);

    private void ShowConfusion(ConfusionMatrix confusion)
    {
        var table = new Table().Title("Confusion matrix: rows are the true digits, columns the predictions").Border(_console.Profile.Capabilities.Ansi ? TableBorder.Rounded : TableBorder.Ascii);
        table.AddColumn(new TableColumn("digit").RightAligned());
        for (int p = 0; p < confusion.ClassCount; p++)
        {
            table.AddColumn(new TableColumn(p.ToString(CultureInfo.InvariantCulture)).RightAligned());
        }

        table.AddColumn(new TableColumn("recall").RightAligned());
        for (int a = 0; a < confusion.ClassCount; a++)
        {
            var cells = new string[confusion.ClassCount + 2];
            cells[0] = a.ToString(CultureInfo.InvariantCulture);
            for (int p = 0; p < confusion.ClassCount; p++)
            {
                int count = confusion[a, p];
                cells[p + 1] = count == 0 ? (_console.Profile.Capabilities.Ansi ? "[grey]·[/]" : ".") : a == p ? $"[green]{count}[/]" : $"[yellow]{count}[/]";
            }

            cells[^1] = confusion.Recall(a).ToString("P1", CultureInfo.InvariantCulture);
            table.AddRow(cells);
        }

        _console.Write(table);
    }

    /// <summary>An <see cref="IProgress{T}"/> that runs its handler at once, on the training thread.</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
