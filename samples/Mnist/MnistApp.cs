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
internal sealed class MnistApp(TextWriter output, TextWriter errors)
{
    /// <summary>Exit codes: a bad option or file; training diverged; stopped by Ctrl+C (128 + SIGINT, as shells do).</summary>
    public const int InvalidInput = 1, Diverged = 2, Interrupted = 130;

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
            if (Preflight.Check(settings) is { } problem)
            {
                return Fail(problem);
            }

            return settings.Load is null ? Train(settings) : Evaluate(settings);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            // A bad folder or a corrupt file: one clear line on stderr, no stack trace.
            return Fail(e.Message);
        }
    }

    private int Fail(string problem)
    {
        errors.WriteLine("error: " + problem);
        return InvalidInput;
    }

    private int Train(TrainingSettings settings)
    {
        (Dataset train, Dataset test) = LoadData(settings.Data);
        FileInfo save = Preflight.SavePath(settings);
        SampleModel model = settings.Model;
        INetwork network;
        RunSettings run;
        TrainingPosition start = default;
        if (settings.Resume is { } resume)
        {
            network = model.Create(0);
            CheckpointInfo info;
            try
            {
                info = Checkpoint.Load(network, resume.FullName);
            }
            catch (InvalidDataException e)
            {
                return Fail("--resume: " + e.Message);
            }

            if (RunSettings.FromMetadata(info.Metadata) is not { } saved || info.Position is not { } position)
            {
                return Fail($"--resume {resume.FullName}: the file holds no run of this sample (its metadata has no mnist.* settings or {Checkpoint.EpochKey}); evaluate it with --load");
            }

            if (Conflict(settings, saved) is { } conflict)
            {
                return Fail(conflict);
            }

            run = saved with { Epochs = settings.Epochs ?? saved.Epochs };
            if (position.Epoch >= run.Epochs)
            {
                return Fail($"--resume {resume.FullName}: the run has completed its {position.Epoch} epochs; give --epochs more than {position.Epoch} to train on");
            }

            start = position;
            _console.MarkupLine($"Resuming the run in {Markup.Escape(resume.FullName)} {position}");
        }
        else
        {
            RunSettings d = settings.Default;
            run = new RunSettings(settings.Epochs ?? d.Epochs, settings.BatchSize ?? d.BatchSize, settings.LearningRate ?? d.LearningRate, settings.Seed ?? d.Seed, settings.Copies ?? d.Copies);
            network = model.Create(run.Seed);
        }

        int digits = train.Count;
        train = SampleModel.TrainingData(train, run);

        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = run.Epochs,
            BatchSize = run.BatchSize,
            LearningRate = run.LearningRate,
            Schedule = model.Schedule,
            Seed = run.Seed,
            StartEpoch = start.Epoch,
            StartBatch = start.Batch,
            CheckpointPath = save.FullName,
            CheckpointMetadata = run.ToMetadata(),
        });

        string copies = train.Count == digits ? string.Empty : $" (and {train.Count - digits:N0} shifted copies)";
        _console.MarkupLine($"[bold]{network.Info.Name}[/] {Markup.Escape(model.Shape)}, {network.ParameterCount:N0} parameters; " +
            $"{digits:N0} training{copies} and {test.Count:N0} test digits from {Markup.Escape(settings.Data.FullName)}");
        _console.MarkupLine($"{model.Training}, learning rate {run.LearningRate.ToString(CultureInfo.InvariantCulture)}, batches of {run.BatchSize}, {run.Epochs} epochs, seed {run.Seed}; Ctrl+C stops and saves the run");

        var clock = Stopwatch.StartNew();
        TrainingResult result;
        using (var interruption = new Interruption(errors))
        {
            result = _console.Profile.Capabilities.Interactive
                ? TrainWithProgressBars(trainer, network, train, test, run.Epochs, interruption.Token)
                : trainer.Train(network, train, test, new SynchronousProgress<EpochReport>(report => _console.MarkupLine(Describe(report))), cancellationToken: interruption.Token);
        }

        clock.Stop();
        switch (result.Outcome)
        {
            case TrainingOutcome.Canceled:
                _console.MarkupLine($"Interrupted {result.Position}. The run is saved in {Markup.Escape(save.FullName)}; continue it with --resume {Markup.Escape(save.FullName)}");
                return Interrupted;
            case TrainingOutcome.Diverged:
                _console.MarkupLine($"[red]{Markup.Escape(result.Message)}[/]");
                return Diverged;
        }

        Evaluation.Evaluation evaluation = Evaluator.Evaluate(network, test);
        ShowConfusion(evaluation.Confusion!);
        _console.MarkupLine($"[bold]Test accuracy {evaluation.Accuracy:P2}[/] ({evaluation.Confusion!.Total:N0} digits), mean loss {evaluation.Loss:F4}, trained in {clock.Elapsed.TotalSeconds:F1} s");
        _console.MarkupLine($"Saved the parameters to {Markup.Escape(save.FullName)}; evaluate them again with --load.");
        return 0;
    }

    /// <summary>A setting given on the command line that differs from the one the resumed run was started with.</summary>
    private static string? Conflict(TrainingSettings settings, RunSettings saved)
    {
        static string Text(float value) => value.ToString(CultureInfo.InvariantCulture);
        return settings switch
        {
            { BatchSize: int b } when b != saved.BatchSize => $"--batch {b} differs from the batch size {saved.BatchSize} the run was started with; leave it out to resume the run",
            { LearningRate: float lr } when lr != saved.LearningRate => $"--lr {Text(lr)} differs from the learning rate {Text(saved.LearningRate)} the run was started with; leave it out to resume the run",
            { Seed: int seed } when seed != saved.Seed => $"--seed {seed} differs from the seed {saved.Seed} the run was started with; leave it out to resume the run",
            { Copies: int copies } when copies != saved.Copies => $"--copies {copies} differs from the {saved.Copies} shifted copies the run was started with; leave it out to resume the run",
            _ => null,
        };
    }

    /// <summary>A live progress bar per epoch, which becomes the epoch's summary when it completes.</summary>
    private TrainingResult TrainWithProgressBars(Trainer trainer, INetwork network, Dataset train, Dataset test, int epochCount, System.Threading.CancellationToken cancellationToken)
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
                result = trainer.Train(network, train, test, epochs, batches, cancellationToken);
            });
        return result;
    }

    private static string Describe(EpochReport report) =>
        $"epoch {report.Epoch,2}/{report.Epochs}  loss {report.TrainLoss:F4}  train accuracy {report.TrainAccuracy,7:P2}  " +
        $"test loss {report.Validation!.Loss:F4}  test accuracy {report.Validation.Accuracy,7:P2}  {report.SamplesPerSecond,7:N0} samples/s";

    private int Evaluate(TrainingSettings settings)
    {
        Dataset test = Mnist.LoadSet(settings.Data.FullName, "t10k");
        INetwork network = settings.Model.Create(0);
        try
        {
            Checkpoint.Load(network, settings.Load!.FullName);
        }
        catch (InvalidDataException e)
        {
            return Fail("--load: " + e.Message);
        }

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
