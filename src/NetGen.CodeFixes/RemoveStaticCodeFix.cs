using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>NG0019: a network holds its parameters in an instance, so remove <c>static</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveStaticCodeFix)), Shared]
public sealed class RemoveStaticCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.StaticNetwork.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await CodeFixes.RootAsync(context).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null || NetworkSyntax.DeclarationAt(root, diagnostic.Location.SourceSpan) is not { } network)
            {
                continue;
            }

            SyntaxToken keyword = network.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.StaticKeyword));
            if (keyword == default)
            {
                continue;
            }

            CodeFixes.Register(context, diagnostic, "Remove 'static'", "NetGen.RemoveStatic", r =>
            {
                int index = network.Modifiers.IndexOf(keyword);
                var modifiers = network.Modifiers.RemoveAt(index);
                // the first modifier carries the declaration's leading trivia: keep it
                if (index == 0 && modifiers.Count > 0)
                {
                    modifiers = modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia(keyword.LeadingTrivia));
                }

                return r.ReplaceNode(network, network.WithModifiers(modifiers));
            });
        }
    }
}
