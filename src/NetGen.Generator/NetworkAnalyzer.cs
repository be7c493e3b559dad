using System;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Parsing;
using NetGen.Generator.Weights;

namespace NetGen.Generator;

/// <summary>
/// Checks every network declaration as it is typed and reports what is wrong at the real source location
/// of the attribute, argument or name at fault, so the editor underlines it and <c>#pragma warning</c> and
/// <c>.editorconfig</c> severities apply. It reads declarations with the same <see cref="NetworkDeclaration"/>
/// as the generator, which emits code only for the declarations this analyzer finds nothing wrong with.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Without the attributes assembly no class can declare a network.
            if (start.Compilation.GetTypeByMetadataName(NetworkDeclaration.NetworkAttributeMetadataName) is null)
            {
                return;
            }

            // The weights files of this compilation, read on first need; an item read before is not read again.
            var weightsFiles = new Lazy<ImmutableArray<WeightsFile>>(() =>
                [.. start.Options.AdditionalFiles.Where(WeightsFile.IsCandidate).Select(text => s_read.GetValue(text, t => WeightsFile.Read(t, CancellationToken.None)))]);
            start.RegisterSymbolAction(context => AnalyzeType(context, weightsFiles), SymbolKind.NamedType);
        });
    }

    /// <summary>Weights files by item: an editor hands the analyzer the same item until the file changes.</summary>
    private static readonly ConditionalWeakTable<AdditionalText, WeightsFile> s_read = new();

    private static void AnalyzeType(SymbolAnalysisContext context, Lazy<ImmutableArray<WeightsFile>> weightsFiles)
    {
        if (context.Symbol is not INamedTypeSymbol type)
        {
            return;
        }

        AttributeData? network = NetworkDeclaration.FirstNetworkAttribute(type, context.CancellationToken);
        if (network is null)
        {
            ReportLayersWithoutNetwork(context, type);
            return;
        }

        DeclarationResult result = NetworkDeclaration.Read(type, network, context.Compilation, context.CancellationToken);
        foreach (Diagnostic diagnostic in result.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        // A valid declaration that embeds weights: the file must be there and fit the layers.
        if (result.Model is { Weights: not null } model && WeightsReader.Resolve(model, weightsFiles.Value).Problem is { } problem)
        {
            Location location = NetworkDeclaration.NamedArgumentLocation(network, "Weights", context.CancellationToken) ?? Location.None;
            context.ReportDiagnostic(WeightsReader.ToDiagnostic(problem, location));
        }
    }

    /// <summary>Layer attributes on a class without [Network] generate nothing: say so, on the first of them.</summary>
    private static void ReportLayersWithoutNetwork(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        SyntaxReference? firstLayer = type.GetAttributes()
            .Where(a => NetworkDeclaration.IsLayerAttribute(a.AttributeClass))
            .Select(a => a.ApplicationSyntaxReference)
            .Where(r => r is not null)
            .OrderBy(r => r!.SyntaxTree.FilePath, System.StringComparer.Ordinal)
            .ThenBy(r => r!.Span.Start)
            .FirstOrDefault();
        if (firstLayer is not null)
        {
            Location location = Location.Create(firstLayer.SyntaxTree, firstLayer.Span);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LayersWithoutNetwork, location, type.Name));
        }
    }
}
