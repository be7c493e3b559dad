using System;
using System.Linq;
using NetGen.Internal;

namespace NetGen.Tests;

/// <summary>
/// Large batches are split between threads by rows of each result: the parameters after training must be
/// the same, bit for bit, with one thread as with several.
/// </summary>
[Collection(nameof(WorkerPoolSettings))]
public sealed class ThreadingTests
{
    /// <summary>Every phase of every test network is split as soon as it can be, so each split path runs.</summary>
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Training_gives_the_same_parameters_on_any_number_of_threads(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        int batch = name == "MnistNet" ? 40 : 150;
        (float[] inputs, float[] targets) = c.Batch(batch, seed: 77);
        float[] Train(int threads)
        {
            using var split = new EverySplit(threads);
            INetwork network = c.Create(3);
            for (int step = 0; step < 3; step++)
            {
                network.TrainBatch(inputs, targets, 0.05f);
            }

            var outputs = new float[batch * network.OutputSize];
            network.Predict(inputs, outputs);
            return [.. network.Parameters.ToArray(), .. outputs];
        }

        float[] one = Train(1);
        Assert.Equal(one, Train(2));
        Assert.Equal(one, Train(3));
    }

    /// <summary>
    /// Where the weight-gradient product packs X in panels, each thread packs its own copy, a helper into a buffer it
    /// keeps across calls and networks: batches of changing sizes (the buffers grow, a smaller batch leaves stale
    /// values past its last panel) must still give one thread's bits, through SGD's fused update and through the
    /// gradients Adam reads.
    /// </summary>
    [Theory]
    [InlineData(nameof(PackedInputsNet))]
    [InlineData(nameof(MnistNet))]
    [InlineData(nameof(AdamPackedInputsNet))]
    public void Batches_of_changing_sizes_give_the_same_parameters_on_any_number_of_threads(string name)
    {
        Func<int, INetwork> create = name == nameof(AdamPackedInputsNet) ? seed => new AdamPackedInputsNet(seed) : NetworkCases.Get(name).Create;
        float[] Train(int threads)
        {
            using var split = new EverySplit(threads);
            INetwork network = create(5);
            var random = new Random(11);
            foreach (int batch in (int[])[150, 37, 260, 64, 150])
            {
                float[] inputs = [.. Enumerable.Range(0, batch * network.InputSize).Select(_ => (random.NextSingle() * 2) - 1)];
                var targets = new float[batch * network.OutputSize];
                for (int s = 0; s < batch; s++)
                {
                    targets[(s * network.OutputSize) + random.Next(network.OutputSize)] = 1;
                }

                network.TrainBatch(inputs, targets, 0.02f);
            }

            return network.Parameters.ToArray();
        }

        float[] one = Train(1);
        Assert.Equal(one, Train(2));
        Assert.Equal(one, Train(3));
    }

    /// <summary>
    /// A large layer's one-sample forward product, and with SGD the fused update of W1 in per-sample
    /// training and a later large layer's update (by rows of W, dE/dx over fixed blocks of rows), are shared between threads while helpers are awake.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void One_sample_gives_the_same_outputs_and_updates_on_any_number_of_threads(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        (float[] inputs, float[] targets) = c.Batch(3, seed: 78);
        float[] Run(int threads)
        {
            int saved = WorkerPool.MaxThreads;
            long savedWork = WorkerPool.MinSampleWorkPerThread;
            TimeSpan savedSpin = WorkerPool.SpinTime;
            WorkerPool.MaxThreads = threads;
            WorkerPool.MinSampleWorkPerThread = 1;
            WorkerPool.SpinTime = TimeSpan.FromSeconds(30); // helpers stay awake, so every call splits
            WorkerPool.ChooseByTiming = false; // and no call tries running alone
            try
            {
                INetwork network = c.Create(4);
                var outputs = new float[3 * network.OutputSize];
                // asking wakes sleeping helpers; once awake they count
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (WorkerPool.ThreadsForSample(1 << 20) < threads && clock.Elapsed < TimeSpan.FromSeconds(5))
                {
                    System.Threading.Thread.Sleep(1);
                }

                Assert.Equal(threads, WorkerPool.ThreadsForSample(1 << 20));
                for (int s = 0; s < 3; s++)
                {
                    network.Forward(inputs.AsSpan(s * network.InputSize, network.InputSize), outputs.AsSpan(s * network.OutputSize, network.OutputSize));
                    network.TrainBatch(inputs.AsSpan(s * network.InputSize, network.InputSize), targets.AsSpan(s * network.OutputSize, network.OutputSize), 0.05f);
                }

                network.TrainSequential(inputs, targets, 0.05f); // SGD shares each sample's fused update of W1

                return [.. network.Parameters.ToArray(), .. outputs];
            }
            finally
            {
                WorkerPool.MaxThreads = saved;
                WorkerPool.MinSampleWorkPerThread = savedWork;
                WorkerPool.SpinTime = savedSpin;
                WorkerPool.ChooseByTiming = true;
                WorkerPool.Run(NoJob.Instance, 2, default, default); // a last job restarts the helpers' spin with the usual time
            }
        }

        float[] one = Run(1);
        Assert.Equal(one, Run(2));
    }

    /// <summary>
    /// With the calls choosing between sharing and running alone (the default), a run long enough for their trials
    /// mixes calls of both kinds: the parameters must still be those of one thread, bit for bit.
    /// </summary>
    [Fact]
    public void Calls_that_choose_to_run_alone_now_and_then_give_the_same_parameters()
    {
        NetworkCase c = NetworkCases.Get("MnistNet");
        (float[] inputs, float[] targets) = c.Batch(64, seed: 79);
        int saved = WorkerPool.MaxThreads;
        long savedWork = WorkerPool.MinWorkPerThread, savedSampleWork = WorkerPool.MinSampleWorkPerThread;
        WorkerPool.MinWorkPerThread = 1;
        WorkerPool.MinSampleWorkPerThread = 1;
        try
        {
            // two threads: calls until 400 ms have gone (a kind of call tries running alone first after 16 ms of
            // calls whose products could split, each trial for at least 6 ms), then one thread for as many calls
            WorkerPool.MaxThreads = 2;
            Assert.True(WorkerPool.ChooseByTiming);
            INetwork shared = c.Create(5);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int calls = 0;
            for (; clock.Elapsed < TimeSpan.FromMilliseconds(400) || calls < 20; calls++)
            {
                Train(shared, calls);
            }

            WorkerPool.MaxThreads = 1;
            INetwork alone = c.Create(5);
            for (int call = 0; call < calls; call++)
            {
                Train(alone, call);
            }

            Assert.Equal(alone.Parameters.ToArray(), shared.Parameters.ToArray());
        }
        finally
        {
            WorkerPool.MaxThreads = saved;
            WorkerPool.MinWorkPerThread = savedWork;
            WorkerPool.MinSampleWorkPerThread = savedSampleWork;
        }

        // every kind of call that chooses: TrainSequential, TrainBatch of one sample and of a batch
        void Train(INetwork network, int call)
        {
            switch (call % 3)
            {
                case 0:
                    network.TrainSequential(inputs.AsSpan(0, 8 * network.InputSize), targets.AsSpan(0, 8 * network.OutputSize), 0.01f);
                    break;
                case 1:
                    network.TrainBatch(inputs.AsSpan(0, network.InputSize), targets.AsSpan(0, network.OutputSize), 0.01f);
                    break;
                default:
                    network.TrainBatch(inputs, targets, 0.01f);
                    break;
            }
        }
    }

    /// <summary>
    /// A Predict of more samples than its buffers hold: in a dense network each thread runs its own samples through every
    /// layer from its own packed copy of the weights, in its own rows of the buffers. Every sample's outputs must be those
    /// of the layer-by-layer path of a batch that fits the buffers (whose products split by units), bit for bit, on any
    /// number of threads; three threads leave the buffers' rows and the samples in uneven shares.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void A_large_predict_gives_the_same_outputs_on_any_number_of_threads(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        (float[] inputs, _) = c.Batch(LargePredict, seed: 79);
        AssertLargePredictSameOnAnyThreads(c.Create, inputs);
    }

    /// <summary>The same with a dropout layer between dense layers, which passes its input through in inference.</summary>
    [Fact]
    public void A_large_predict_through_dropout_gives_the_same_outputs_on_any_number_of_threads()
    {
        var random = new DeterministicRandom(80);
        float[] inputs = new float[LargePredict * DropoutMlp.InputSize];
        random.FillUniform(inputs, 1f);
        AssertLargePredictSameOnAnyThreads(seed => new DropoutMlp(seed), inputs);
    }

    private const int LargePredict = 700; // two full chunks of 256 and a part of one

    private static void AssertLargePredictSameOnAnyThreads(Func<int, INetwork> create, float[] inputs)
    {
        float[] Predict(int threads, int slice)
        {
            using var split = new EverySplit(threads);
            INetwork network = create(5);
            var outputs = new float[LargePredict * network.OutputSize];
            for (int start = 0; start < LargePredict; start += slice)
            {
                int count = Math.Min(slice, LargePredict - start);
                network.Predict(inputs.AsSpan(start * network.InputSize, count * network.InputSize), outputs.AsSpan(start * network.OutputSize, count * network.OutputSize));
            }

            return outputs;
        }

        float[] layerByLayer = Predict(1, slice: 100);
        Assert.Equal(layerByLayer, Predict(2, slice: 100));
        Assert.Equal(layerByLayer, Predict(1, slice: LargePredict));
        Assert.Equal(layerByLayer, Predict(2, slice: LargePredict));
        Assert.Equal(layerByLayer, Predict(3, slice: LargePredict));
    }

    /// <summary>With a zero spin time helpers sleep between jobs, so every job also wakes one.</summary>
    [Theory]
    [InlineData(1000)]
    [InlineData(0)]
    public void A_large_batch_allocates_nothing_on_several_threads(int spinMicroseconds)
    {
        int saved = WorkerPool.MaxThreads;
        TimeSpan savedSpin = WorkerPool.SpinTime;
        WorkerPool.MaxThreads = 2;
        WorkerPool.SpinTime = TimeSpan.FromMicroseconds(spinMicroseconds);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (WorkerPool.ThreadsFor(256L * 784 * 128) < 2 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            System.Threading.Thread.Sleep(1); // a spell of jobs run alone, after a late helper in an earlier test, ends
        }

        Assert.Equal(2, WorkerPool.ThreadsFor(256L * 784 * 128)); // the batch below is split between two threads
        try
        {
            var network = new MnistNet(1);
            (float[] inputs, float[] targets) = NetworkCases.Get("MnistNet").Batch(256, seed: 1);
            var outputs = new float[256 * MnistNet.OutputSize];
            network.TrainBatch(inputs, targets, 0.01f);
            network.Predict(inputs, outputs); // a full chunk: the threads split its samples

            // Rounds of ten batches (see SteadyState): most rounds must allocate nothing.
            long[] rounds = SteadyState.AllocatedBytesPerRound(() =>
            {
                for (int i = 0; i < 10; i++)
                {
                    network.TrainBatch(inputs, targets, 0.01f);
                    network.Predict(inputs, outputs);
                }
            });

            Assert.True(rounds.Count(r => r == 0) >= 3, SteadyState.Describe(rounds));
        }
        finally
        {
            WorkerPool.MaxThreads = saved;
            WorkerPool.SpinTime = savedSpin;
        }
    }
}

/// <summary>
/// While it lives, batch products split between <paramref name="threads"/> threads as soon as they can, and no call tries
/// running alone, so that every split path runs; then the pool's settings are as they were.
/// </summary>
internal sealed class EverySplit : IDisposable
{
    private readonly int _savedThreads = WorkerPool.MaxThreads;
    private readonly long _savedWork = WorkerPool.MinWorkPerThread;

    public EverySplit(int threads)
    {
        WorkerPool.MaxThreads = threads;
        WorkerPool.MinWorkPerThread = 1;
        WorkerPool.ChooseByTiming = false;
    }

    public void Dispose()
    {
        WorkerPool.MaxThreads = _savedThreads;
        WorkerPool.MinWorkPerThread = _savedWork;
        WorkerPool.ChooseByTiming = true;
    }
}

/// <summary>A job that does nothing.</summary>
internal sealed class NoJob : IParallelJob
{
    public static NoJob Instance { get; } = new();

    public void RunPart(int part, int parts, nint first, nint second)
    {
    }
}

/// <summary>Tests that change WorkerPool.MaxThreads run one at a time.</summary>
[CollectionDefinition(nameof(WorkerPoolSettings), DisableParallelization = true)]
public sealed class WorkerPoolSettings;
