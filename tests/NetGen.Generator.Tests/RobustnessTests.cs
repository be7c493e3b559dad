using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>
/// Half-typed source, as the IDE sees it between keystrokes: neither the generator nor the analyzer may
/// throw, and the generator must not generate code that adds errors of its own to those the compiler reports.
/// </summary>
public sealed class RobustnessTests
{
    [Theory]
    [InlineData("[Network(Loss = )] [Input(2)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network(Loss = Loss.)] [Input(2)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(units: )] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1, Activation.)] public partial class Net;")]
    [InlineData("[Network] [Input(\"two\")] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1.5)] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1)] [LeakyReLU(alpha: )] public partial class Net;")]
    [InlineData("[Network(Optimizer = Optimizer.Adam, Beta1 = )] [Input(2)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1)] [Dens(3)] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1)] public partial class")]
    [InlineData("[Network] [Input(2)] [Dense(1)] public partial class Net<")]
    [InlineData("[Network] [Input(2)] [Dense(1)] public partial class Net : ")]
    [InlineData("[Network] [Input(2)] [Dense(1)] partial class Net { public void Forward() { }")]
    [InlineData("[Network] [Input(2)] [Dense(int.MaxValue)] [Dense(int.MaxValue)] public partial class Net;")]
    [InlineData("[Network] [Network] [Input(2)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1)] public partial class Net; [Network] [Input(2)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1)] public partial struct Net;")]
    [InlineData("[Network] [Input(2)] [Dense(1)] public partial interface INet;")]
    [InlineData("namespace { [Network] [Input(2)] [Dense(1)] public partial class Net; }")]
    [InlineData("[Network] [Input(1, 28, ] [Conv2D(8, 5)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28)] [Conv2D(8, 5)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28, 28)] [Conv2D(8, )] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28, 28)] [Conv2D(8, 5, Stride = )] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28, 28)] [Conv2D(8, 5, Activation.)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28, 28)] [MaxPool2D] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28, 28)] [AvgPool2D(\"2\")] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28, 28)] [Dropout(p: )] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(int.MaxValue, int.MaxValue, int.MaxValue)] [Conv2D(int.MaxValue, int.MaxValue)] [Dense(1)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 28, 28)] [Conv2D(int.MaxValue, 1)] [MaxPool2D(1, Stride = int.MaxValue)] [Dense(int.MaxValue)] public partial class Net;")]
    [InlineData("[Network] [Input(1, 4, 4)] [Conv2D(1, 1, Padding = int.MaxValue)] [Dense(1)] public partial class Net;")]
    public void Half_typed_declarations_raise_no_exception_and_no_errors_in_generated_code(string declaration) =>
        AssertRobust("using NetGen;\n" + declaration);

    /// <summary>Every prefix of a valid file: the states the source passes through while it is typed.</summary>
    [Fact]
    public void Every_prefix_of_a_declaration_is_handled()
    {
        const string source = """
            using NetGen;
            namespace N;
            [Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam, Beta1 = 0.8f)]
            [Input(5)] [Dense(4, Activation.LeakyReLU, Alpha = 0.1f)] [Dense(3)] [Softmax]
            public partial class Net;
            """;

        CSharpCompilationCache cache = new();
        for (int length = 14; length <= source.Length; length++)
        {
            AssertRobust(source[..length], cache);
        }
    }

    /// <summary>The file with each one of its tokens deleted: a keystroke too many, a word cut, a bracket lost.</summary>
    [Fact]
    public void Every_deletion_of_one_token_is_handled()
    {
        const string source = """
            using NetGen;
            namespace N;
            public partial class Outer
            {
                [Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Momentum, Momentum = 0.8f, WeightDecay = 1e-4f)]
                [Input(5)] [Dense(units: 4, Activation.LeakyReLU, Alpha = 0.1f)] [Dense(4)] [Tanh] [Dense(3)] [Softmax]
                public sealed partial class Net;
            }
            """;

        CSharpCompilationCache cache = new();
        var tokens = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToList();
        Assert.True(tokens.Count > 80, $"only {tokens.Count} tokens");
        foreach (SyntaxToken token in tokens.Where(t => t.Span.Length > 0))
        {
            AssertRobust(source.Remove(token.SpanStart, token.Span.Length), cache);
        }
    }

    /// <summary>A compilation's references are reused across the many prefixes, which keeps this test fast.</summary>
    private sealed class CSharpCompilationCache
    {
        private Microsoft.CodeAnalysis.CSharp.CSharpCompilation? _compilation;

        public Microsoft.CodeAnalysis.CSharp.CSharpCompilation With(string source)
        {
            var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Source0.cs");
            _compilation = _compilation is null
                ? GeneratorHarness.CreateCompilation(source)
                : _compilation.ReplaceSyntaxTree(_compilation.SyntaxTrees.Single(), tree);
            return _compilation;
        }
    }

    private static void AssertRobust(string source, CSharpCompilationCache? cache = null)
    {
        GenerationResult result = GeneratorHarness.Run(cache?.With(source) ?? GeneratorHarness.CreateCompilation(source));

        Assert.Null(result.Generator.Exception);
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        // AD0001: the analyzer threw.
        Assert.DoesNotContain(result.AnalyzerDiagnostics, d => d.Id == "AD0001");
        Diagnostic[] introduced = [.. result.ErrorsInGeneratedCode];
        Assert.True(introduced.Length == 0, $"Generated code adds errors for:\n{source}\n" + string.Join("\n", introduced.Select(d => d.ToString())));
    }
}
