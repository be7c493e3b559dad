using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>
/// One test per diagnostic id: the analyzer reports exactly that diagnostic on an invalid declaration, at
/// the source location of the attribute, argument or name marked [|...|]; the generator reports nothing
/// and generates nothing that could add errors of its own.
/// </summary>
public sealed class DiagnosticTests
{
    [Fact]
    public void NG0001_class_not_partial() => Expect("NG0001", """
        [Network] [Input(2)] [Dense(1)]
        public class [|Net|] { }
        """);

    [Fact]
    public void NG0002_no_input() => Expect("NG0002", """
        [[|Network(Loss = Loss.SquaredError)|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0003_input_after_a_dense_layer() => Expect("NG0003", """
        [Network] [Dense(3)] [[|Input(2)|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0003_input_declared_twice() => Expect("NG0003", """
        [Network] [Input(2)] [[|Input(3)|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0004_no_dense_layer() => Expect("NG0004", """
        [[|Network|]] [Input(2)]
        public partial class Net;
        """);

    [Fact]
    public void NG0005_input_size_zero() => Expect("NG0005", """
        [Network] [Input([|0|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0005_negative_units_given_by_name() => Expect("NG0005", """
        [Network] [Input(2)] [Dense(activation: Activation.ReLU, [|units: -3|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0006_too_many_parameters() => Expect("NG0006", """
        [Network] [Input(100000)] [Dense(100)] [[|Dense(1000000)|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0006_parameter_count_that_overflows_int() => Expect("NG0006", """
        [Network] [Input(2147483647)] [[|Dense(2147483647)|]]
        public partial class Net;
        """);

    [Fact]
    public void NG0007_cross_entropy_without_softmax() => Expect("NG0007", """
        [Network([|Loss = Loss.CrossEntropy|])] [Input(2)] [Dense(3)] [Sigmoid]
        public partial class Net;
        """);

    [Fact]
    public void NG0008_binary_cross_entropy_without_sigmoid() => Expect("NG0008", """
        [Network([|Loss = Loss.BinaryCrossEntropy|])] [Input(2)] [Dense(3)] [Softmax]
        public partial class Net;
        """);

    [Fact]
    public void NG0009_softmax_before_the_last_layer() => Expect("NG0009", """
        [Network] [Input(2)] [Dense(3)] [[|Softmax|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0009_softmax_as_a_hidden_dense_argument() => Expect("NG0009", """
        [Network] [Input(2)] [Dense(3, [|Activation.Softmax|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0010_activation_with_no_layer_before_it() => Expect("NG0010", """
        [Network] [Input(2)] [[|ReLU|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0011_second_activation_on_one_layer() => Expect("NG0011", """
        [Network] [Input(2)] [Dense(3, Activation.Tanh)] [[|ReLU|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0012_layers_on_two_partial_declarations() => Expect("NG0012", """
        [Network] [Input(2)] [Dense(3)]
        public partial class Net;

        [[|Dense(1)|]]
        public partial class Net;
        """);

    [Fact]
    public void NG0013_generic_class() => Expect("NG0013", """
        [Network] [Input(2)] [Dense(1)]
        public partial class [|Net|]<T>;
        """);

    [Fact]
    public void NG0013_class_nested_in_a_generic_type() => Expect("NG0013", """
        public partial class Outer<T>
        {
            [Network] [Input(2)] [Dense(1)]
            public partial class [|Net|];
        }
        """);

    [Fact]
    public void NG0014_class_nested_in_a_non_partial_type() => Expect("NG0014", """
        public class Outer
        {
            [Network] [Input(2)] [Dense(1)]
            public partial class [|Net|];
        }
        """);

    [Fact]
    public void NG0015_loss_out_of_range() => Expect("NG0015", """
        [Network([|Loss = (Loss)7|])] [Input(2)] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0015_activation_out_of_range() => Expect("NG0015", """
        [Network] [Input(2)] [Dense(1, [|(Activation)42|])]
        public partial class Net;
        """);

    [Fact]
    public void NG0016_negative_leaky_relu_slope() => Expect("NG0016", """
        [Network] [Input(2)] [Dense(3)] [LeakyReLU([|-0.5f|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0016_nan_alpha_on_a_dense_layer() => Expect("NG0016", """
        [Network] [Input(2)] [Dense(3, Activation.LeakyReLU, [|Alpha = float.NaN|])] [Dense(1)]
        public partial class Net;
        """);

    [Theory]
    [InlineData("Momentum = 1.5f")]
    [InlineData("Momentum = -0.1f")]
    [InlineData("Beta1 = 1f")]
    [InlineData("Beta2 = -0.5f")]
    [InlineData("Epsilon = 0f")]
    [InlineData("Epsilon = float.PositiveInfinity")]
    [InlineData("WeightDecay = -0.01f")]
    [InlineData("WeightDecay = float.NaN")]
    public void NG0017_hyper_parameter_out_of_range(string argument) => Expect("NG0017", $$"""
        [Network(Optimizer = Optimizer.Adam, [|{{argument}}|])] [Input(2)] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0018_runtime_not_referenced()
    {
        (string source, TextSpan span) = Markup.Parse(Prelude + """
            [Network] [Input(2)] [Dense(1)]
            public partial class [|Net|];
            """);
        var withoutRuntime = GeneratorHarness.References.Where(r => !r.Display!.EndsWith("NetGen.Runtime.dll", System.StringComparison.Ordinal));
        GenerationResult result = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(withoutRuntime, source));
        AssertSingleDiagnostic(result, "NG0018", span);
    }

    [Fact]
    public void NG0019_static_class() => Expect("NG0019", """
        [Network] [Input(2)] [Dense(1)]
        public static partial class [|Net|];
        """);

    [Fact]
    public void NG0020_record() => Expect("NG0020", """
        [Network] [Input(2)] [Dense(1)]
        public partial record [|Net|];
        """);

    [Fact]
    public void Messages_name_the_network_and_say_how_to_fix_it()
    {
        GenerationResult result = Run("""
            [Network(Loss = Loss.CrossEntropy)] [Input(2)] [Dense(3)] [Sigmoid]
            public partial class Classifier;
            """).Result;
        string message = result.AnalyzerDiagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("Classifier", message, System.StringComparison.Ordinal);
        Assert.Contains("add [Softmax] after the last [Dense]", message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        GenerationResult result = Run("""
            [Network] [Input(0)] [Dense(-1)] [Softmax] [Dense(1)]
            public partial class Net;
            """).Result;
        Assert.Equal(["NG0005", "NG0005", "NG0009"], result.AnalyzerDiagnostics.Select(d => d.Id).Order().ToArray());
        Assert.Empty(result.Sources);
    }

    [Fact]
    public void Every_descriptor_is_listed_in_the_release_tracking_file()
    {
        string[] declared = [.. typeof(Diagnostics.DiagnosticDescriptors)
            .GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .Order()];
        string unshipped = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "NetGen.Generator", "AnalyzerReleases.Unshipped.md"));
        string[] tracked = [.. Regex.Matches(unshipped, @"^(NG\d{4}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order()];

        Assert.Equal(declared, tracked);
        Assert.Equal(declared.Length, declared.Distinct().Count());
    }

    [Fact]
    public void Every_descriptor_links_to_its_section_of_the_diagnostics_documentation()
    {
        string documentation = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics.md"));
        string[] headings = [.. Regex.Matches(documentation, @"^## (NG\d{4})$", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
        Assert.NotEmpty(Diagnostics.DiagnosticDescriptors.All);
        foreach (DiagnosticDescriptor descriptor in Diagnostics.DiagnosticDescriptors.All)
        {
            Assert.True(System.Uri.TryCreate(descriptor.HelpLinkUri, System.UriKind.Absolute, out System.Uri? link), $"{descriptor.Id}: '{descriptor.HelpLinkUri}' is not an absolute link");
            Assert.EndsWith("docs/diagnostics.md", link.AbsolutePath, System.StringComparison.Ordinal);
            // "## NG0001" is the section whose anchor the link names
            Assert.Equal("#" + descriptor.Id.ToLowerInvariant(), link.Fragment);
            Assert.Contains(descriptor.Id, headings);
        }

        Assert.Equal(headings.Length, headings.Distinct().Count());
    }

    [Fact]
    public void Every_descriptor_has_a_test()
    {
        string[] declared = [.. typeof(Diagnostics.DiagnosticDescriptors)
            .GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)];
        // here, and in the tests of a feature's own diagnostics (EmbeddedWeightsTests)
        string[] tested = [.. typeof(DiagnosticTests).Assembly.GetTypes().SelectMany(t => t.GetMethods()).Select(m => m.Name.Split('_')[0]).Where(n => n.StartsWith("NG", System.StringComparison.Ordinal))];

        Assert.Empty(declared.Except(tested));
    }

    [Fact]
    public void NG0021_layer_attributes_without_network()
    {
        (GenerationResult result, TextSpan span) = Run("""
            [[|Input(2)|]] [Dense(1)]
            public partial class Net;
            """);
        AssertSingleDiagnostic(result, "NG0021", span, DiagnosticSeverity.Warning);
    }

    [Fact]
    public void A_pragma_silences_an_NG_warning()
    {
        (GenerationResult result, _) = Run("""
            #pragma warning disable NG0021 // layers kept for later
            [Input(2)] [Dense(1)]
            public partial class Net;
            #pragma warning restore NG0021
            """);
        Assert.Empty(result.AnalyzerDiagnostics);
    }

    /// <summary>NG diagnostics take the severity a project configures (.editorconfig, NoWarn, WarningsAsErrors all come here).</summary>
    [Fact]
    public void A_configured_severity_applies_to_an_NG_diagnostic()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Prelude + """
            [Input(2)] [Dense(1)]
            public partial class Net;
            """);
        CSharpCompilation WithSeverity(ReportDiagnostic severity) =>
            compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([new("NG0021", severity)]));

        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(GeneratorHarness.Analyze(WithSeverity(ReportDiagnostic.Error))).Severity);
        Assert.Empty(GeneratorHarness.Analyze(WithSeverity(ReportDiagnostic.Suppress)));
    }

    private const string Prelude = """
        using NetGen;

        """;

    internal static void Expect(string id, string markup)
    {
        (GenerationResult result, TextSpan span) = Run(markup);
        AssertSingleDiagnostic(result, id, span);
    }

    private static (GenerationResult Result, TextSpan Span) Run(string markup)
    {
        string full = Prelude + markup;
        if (!full.Contains("[|", System.StringComparison.Ordinal))
        {
            return (GeneratorHarness.Run(full), default);
        }

        (string source, TextSpan span) = Markup.Parse(full);
        return (GeneratorHarness.Run(source), span);
    }

    private static void AssertSingleDiagnostic(GenerationResult result, string id, TextSpan span, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        Assert.Null(result.Generator.Exception);
        Assert.Empty(result.GeneratorDiagnostics);
        Diagnostic diagnostic = Assert.Single(result.AnalyzerDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        // A location in the compilation's own syntax tree, which #pragma and .editorconfig reach (not an external file).
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Same(result.Input.SyntaxTrees.First(), diagnostic.Location.SourceTree);

        // An invalid declaration generates nothing, so it cannot add errors of its own.
        Assert.Empty(result.Sources);
        Assert.Empty(result.ErrorsInGeneratedCode);
    }
}
