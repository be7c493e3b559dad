using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>NG0021: layer attributes on a class without [Network]: add [Network] before them.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddNetworkAttributeCodeFix)), Shared]
public sealed class AddNetworkAttributeCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.LayersWithoutNetwork.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await CodeFixes.RootAsync(context).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeListSyntax>() is not { } list)
            {
                continue;
            }

            CodeFixes.Register(context, diagnostic, "Add [Network]", "NetGen.AddNetwork", r =>
            {
                // the new list takes the first list's place (and its leading trivia); the first list follows it on the same line
                AttributeListSyntax network = NetworkSyntax.NewList("Network").WithLeadingTrivia(list.GetLeadingTrivia());
                return r.ReplaceNode(list, [network, list.WithLeadingTrivia(SyntaxFactory.Space)]);
            });
        }
    }
}
