using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>NG0020: declare the network as a class. Offered for records without a parameter list, which have nothing that would not carry over.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RecordToClassCodeFix)), Shared]
public sealed class RecordToClassCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.RecordNetwork.Id];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await CodeFixes.RootAsync(context).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null ||
                NetworkSyntax.DeclarationAt(root, diagnostic.Location.SourceSpan) is not RecordDeclarationSyntax record ||
                record.ParameterList is not null ||
                record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword))
            {
                continue;
            }

            CodeFixes.Register(context, diagnostic, $"Declare '{record.Identifier.ValueText}' as a class", "NetGen.RecordToClass", r =>
            {
                SyntaxToken keyword = SyntaxFactory.Token(record.Keyword.LeadingTrivia, SyntaxKind.ClassKeyword, record.Keyword.TrailingTrivia);
                if (!record.ClassOrStructKeyword.IsKind(SyntaxKind.None))
                {
                    // "record class Net": drop "record", keep "class"
                    keyword = record.ClassOrStructKeyword.WithLeadingTrivia(record.Keyword.LeadingTrivia);
                }

                ClassDeclarationSyntax declaration = SyntaxFactory.ClassDeclaration(
                    record.AttributeLists,
                    record.Modifiers,
                    keyword,
                    record.Identifier,
                    record.TypeParameterList,
                    record.BaseList,
                    record.ConstraintClauses,
                    record.OpenBraceToken,
                    record.Members,
                    record.CloseBraceToken,
                    record.SemicolonToken);
                return r.ReplaceNode(record, declaration);
            });
        }
    }
}
