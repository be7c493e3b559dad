using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0009: softmax turns outputs into probabilities, so it belongs on the last layer: remove it where it is
/// (the [Softmax] attribute, or the Dense's <c>Activation.Softmax</c> argument) and put [Softmax] after the
/// last [Dense]. Offered when the last layer has no activation of its own.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveSoftmaxCodeFix)), Shared]
public sealed class MoveSoftmaxCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.SoftmaxNotLast.Id];

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

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

            (AttributeSyntax? last, AttributeSyntax? lastActivation) = NetworkSyntax.LastLayer(network);
            if (last is null || lastActivation is not null || NetworkSyntax.ActivationArgument(last) is not null)
            {
                continue;
            }

            SyntaxNode misplaced = root.FindNode(diagnostic.Location.SourceSpan);
            CodeFixes.Register(context, diagnostic, "Move Softmax to the last layer", "NetGen.MoveSoftmax", r =>
            {
                TypeDeclarationSyntax edited = network.TrackNodes(last, misplaced);
                SyntaxNode current = edited.GetCurrentNode(misplaced)!;
                edited = current switch
                {
                    AttributeSyntax attribute => NetworkSyntax.RemoveAttribute(edited, attribute),
                    _ when current.FirstAncestorOrSelf<AttributeArgumentSyntax>() is { } argument => RemoveArgument(edited, argument),
                    _ => edited,
                };
                return r.ReplaceNode(network, NetworkSyntax.InsertAfter(edited, edited.GetCurrentNode(last)!, "Softmax"));
            });
        }
    }

    private static TypeDeclarationSyntax RemoveArgument(TypeDeclarationSyntax declaration, AttributeArgumentSyntax argument)
    {
        var list = (AttributeArgumentListSyntax)argument.Parent!;
        return declaration.ReplaceNode(list, list.WithArguments(list.Arguments.Remove(argument)));
    }
}
