using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>NG0001 and NG0014: add <c>partial</c> to the network class, or to the types it is nested in.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix)), Shared]
public sealed class AddPartialCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        [DiagnosticDescriptors.ClassNotPartial.Id, DiagnosticDescriptors.ContainingTypeNotPartial.Id];

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

            if (diagnostic.Id == DiagnosticDescriptors.ClassNotPartial.Id)
            {
                CodeFixes.Register(context, diagnostic, $"Make '{network.Identifier.ValueText}' partial", "NetGen.AddPartial", r =>
                    r.ReplaceNode(network, NetworkSyntax.AddPartial(network)));
                continue;
            }

            var containers = network.Ancestors().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)).ToList();
            if (containers.Count > 0)
            {
                string names = string.Join("', '", containers.Select(c => c.Identifier.ValueText));
                CodeFixes.Register(context, diagnostic, $"Make '{names}' partial", "NetGen.AddPartialToContainers", r =>
                    r.ReplaceNodes(containers, (original, rewritten) => NetworkSyntax.AddPartial(rewritten)));
            }
        }
    }
}
