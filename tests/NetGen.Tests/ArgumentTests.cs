using System;

namespace NetGen.Tests;

/// <summary>Wrong span lengths and bad learning rates throw, naming what was expected.</summary>
public sealed class ArgumentTests
{
    private readonly MnistNet _network = new();

    [Fact]
    public void Forward_names_the_expected_input_size()
    {
        var e = Assert.Throws<ArgumentException>(() => _network.Forward(new float[783], new float[10]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("InputSize = 784", e.Message, StringComparison.Ordinal);
        Assert.Contains("783", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_names_the_expected_output_size()
    {
        var e = Assert.Throws<ArgumentException>(() => _network.Forward(new float[784], new float[9]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("OutputSize = 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_checks_the_target()
    {
        var e = Assert.Throws<ArgumentException>(() => _network.Backward(new float[784], new float[11]));
        Assert.Equal("target", e.ParamName);
        Assert.Contains("OutputSize = 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_needs_whole_rows()
    {
        var e = Assert.Throws<ArgumentException>(() => _network.Predict(new float[784 * 2 + 1], new float[20]));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("multiple of InputSize = 784", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => _network.Predict(new float[784 * 2], new float[21]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Contains("2 rows of 10 values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainBatch_checks_targets_and_refuses_an_empty_batch()
    {
        var e = Assert.Throws<ArgumentException>(() => _network.TrainBatch(new float[784 * 3], new float[20], 0.1f));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("3 rows of 10 values", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => _network.TrainBatch([], [], 0.1f));
        Assert.Equal("inputs", e.ParamName);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Learning_rate_must_be_finite_and_not_negative(float learningRate)
    {
        float[] before = _network.Parameters.ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _network.Step(learningRate));
        Assert.Equal("learningRate", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => _network.TrainBatch(new float[784], new float[10], learningRate));
        Assert.Equal(before, _network.Parameters.ToArray());
    }

    [Fact]
    public void Predict_of_no_sample_does_nothing()
    {
        _network.Predict([], []);
    }
}
