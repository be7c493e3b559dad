using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes;

/// <summary>Reading and editing the attributes of a network declaration, for the code fixes.</summary>
internal static class NetworkSyntax
{
    /// <summary>The attribute name as written, without namespace or <c>Attribute</c> suffix: <c>Dense</c>, <c>ReLU</c>.</summary>
    public static string ShortName(AttributeSyntax attribute)
    {
        string name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    public static bool IsActivation(string shortName) =>
        shortName is "ReLU" or "LeakyReLU" or "Sigmoid" or "Tanh" or "Softmax";

    /// <summary>The declaration's attributes in source order, flattened out of their lists.</summary>
    public static IReadOnlyList<AttributeSyntax> Attributes(TypeDeclarationSyntax declaration) =>
        [.. declaration.AttributeLists.SelectMany(list => list.Attributes)];

    /// <summary>The last [Dense] of the declaration and the activation attribute that follows it, if any.</summary>
    public static (AttributeSyntax? Dense, AttributeSyntax? Activation) LastLayer(TypeDeclarationSyntax declaration)
    {
        IReadOnlyList<AttributeSyntax> attributes = Attributes(declaration);
        int last = -1;
        for (int i = 0; i < attributes.Count; i++)
        {
            if (ShortName(attributes[i]) == "Dense")
            {
                last = i;
            }
        }

        if (last < 0)
        {
            return (null, null);
        }

        AttributeSyntax? activation = attributes.Skip(last + 1).FirstOrDefault(a => IsActivation(ShortName(a)));
        return (attributes[last], activation);
    }

    /// <summary>The activation argument of a Dense (<c>Activation.ReLU</c>, by position or by name), if it has one.</summary>
    public static AttributeArgumentSyntax? ActivationArgument(AttributeSyntax dense)
    {
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = dense.ArgumentList?.Arguments ?? default;
        return arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "activation")
            ?? arguments.Where(a => a.NameColon is null && a.NameEquals is null).Skip(1).FirstOrDefault();
    }

    /// <summary>
    /// A new attribute list <c>[name]</c> on the same line as the list it follows. Its tokens carry no elastic
    /// trivia, so the formatter that runs after a code fix leaves the line as the user wrote it.
    /// </summary>
    public static AttributeListSyntax NewList(string name) =>
        SyntaxFactory.AttributeList(
                Token(SyntaxKind.OpenBracketToken),
                null,
                SyntaxFactory.SingletonSeparatedList(NewAttribute(name)),
                Token(SyntaxKind.CloseBracketToken))
            .WithLeadingTrivia(SyntaxFactory.Space);

    /// <summary>An attribute <c>name</c> with no arguments and no elastic trivia.</summary>
    public static AttributeSyntax NewAttribute(string name) =>
        SyntaxFactory.Attribute(SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(SyntaxTriviaList.Empty, name, SyntaxTriviaList.Empty)));

    private static SyntaxToken Token(SyntaxKind kind) => SyntaxFactory.Token(SyntaxTriviaList.Empty, kind, SyntaxTriviaList.Empty);

    /// <summary>
    /// The declaration with <paramref name="attribute"/> removed: its whole list when it is alone in it,
    /// keeping the list's leading trivia on what follows.
    /// </summary>
    public static TypeDeclarationSyntax RemoveAttribute(TypeDeclarationSyntax declaration, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1)
        {
            return declaration.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
        }

        return declaration.RemoveNode(list, SyntaxRemoveOptions.KeepLeadingTrivia)!;
    }

    /// <summary>The declaration with a new list <c>[name]</c> right after the list holding <paramref name="after"/>.</summary>
    public static TypeDeclarationSyntax InsertAfter(TypeDeclarationSyntax declaration, AttributeSyntax after, string name)
    {
        // the new list takes over the end of the line (the line break) from the list it follows
        var list = (AttributeListSyntax)after.Parent!;
        return declaration.ReplaceNode(list, [list.WithTrailingTrivia(), NewList(name).WithTrailingTrivia(list.GetTrailingTrivia())]);
    }

    /// <summary>The class, struct or record a diagnostic's span lies in.</summary>
    public static TypeDeclarationSyntax? DeclarationAt(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<TypeDeclarationSyntax>();

    /// <summary>The declaration with <c>partial</c> added just before its keyword, where C# requires it.</summary>
    public static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        SyntaxToken partial = Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count == 0)
        {
            // the keyword's leading trivia (the line break after the attributes) moves to the new first modifier
            partial = partial.WithLeadingTrivia(declaration.Keyword.LeadingTrivia);
            return declaration.WithKeyword(declaration.Keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(partial));
    }
}
