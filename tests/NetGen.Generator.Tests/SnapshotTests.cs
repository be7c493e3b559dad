using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generated source of representative networks, reviewed like code: a change to the emitter shows
/// up as a diff of these files. Each is also compiled, and must add no error and no warning.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Mnist_classifier_with_relu_and_fused_softmax_cross_entropy() => VerifyNetwork(
        """
        using NetGen;

        namespace Samples.Digits;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(784)]
        [Dense(128)] [ReLU]
        [Dense(10, Activation.Softmax)]
        public partial class MnistClassifier;
        """,
        "Samples.Digits.MnistClassifier.g.cs",
        "MnistClassifier");

    [Fact]
    public void Xor_network_in_the_global_namespace_with_sigmoid_and_squared_error() => VerifyNetwork(
        """
        using NetGen;

        [Network]
        [Input(2)]
        [Dense(3)] [Sigmoid]
        [Dense(1)] [Sigmoid]
        internal sealed partial class XorNetwork { }
        """,
        "XorNetwork.g.cs",
        "XorNetwork");

    [Fact]
    public void Nested_deep_network_with_binary_cross_entropy_and_adamw() => VerifyNetwork(
        """
        using NetGen;

        namespace Samples.Tabular
        {
            public static partial class Models
            {
                [Network(Loss = Loss.BinaryCrossEntropy, Optimizer = Optimizer.Adam, Beta2 = 0.99f, WeightDecay = 0.01f)]
                [Input(13)]
                [Dense(17)] [LeakyReLU(0.2f)]
                [Dense(5, Activation.Tanh)]
                [Dense(7)]
                [Dense(3)] [Sigmoid]
                public partial class RiskModel;
            }
        }
        """,
        "Samples.Tabular.Models.RiskModel.g.cs",
        "RiskModel");

    [Fact]
    public void Small_cnn_with_convolutions_pooling_and_dropout() => VerifyNetwork(
        """
        using NetGen;

        namespace Samples.Vision;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(1, 12, 12)]
        [Conv2D(4, 3)] [ReLU] [MaxPool2D(2)]
        [Conv2D(6, 3, Stride = 2, Padding = 1)] [Tanh] [AvgPool2D(2, Stride = 1)]
        [Dense(16)] [ReLU] [Dropout(0.25f)]
        [Dense(3)] [Softmax]
        public partial class TinyCnn;
        """,
        "Samples.Vision.TinyCnn.g.cs",
        "TinyCnn");

    [Fact]
    public void Momentum_network_with_squared_error_through_softmax() => VerifyNetwork(
        """
        using NetGen;

        namespace Samples;

        [Network(Optimizer = Optimizer.Momentum, Momentum = 0.8f, WeightDecay = 0.0005f)]
        [Input(4)]
        [Dense(6, Activation.Tanh)]
        [Dense(3)] [Softmax]
        partial class SoftRegressor;
        """,
        "Samples.SoftRegressor.g.cs",
        "SoftRegressor");

    private static void VerifyNetwork(string source, string hintName, string snapshotName)
    {
        GenerationResult result = GeneratorHarness.Run(source);

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Null(result.Generator.Exception);
        Assert.Equal([hintName], result.Sources.Keys.ToArray());
        string[] problems = [.. result.CompilationDiagnostics.Select(d => d.ToString())];
        Assert.True(problems.Length == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems));

        Snapshot.Verify(result.Sources[hintName], snapshotName);
    }
}
