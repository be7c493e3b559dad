namespace NetGen.Generator.Planning;

/// <summary>
/// What a project asks of the generated code through MSBuild properties, read from the compiler's analyzer
/// config (the package makes them visible with <c>CompilerVisibleProperty</c>).
/// </summary>
/// <param name="MathComments"><c>NetGenMathComments</c> (default true): explain each step of the generated code with its math.</param>
/// <param name="ScalarKernels"><c>NetGenScalarKernels</c> (default false): run every kernel as plain scalar code, to step through in a debugger.</param>
internal sealed record GeneratorOptions(bool MathComments, bool ScalarKernels)
{
    public const string MathCommentsProperty = "NetGenMathComments";

    public const string ScalarKernelsProperty = "NetGenScalarKernels";

    public static GeneratorOptions Default { get; } = new(MathComments: true, ScalarKernels: false);

    /// <summary>The options from the global analyzer config: <c>build_property.NetGenMathComments</c> and friends.</summary>
    public static GeneratorOptions From(Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions options) =>
        new(
            Flag(options, MathCommentsProperty, Default.MathComments),
            Flag(options, ScalarKernelsProperty, Default.ScalarKernels));

    private static bool Flag(Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions options, string property, bool fallback) =>
        options.TryGetValue("build_property." + property, out string? value) && bool.TryParse(value?.Trim(), out bool flag) ? flag : fallback;
}
