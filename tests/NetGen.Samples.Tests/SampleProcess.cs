using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace NetGen.Samples.Tests;

/// <summary>The MNIST sample run as a process, as a user runs it, with its output captured line by line.</summary>
internal sealed class SampleProcess : IDisposable
{
    /// <summary>
    /// The xUnit collection of every test class that starts the sample: they run one after another, because a
    /// test that trains on both cores would starve the timing of one that interrupts a run mid-epoch.
    /// </summary>
    public const string Collection = "sample processes";

    private static readonly string s_sample = typeof(SampleProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NetGen.MnistSample").Value!;

    private readonly Process _process;
    private readonly StringBuilder _output = new(), _errors = new();
    private Action<string>? _onLine;

    private SampleProcess(string workingDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(s_sample);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(e.Data);
                }

                _onLine?.Invoke(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Starts the sample; <paramref name="onLine"/> sees each line of its output as it comes.</summary>
    public static SampleProcess Start(string workingDirectory, string[] arguments, Action<SampleProcess, string>? onLine = null)
    {
        var sample = new SampleProcess(workingDirectory, arguments);
        if (onLine is not null)
        {
            sample._onLine = line => onLine(sample, line);
        }

        sample._process.Start();
        sample._process.BeginOutputReadLine();
        sample._process.BeginErrorReadLine();
        return sample;
    }

    /// <summary>Runs the sample to its end; returns its exit code.</summary>
    public static (int ExitCode, string Output, string Errors) Run(string workingDirectory, params string[] arguments)
    {
        using SampleProcess sample = Start(workingDirectory, arguments);
        int code = sample.WaitForExit();
        return (code, sample.Output, sample.Errors);
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the sample did not finish within 3 minutes:\n{Output}\n{Errors}");
        }

        _process.WaitForExit(); // the end of the redirected output
        return _process.ExitCode;
    }

    /// <summary>Sends SIGINT, what Ctrl+C sends in a terminal.</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Dispose() => _process.Dispose();

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
