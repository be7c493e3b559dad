using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace NetGen.Samples;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM into a cancellation the trainer sees between batches; a
/// second one ends the process at once, as usual.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public Interruption(TextWriter errors)
    {
        void Handle(PosixSignalContext context)
        {
            if (_source.IsCancellationRequested)
            {
                return; // the second signal: let the runtime end the process
            }

            context.Cancel = true;
            errors.WriteLine($"{context.Signal}: stopping after the current batch to save the run (send it again to quit at once).");
            _source.Cancel();
        }

        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }
}
