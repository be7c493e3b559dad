using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>
/// Roslyn's code-fix test: the analyzer must report the diagnostics marked <c>{|NG0001:...|}</c> in the
/// source, and the fix must turn it into the fixed source, which must then compile with no diagnostic.
/// Compiled against this process's framework and NetGen's assemblies, so nothing is downloaded.
/// </summary>
internal sealed class CodeFixTest<TCodeFix> : CSharpCodeFixTest<NetworkAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    private const string Prelude = "using NetGen;\n\n";

    public CodeFixTest(string source, string fixedSource, int codeActionIndex = 0)
    {
        TestCode = Prelude + source;
        FixedCode = Prelude + fixedSource;
        CodeActionIndex = codeActionIndex;
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
    }
}
