using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NetGen.Checkpoints;
using NetGen.Training;

namespace NetGen.Samples.Tests;

/// <summary>
/// The MNIST sample as a process: every problem with its options or files is found before it trains, in one
/// line naming the option, with exit code 1; Ctrl+C saves the run and exits with 130, and --resume ends
/// where a run that was never interrupted ends, bit for bit; divergence is reported with exit code 2.
/// </summary>
[Collection(SampleProcess.Collection)]
public sealed class MnistSampleTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("netgen-sample-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Theory]
    [InlineData("error: --epochs must be at least 1, got -3", "--epochs", "-3")]
    [InlineData("error: --batch must be at least 1, got 0", "--batch", "0")]
    [InlineData("error: --epochs must be a whole number, got many", "--epochs", "many")]
    [InlineData("error: --lr must be a finite number greater than 0, got nan", "--lr", "nan")]
    [InlineData("error: --lr must be a finite number greater than 0, got -0.1", "--lr", "-0.1")]
    [InlineData("error: Unrecognized command or argument '--fast'.", "--fast")]
    public void An_option_error_is_one_line_naming_the_option_and_nothing_trains(string expected, params string[] arguments)
    {
        (int code, string output, string errors) = SampleProcess.Run(_folder.FullName, arguments);

        Assert.Equal(1, code);
        Assert.Equal(expected, errors.Trim());
        Assert.DoesNotContain("epoch", output, StringComparison.Ordinal);
    }

    [Fact]
    public void File_problems_are_found_before_training_and_name_the_path_given()
    {
        File.WriteAllText(PathOf("notes.txt"), "these are notes, not weights\n");
        Directory.CreateDirectory(PathOf("folder"));
        (string[] Arguments, string Expected)[] cases =
        [
            (["--save", Path.Combine("missing", "run.safetensors")], $"error: --save: Cannot save {PathOf(Path.Combine("missing", "run.safetensors"))}: the folder {PathOf("missing")} does not exist."),
            (["--save", "folder"], $"error: --save: Cannot save {PathOf("folder")}: it is a folder; give a file name."),
            (["--data", "nowhere"], $"error: --data {PathOf("nowhere")}: no such folder"),
            (["--load", "missing.safetensors"], $"error: --load {PathOf("missing.safetensors")}: no such file"),
            (["--resume", "missing.safetensors"], $"error: --resume {PathOf("missing.safetensors")}: no such file"),
            (["--resume", "notes.txt"], "error: --resume: notes.txt: this is a text file, not a safetensors file."),
            (["--load", "notes.txt"], "error: --load: notes.txt: this is a text file, not a safetensors file."),
            (["--load", "notes.txt", "--resume", "notes.txt"], "error: --load evaluates saved parameters and --resume continues a training run: give one of them"),
        ];

        foreach ((string[] arguments, string expected) in cases)
        {
            (int code, string output, string errors) = SampleProcess.Run(_folder.FullName, arguments);
            Assert.True(code == 1 && errors.Trim() == expected && !output.Contains("epoch", StringComparison.Ordinal), $"{string.Join(' ', arguments)}: exit {code}\n{errors}\n{output}");
        }

        Assert.Equal(["notes.txt"], Array.ConvertAll(_folder.GetFiles(), f => f.Name)); // no temporary file left behind
    }

    [Fact]
    public void Ctrl_c_saves_the_run_and_resume_ends_where_an_uninterrupted_run_ends_bit_for_bit()
    {
        // One sample per update: slow enough (a fraction of a second per epoch) to be interrupted mid-run. Twenty
        // epochs, so that the run is still going when the signal comes: with six (0.9 s), a test host busy with the
        // other test projects read the first epoch's line after the run had ended its training and let go of its
        // handler, and SIGINT ended the process (exit 130, no message; once in a clean-clone CI run).
        const int Epochs = 20;
        string[] run = ["--batch", "1", "--lr", "0.01", "--epochs", $"{Epochs}"];
        (int code, _, string errors) = SampleProcess.Run(_folder.FullName, [.. run, "--save", "straight.safetensors"]);
        Assert.True(code == 0, errors);

        // Interrupted as the first epoch's report is read, so in the second epoch or at its start. The signal goes
        // from the reader's own callback: a pool task that slept 50 ms first could come after the whole 0.9 s run
        // while the other test projects kept both cores busy (this test failed once in a full `dotnet test`).
        using SampleProcess interrupted = SampleProcess.Start(_folder.FullName, [.. run, "--save", "cut.safetensors"], (sample, line) =>
        {
            if (line.StartsWith($"epoch  1/{Epochs}", StringComparison.Ordinal))
            {
                sample.Interrupt();
            }
        });
        int interruptedCode = interrupted.WaitForExit();
        Assert.True(interruptedCode == 130, $"exit {interruptedCode}: was the run over before the interrupt came?\n{interrupted.Output}\n{interrupted.Errors}");
        Assert.Contains("SIGINT: stopping after the current batch", interrupted.Errors, StringComparison.Ordinal);
        Assert.Contains($"The run is saved in {PathOf("cut.safetensors")}; continue it with --resume", interrupted.Output, StringComparison.Ordinal);

        var cut = new SampleNetwork();
        TrainingPosition stoppedAt = Checkpoint.Load(cut, PathOf("cut.safetensors")).Position!.Value;
        Assert.InRange(stoppedAt.Epoch, 1, Epochs - 1);
        Assert.Contains($"Interrupted {stoppedAt}.", interrupted.Output, StringComparison.Ordinal);

        (int resumedCode, string resumed, string resumedErrors) = SampleProcess.Run(_folder.FullName, "--resume", "cut.safetensors");
        Assert.True(resumedCode == 0, resumedErrors);
        Assert.Contains($"Resuming the run in {PathOf("cut.safetensors")} {stoppedAt}", resumed, StringComparison.Ordinal);

        var straight = new SampleNetwork();
        var finished = new SampleNetwork();
        Checkpoint.Load(straight, PathOf("straight.safetensors"));
        CheckpointInfo info = Checkpoint.Load(finished, PathOf("cut.safetensors"));
        Assert.Equal(new TrainingPosition(Epochs, 0), info.Position);
        Assert.Equal(straight.Parameters.ToArray(), finished.Parameters.ToArray());
        Assert.NotEqual(straight.Parameters.ToArray(), cut.Parameters.ToArray());
        Assert.Equal(File.ReadAllBytes(PathOf("straight.safetensors")), File.ReadAllBytes(PathOf("cut.safetensors")));
    }

    [Fact]
    public void Divergence_is_reported_with_where_it_happened_and_exit_code_2()
    {
        // At 1e5 the loss of this network grows to 1e17 but stays finite (its ReLUs die); at 1e30 it overflows.
        (int code, string output, _) = SampleProcess.Run(_folder.FullName, "--lr", "1e30", "--epochs", "2", "--save", "diverged.safetensors");

        Assert.Equal(2, code);
        Assert.Matches(@"Training diverged in epoch 1, batch \d+ of 500: the loss became \S+ at learning rate 1E\+30\. The parameters were restored to those before the first epoch, the last known finite\.", output);
        Assert.False(File.Exists(PathOf("diverged.safetensors")), "nothing was trained, so nothing is saved");
    }

    [Fact]
    public void A_finished_run_is_not_resumed_and_settings_that_differ_from_the_run_are_refused()
    {
        (int code, _, string errors) = SampleProcess.Run(_folder.FullName, "--epochs", "1", "--save", "one.safetensors");
        Assert.True(code == 0, errors);

        Assert.Equal(
            (1, $"error: --resume {PathOf("one.safetensors")}: the run has completed its 1 epochs; give --epochs more than 1 to train on"),
            Trimmed(SampleProcess.Run(_folder.FullName, "--resume", "one.safetensors")));
        Assert.Equal(
            (1, "error: --seed 7 differs from the seed 1 the run was started with; leave it out to resume the run"),
            Trimmed(SampleProcess.Run(_folder.FullName, "--resume", "one.safetensors", "--epochs", "2", "--seed", "7")));

        (int longer, string output, _) = SampleProcess.Run(_folder.FullName, "--resume", "one.safetensors", "--epochs", "2");
        Assert.Equal(0, longer);
        Assert.Contains("epoch  2/2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch  1/2", output, StringComparison.Ordinal);
    }

    private static (int, string) Trimmed((int Code, string Output, string Errors) run) => (run.Code, run.Errors.Trim());
}
