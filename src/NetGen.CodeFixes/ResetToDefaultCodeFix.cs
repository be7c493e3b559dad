using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>NG0016 and NG0017: an out-of-range hyper-parameter or LeakyReLU slope goes back to its default (PyTorch's).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ResetToDefaultCodeFix)), Shared]
public sealed class ResetToDefaultCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        [DiagnosticDescriptors.InvalidLeakyReLUAlpha.Id, DiagnosticDescriptors.HyperParameterOutOfRange.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await CodeFixes.RootAsync(context).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.DefaultValue, out string? value) || value is null ||
                root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>() is not { } argument)
            {
                continue;
            }

            string name = argument.NameEquals?.Name.Identifier.ValueText ?? argument.NameColon?.Name.Identifier.ValueText ?? "alpha";
            CodeFixes.Register(context, diagnostic, $"Reset {name} to its default, {value}", "NetGen.ResetToDefault", r =>
                r.ReplaceNode(argument, argument.WithExpression(SyntaxFactory.ParseExpression(value).WithTriviaFrom(argument.Expression))));
        }
    }
}
