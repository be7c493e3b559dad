using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>What reading one declaration gave: the model (null when the declaration is invalid) and its diagnostics.</summary>
internal readonly record struct DeclarationResult(NetworkModel? Model, ImmutableArray<Diagnostic> Diagnostics)
{
    public static DeclarationResult Nothing { get; } = new(null, ImmutableArray<Diagnostic>.Empty);
}

/// <summary>
/// Finds the declaration that carries a class's <c>[Network]</c> and reads it. The one entry point shared by
/// <see cref="NetworkAnalyzer"/>, which reports the diagnostics, and <see cref="NetworkGenerator"/>, which
/// emits only valid models.
/// </summary>
internal static class NetworkDeclaration
{
    public const string AttributeNamespace = "NetGen";

    public const string NetworkAttributeMetadataName = "NetGen.NetworkAttribute";

    /// <summary>Reads the network declared on <paramref name="type"/> by <paramref name="networkAttribute"/>.</summary>
    public static DeclarationResult Read(INamedTypeSymbol type, AttributeData networkAttribute, Compilation compilation, CancellationToken cancellationToken)
    {
        if (networkAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attribute ||
            attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } owner)
        {
            return DeclarationResult.Nothing;
        }

        if (owner is RecordDeclarationSyntax record)
        {
            return new DeclarationResult(null, [Diagnostic.Create(DiagnosticDescriptors.RecordNetwork, record.Identifier.GetLocation(), type.Name)]);
        }

        if (owner is not ClassDeclarationSyntax declaration || !HasCompleteNames(declaration))
        {
            return DeclarationResult.Nothing;
        }

        var diagnostics = new List<Diagnostic>();
        NetworkModel? model = new DeclarationReader(type, declaration, networkAttribute, diagnostics, cancellationToken).Read(compilation);
        return new DeclarationResult(diagnostics.Count == 0 ? model : null, [.. diagnostics]);
    }

    /// <summary>
    /// The class's first <c>[Network]</c> in source order. A class with <c>[Network]</c> on several partial
    /// declarations (an error the compiler reports) is read once, from the first of them.
    /// </summary>
    public static AttributeData? FirstNetworkAttribute(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        AttributeData? first = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsNetworkAttribute(attribute.AttributeClass) || attribute.ApplicationSyntaxReference is null)
            {
                continue;
            }

            if (first is null || CompareSourceOrder(attribute.ApplicationSyntaxReference, first.ApplicationSyntaxReference!) < 0)
            {
                first = attribute;
            }
        }

        return first;
    }

    /// <summary>The location of <c>Name = value</c> in an attribute, or null when it is not written there.</summary>
    public static Location? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken) =>
        (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation();

    /// <summary>Whether two attribute data describe the same attribute in source.</summary>
    public static bool IsSameApplication(AttributeData left, AttributeData right) =>
        left.ApplicationSyntaxReference is { } l && right.ApplicationSyntaxReference is { } r &&
        l.SyntaxTree == r.SyntaxTree && l.Span == r.Span;

    public static bool IsNetworkAttribute(INamedTypeSymbol? attributeClass) =>
        attributeClass is { Name: "NetworkAttribute" } && IsInNetGenNamespace(attributeClass);

    /// <summary>Whether the attribute declares a layer: [Input], [Dense] or an activation.</summary>
    public static bool IsLayerAttribute(INamedTypeSymbol? attributeClass) =>
        attributeClass is not null && IsInNetGenNamespace(attributeClass) &&
        attributeClass.Name is "InputAttribute" or "DenseAttribute" or "ReLUAttribute" or "LeakyReLUAttribute"
            or "SigmoidAttribute" or "TanhAttribute" or "SoftmaxAttribute"
            or "Conv2DAttribute" or "MaxPool2DAttribute" or "AvgPool2DAttribute" or "DropoutAttribute";

    private static bool IsInNetGenNamespace(INamedTypeSymbol type) =>
        type.ContainingNamespace is { Name: AttributeNamespace, ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>
    /// Whether the class, the types around it and its namespaces all have names yet. While a name is
    /// being typed the compiler reports it; generating code for a nameless type would only add errors.
    /// </summary>
    private static bool HasCompleteNames(ClassDeclarationSyntax declaration)
    {
        for (SyntaxNode? node = declaration; node is not null; node = node.Parent)
        {
            bool complete = node switch
            {
                BaseTypeDeclarationSyntax type => SyntaxFacts.IsValidIdentifier(type.Identifier.ValueText),
                BaseNamespaceDeclarationSyntax ns => !ns.Name.IsMissing && !ns.Name.ContainsDiagnostics,
                _ => true,
            };
            if (!complete)
            {
                return false;
            }
        }

        return true;
    }

    private static int CompareSourceOrder(SyntaxReference left, SyntaxReference right)
    {
        int byFile = string.CompareOrdinal(left.SyntaxTree.FilePath, right.SyntaxTree.FilePath);
        return byFile != 0 ? byFile : left.Span.Start.CompareTo(right.Span.Start);
    }
}
