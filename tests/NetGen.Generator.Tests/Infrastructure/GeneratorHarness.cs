using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>Compiles test source with the NetGen generator and analyzer, as the compiler would in a user's project.</summary>
internal static class GeneratorHarness
{
    /// <summary>C# 12, the newest language every target NetGen supports (net8.0) compiles by default.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The framework, NetGen.Attributes and NetGen.Runtime.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static CSharpCompilation CreateCompilation(IEnumerable<MetadataReference>? references = null, params string[] sources) =>
        CSharpCompilation.Create(
            "NetGenTestAssembly",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            references ?? References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation(null, sources);

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText>? additionalTexts = null) =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            additionalTexts: additionalTexts,
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="sources"/>.</summary>
    public static GenerationResult Run(params string[] sources) => Run(CreateCompilation(sources));

    /// <summary>Runs the generator once, with the project's AdditionalFiles items (weights files).</summary>
    public static GenerationResult Run(CSharpCompilation compilation, ImmutableArray<AdditionalText> additionalTexts = default)
    {
        additionalTexts = additionalTexts.IsDefault ? [] : additionalTexts;
        GeneratorDriver driver = CreateDriver(additionalTexts).RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GenerationResult(compilation, output, driver.GetRunResult(), generatorDiagnostics, additionalTexts);
    }

    /// <summary>
    /// What <see cref="NetworkAnalyzer"/> reports on <paramref name="compilation"/>, after <c>#pragma</c> and
    /// <paramref name="options"/> (.editorconfig severities) have had their say, as in a build.
    /// </summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation, AnalyzerOptions? options = null) =>
        compilation
            .WithAnalyzers([new NetworkAnalyzer()], options)
            .GetAnalyzerDiagnosticsAsync()
            .GetAwaiter()
            .GetResult();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == frameworkDirectory)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        return
        [
            .. framework,
            MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(INetwork).Assembly.Location),
        ];
    }
}

/// <summary>What one generator run produced.</summary>
internal sealed record GenerationResult(
    Compilation Input,
    Compilation Output,
    GeneratorDriverRunResult RunResult,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<AdditionalText> AdditionalTexts = default)
{
    public GeneratorRunResult Generator => RunResult.Results.Single();

    /// <summary>The generated files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Generator.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>What the analyzer reports on the input: the NG diagnostics, at their source locations.</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics =>
        GeneratorHarness.Analyze(Input, new AnalyzerOptions(AdditionalTexts.IsDefault ? [] : AdditionalTexts));

    /// <summary>Errors and warnings of the compilation with the generated code added.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];

    /// <summary>Errors of the output compilation located in generated files.</summary>
    public ImmutableArray<Diagnostic> ErrorsInGeneratedCode =>
        [.. Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && !Input.SyntaxTrees.Contains(tree))];
}
