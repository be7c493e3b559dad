using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>
/// The incremental pipeline's cache: an edit that does not touch a network re-emits nothing; changing
/// one network re-emits that network only.
/// </summary>
public sealed class IncrementalityTests
{
    private const string Networks = """
        using NetGen;

        namespace App;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(8)] [Dense(6)] [ReLU] [Dense(3)] [Softmax]
        public partial class First;

        [Network]
        [Input(4)] [Dense(2)] [Tanh] [Dense(1)]
        public partial class Second;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(1, 8, 8)] [Conv2D(3, 3)] [ReLU] [MaxPool2D(2)] [Dropout(0.5f)] [Dense(2)] [Softmax]
        public partial class Third;
        """;

    private const string Other = """
        namespace App;

        public static class Program
        {
            public static int Main() => 0;
        }
        """;

    private static readonly string[] TrackedSteps =
    [
        NetworkGenerator.TrackingNames.Parse,
        NetworkGenerator.TrackingNames.Models,
        NetworkGenerator.TrackingNames.Options,
        NetworkGenerator.TrackingNames.Plans,
    ];

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        (GeneratorRunResult second, _) = RunTwice(Networks, Other, Networks, Other.Replace("=> 0;", "=> 1; // edited", System.StringComparison.Ordinal));

        foreach (string step in TrackedSteps.Where(second.TrackedSteps.ContainsKey))
        {
            AssertAll(second.TrackedSteps[step], IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertAll(second.TrackedOutputSteps.SelectMany(s => s.Value), IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.Equal(3, second.GeneratedSources.Length);
    }

    [Fact]
    public void A_comment_in_the_network_file_leaves_the_models_unchanged()
    {
        (GeneratorRunResult second, _) = RunTwice(Networks, Other, "// a comment\n" + Networks, Other);

        AssertAll(second.TrackedSteps[NetworkGenerator.TrackingNames.Models], IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(second.TrackedOutputSteps.SelectMany(s => s.Value), IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Changing_one_layer_size_re_emits_that_network_only()
    {
        string edited = Networks.Replace("[Dense(6)]", "[Dense(7)]", System.StringComparison.Ordinal);
        (GeneratorRunResult second, GeneratorRunResult first) = RunTwice(Networks, Other, edited, Other);

        var reasons = second.TrackedSteps[NetworkGenerator.TrackingNames.Models]
            .SelectMany(s => s.Outputs)
            .Select(o => (Name: ((dynamic)o.Value).ClassName as string, o.Reason))
            .ToDictionary(o => o.Name!, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, reasons["First"]);
        Assert.Contains(reasons["Second"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        Assert.Contains(reasons["Third"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });

        IncrementalStepRunReason[] emitted = [.. second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason)];
        Assert.Single(emitted, IncrementalStepRunReason.Modified);

        string before = first.GeneratedSources.Single(s => s.HintName == "App.First.g.cs").SourceText.ToString();
        string after = second.GeneratedSources.Single(s => s.HintName == "App.First.g.cs").SourceText.ToString();
        Assert.Contains("public static int Units => 6;", before, System.StringComparison.Ordinal);
        Assert.Contains("public static int Units => 7;", after, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_a_convolution_s_kernel_re_emits_that_network_only()
    {
        string edited = Networks.Replace("[Conv2D(3, 3)]", "[Conv2D(3, 5)]", System.StringComparison.Ordinal);
        (GeneratorRunResult second, GeneratorRunResult first) = RunTwice(Networks, Other, edited, Other);

        IncrementalStepRunReason[] emitted = [.. second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason)];
        Assert.Single(emitted, IncrementalStepRunReason.Modified);
        string after = second.GeneratedSources.Single(s => s.HintName == "App.Third.g.cs").SourceText.ToString();
        Assert.Contains("public static int Kernel => 5;", after, System.StringComparison.Ordinal);
        Assert.Contains("public static int OutputHeight => 4;", after, System.StringComparison.Ordinal);
        Assert.Equal(
            first.GeneratedSources.Single(s => s.HintName == "App.First.g.cs").SourceText.ToString(),
            second.GeneratedSources.Single(s => s.HintName == "App.First.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Editing_a_weights_file_re_emits_only_the_network_that_embeds_it()
    {
        using var files = new WeightsFiles();
        AdditionalText first = files.Write("first.safetensors", WeightsFiles.SafeTensors(WeightsFiles.Dense(1, 8, (6, true), (3, true))));
        AdditionalText second = files.Write("second.safetensors", WeightsFiles.SafeTensors(WeightsFiles.Dense(2, 4, (2, true), (1, false))));
        string embedding = Networks
            .Replace("[Network(Loss = Loss.CrossEntropy)]", "[Network(Loss = Loss.CrossEntropy, Weights = \"first.safetensors\")]", System.StringComparison.Ordinal)
            .Replace("[Network]", "[Network(Weights = \"second.safetensors\", InferenceOnly = true)]", System.StringComparison.Ordinal);
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(embedding, Other);
        GeneratorDriver driver = GeneratorHarness.CreateDriver([first, second]).RunGenerators(compilation);
        GeneratorRunResult before = driver.GetRunResult().Results.Single();
        Assert.Equal(4, before.GeneratedSources.Length);

        AdditionalText edited = files.Write("first.safetensors", WeightsFiles.SafeTensors(WeightsFiles.Dense(3, 8, (6, true), (3, true))));
        driver = driver.ReplaceAdditionalText(first, edited).RunGenerators(compilation);
        GeneratorRunResult after = driver.GetRunResult().Results.Single();

        var weighed = after.TrackedSteps[NetworkGenerator.TrackingNames.Weights]
            .SelectMany(s => s.Outputs)
            .ToDictionary(o => (string)((dynamic)o.Value).Model.ClassName, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, weighed["First"]);
        Assert.Contains(weighed["Second"], new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        IncrementalStepRunReason[] emitted = [.. after.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason)];
        Assert.Single(emitted, IncrementalStepRunReason.Modified);

        static string Source(GeneratorRunResult run, string hint) => run.GeneratedSources.Single(s => s.HintName == hint).SourceText.ToString();
        Assert.NotEqual(Source(before, "App.First.Weights.g.cs"), Source(after, "App.First.Weights.g.cs"));
        Assert.Equal(Source(before, "App.Second.Weights.g.cs"), Source(after, "App.Second.Weights.g.cs"));
    }

    /// <summary>The MSBuild options reach the plan: changing one re-plans and re-emits every network, and nothing else changes.</summary>
    [Theory]
    [InlineData("NetGenMathComments", "false", "// layer 1: z1 = W1 x + b1", false)]
    [InlineData("NetGenScalarKernels", "true", "public static int VectorBits => 0;", true)]
    public void Changing_an_option_re_emits_every_network(string property, string value, string marker, bool markerAfter)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Networks, Other);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "App.First.g.cs").SourceText.ToString();

        driver = driver.WithUpdatedAnalyzerConfigOptions(new TestOptionsProvider(("build_property." + property, value))).RunGenerators(compilation);
        GeneratorRunResult second = driver.GetRunResult().Results.Single();
        string after = second.GeneratedSources.Single(s => s.HintName == "App.First.g.cs").SourceText.ToString();

        AssertAll(second.TrackedSteps[NetworkGenerator.TrackingNames.Models], IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(second.TrackedSteps[NetworkGenerator.TrackingNames.Options], IncrementalStepRunReason.Modified);
        AssertAll(second.TrackedSteps[NetworkGenerator.TrackingNames.Plans], IncrementalStepRunReason.Modified);
        Assert.Equal(!markerAfter, before.Contains(marker, System.StringComparison.Ordinal));
        Assert.Equal(markerAfter, after.Contains(marker, System.StringComparison.Ordinal));
    }

    private static (GeneratorRunResult Second, GeneratorRunResult First) RunTwice(string a1, string b1, string a2, string b2)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(a1, b1);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();

        ImmutableArray<SyntaxTree> trees = [.. compilation.SyntaxTrees];
        CSharpCompilation edited = compilation
            .ReplaceSyntaxTree(trees[0], trees[0].WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(a2)))
            .ReplaceSyntaxTree(trees[1], trees[1].WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(b2)));
        driver = driver.RunGenerators(edited);
        return (driver.GetRunResult().Results.Single(), first);
    }

    private static void AssertAll(IEnumerable<IncrementalGeneratorRunStep> steps, params IncrementalStepRunReason[] allowed)
    {
        var outputs = steps.SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Contains(o.Reason, allowed));
    }
}
