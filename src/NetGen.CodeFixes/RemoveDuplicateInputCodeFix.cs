using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>NG0003, when [Input] is declared twice: remove the second one (the first sets the size).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveDuplicateInputCodeFix)), Shared]
public sealed class RemoveDuplicateInputCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.MisplacedInput.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await CodeFixes.RootAsync(context).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.InputProblem, out string? problem) ||
                problem != DiagnosticProperties.DuplicateInput ||
                root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is not { } input ||
                input.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } network)
            {
                continue;
            }

            CodeFixes.Register(context, diagnostic, "Remove the second [Input]", "NetGen.RemoveDuplicateInput", r =>
                r.ReplaceNode(network, NetworkSyntax.RemoveAttribute(network, input)));
        }
    }
}
