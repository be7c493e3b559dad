using System;
using System.IO;
using NetGen.Checkpoints;

namespace NetGen.Samples;

/// <summary>Everything about the command line that can be checked before the data is read and training starts.</summary>
internal static class Preflight
{
    /// <summary>The file a training run saves to: --save, else the file it resumes, else mnist.safetensors here.</summary>
    public static FileInfo SavePath(TrainingSettings settings) =>
        settings.Save ?? settings.Resume ?? new FileInfo("mnist.safetensors");

    /// <summary>What is wrong, in one line naming the option, or null.</summary>
    public static string? Check(TrainingSettings settings)
    {
        if (settings.Load is not null && settings.Resume is not null)
        {
            return "--load evaluates saved parameters and --resume continues a training run: give one of them";
        }

        if (!settings.Data.Exists)
        {
            return $"--data {settings.Data.FullName}: no such folder";
        }

        if (settings.Load is { Exists: false } load)
        {
            return $"--load {load.FullName}: no such file";
        }

        if (settings.Resume is { Exists: false } resume)
        {
            return $"--resume {resume.FullName}: no such file";
        }

        if (settings.Load is null)
        {
            FileInfo save = SavePath(settings);
            try
            {
                AtomicFile.CheckWritable(save.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "--save: " + e.Message;
            }
        }

        return null;
    }
}
