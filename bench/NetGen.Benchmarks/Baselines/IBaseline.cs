using System;

namespace NetGen.Benchmarks.Baselines;

/// <summary>What the benchmarks ask of every implementation: the same work as INetwork's methods.</summary>
public interface IBaseline
{
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>One SGD update on the mean gradient of n samples; returns the mean loss.</summary>
    float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);
}
