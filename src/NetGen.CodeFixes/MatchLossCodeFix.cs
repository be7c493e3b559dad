using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0007 and NG0008: the loss and the last activation disagree. Two repairs: change the loss to the one that
/// suits the last activation (cross-entropy after softmax, binary cross-entropy after a sigmoid, squared error
/// otherwise), or change the last activation to the one the loss is fused with.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MatchLossCodeFix)), Shared]
public sealed class MatchLossCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        [DiagnosticDescriptors.CrossEntropyNeedsSoftmax.Id, DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await CodeFixes.RootAsync(context).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null ||
                root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>() is not { NameEquals: not null } loss ||
                NetworkSyntax.DeclarationAt(root, diagnostic.Location.SourceSpan) is not { } network ||
                NetworkSyntax.LastLayer(network) is not { Dense: { } last } layer)
            {
                continue;
            }

            string activation = LastActivation(last, layer.Activation);
            string suited = activation switch
            {
                "Softmax" => "CrossEntropy",
                "Sigmoid" => "BinaryCrossEntropy",
                _ => "SquaredError",
            };
            CodeFixes.Register(context, diagnostic, $"Use Loss.{suited}, which suits the last activation", "NetGen.MatchLossToActivation", r =>
                r.ReplaceNode(loss, loss.WithExpression(SyntaxFactory.ParseExpression("Loss." + suited).WithTriviaFrom(loss.Expression))));

            string needed = diagnostic.Id == DiagnosticDescriptors.CrossEntropyNeedsSoftmax.Id ? "Softmax" : "Sigmoid";
            CodeFixes.Register(context, diagnostic, $"Use {needed} on the last layer", "NetGen.MatchActivationToLoss", r =>
                r.ReplaceNode(network, WithLastActivation(network, last, layer.Activation, needed)));
        }
    }

    /// <summary>The last layer's activation as written: a following attribute, the Dense's argument, or Identity.</summary>
    private static string LastActivation(AttributeSyntax dense, AttributeSyntax? attribute)
    {
        if (attribute is not null)
        {
            return NetworkSyntax.ShortName(attribute);
        }

        return NetworkSyntax.ActivationArgument(dense)?.Expression is MemberAccessExpressionSyntax member
            ? member.Name.Identifier.ValueText
            : "Identity";
    }

    private static TypeDeclarationSyntax WithLastActivation(TypeDeclarationSyntax network, AttributeSyntax dense, AttributeSyntax? attribute, string activation)
    {
        if (attribute is not null)
        {
            // [Dense(3)] [Tanh] -> [Dense(3)] [Softmax]
            return network.ReplaceNode(attribute, NetworkSyntax.NewAttribute(activation).WithTriviaFrom(attribute));
        }

        if (NetworkSyntax.ActivationArgument(dense) is { } argument)
        {
            // [Dense(3, Activation.Tanh)] -> [Dense(3, Activation.Softmax)]
            return network.ReplaceNode(argument, argument.WithExpression(SyntaxFactory.ParseExpression("Activation." + activation).WithTriviaFrom(argument.Expression)));
        }

        // [Dense(3)] -> [Dense(3)] [Softmax]
        return NetworkSyntax.InsertAfter(network, dense, activation);
    }
}
