using System;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace NetGen.CodeFixes;

/// <summary>Registers a fix that rewrites the syntax root of the diagnostic's document.</summary>
internal static class CodeFixes
{
    public static void Register(CodeFixContext context, Diagnostic diagnostic, string title, string equivalenceKey, Func<SyntaxNode, SyntaxNode?> rewrite) =>
        context.RegisterCodeFix(
            CodeAction.Create(
                title,
                async cancellationToken =>
                {
                    SyntaxNode? root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                    SyntaxNode? rewritten = root is null ? null : rewrite(root);
                    return rewritten is null ? context.Document : context.Document.WithSyntaxRoot(rewritten);
                },
                equivalenceKey),
            diagnostic);

    public static async Task<SyntaxNode?> RootAsync(CodeFixContext context) =>
        await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
}
