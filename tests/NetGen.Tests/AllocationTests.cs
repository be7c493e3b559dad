using System;
using System.Linq;

namespace NetGen.Tests;

/// <summary>After the first call at a given batch size, no method of a generated network allocates.</summary>
public sealed class AllocationTests
{
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Steady_state_calls_allocate_nothing(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        INetwork network = c.Create(1);
        (float[] inputs, float[] targets) = c.Batch(8, seed: 2);
        float[] outputs = new float[8 * network.OutputSize];
        int n = network.InputSize, m = network.OutputSize;

        void Exercise()
        {
            network.Forward(inputs.AsSpan(0, n), outputs.AsSpan(0, m));
            network.Predict(inputs, outputs);
            network.ZeroGradients();
            network.Backward(inputs.AsSpan(0, n), targets.AsSpan(0, m));
            network.Step(0.01f);
            network.TrainBatch(inputs, targets, 0.01f);
            network.TrainBatch(inputs.AsSpan(0, n), targets.AsSpan(0, m), 0.01f);
            network.TrainBatch(inputs.AsSpan(0, 3 * n), targets.AsSpan(0, 3 * m), 0.01f);
            network.Predict(inputs.AsSpan(0, 5 * n), outputs.AsSpan(0, 5 * m));
            network.TrainSequential(inputs, targets, 0.01f);
        }

        Exercise(); // first calls at each batch size may allocate scratch space

        // Rounds of 20: the runtime may allocate once on this thread as it compiles a path taken for the
        // first time (the worker pool switches between sharing a sample and running alone as other tests
        // load the cores), but a call that allocates would allocate in every round.
        long[] rounds = SteadyState.AllocatedBytesPerRound(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                Exercise();
            }
        });

        Assert.True(rounds.Count(r => r == 0) >= 4, SteadyState.Describe(rounds));
    }
}
