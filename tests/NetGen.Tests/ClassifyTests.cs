using System;
using System.Linq;

namespace NetGen.Tests;

/// <summary>Classify on classifiers: the class and probability the outputs give, in one call.</summary>
public sealed class ClassifyTests
{
    [Theory]
    [InlineData("MnistNet")]
    [InlineData("ReluSoftmaxNet")]
    [InlineData("LogisticNet")]
    public void Classify_gives_the_class_the_outputs_give(string name)
    {
        NetworkCase c = NetworkCases.Get(name);
        var classifier = (IClassifier)c.Create(7);
        (float[] inputs, _) = c.Batch(20, seed: 5);
        var output = new float[classifier.OutputSize];
        for (int s = 0; s < 20; s++)
        {
            ReadOnlySpan<float> x = inputs.AsSpan(s * classifier.InputSize, classifier.InputSize);
            classifier.Forward(x, output);
            ClassPrediction prediction = classifier.Classify(x);
            if (output.Length == 1)
            {
                Assert.Equal(output[0] >= 0.5f ? 1 : 0, prediction.Class);
                Assert.Equal(prediction.Class == 1 ? output[0] : 1f - output[0], prediction.Probability);
            }
            else
            {
                Assert.Equal(Array.IndexOf(output, output.Max()), prediction.Class);
                Assert.Equal(output.Max(), prediction.Probability);
            }
        }
    }

    [Fact]
    public void Only_classifiers_get_Classify()
    {
        Assert.IsAssignableFrom<IClassifier>(new MnistNet());
        Assert.IsNotAssignableFrom<IClassifier>(new LinearRegressionNet());
        Assert.IsNotAssignableFrom<IClassifier>(new LeakyTanhBceNet()); // three sigmoid outputs are three labels, not one class
        Assert.Null(typeof(SigmoidTanhNet).GetMethod("Classify"));
    }

    [Fact]
    public void Classify_checks_the_input_length()
    {
        var e = Assert.Throws<ArgumentException>(() => new MnistNet().Classify(new float[3]));
        Assert.Equal("input", e.ParamName);
    }
}
