using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;

namespace NetGen.Generator;

/// <summary>
/// Generates the Forward, Backward and optimizer methods of every class marked <c>[NetGen.Network]</c>.
/// This file only wires the steps: <see cref="Parser"/> turns symbols into an equatable model and
/// diagnostics, <see cref="Emitter"/> turns the model into source.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Names of the pipeline steps, for incrementality tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Each [Network] declaration read into a model and its diagnostics.</summary>
        public const string Parse = "NetGen.Parse";

        /// <summary>The models of valid declarations, one per network.</summary>
        public const string Models = "NetGen.Models";

        /// <summary>The diagnostics of each declaration.</summary>
        public const string Diagnostics = "NetGen.Diagnostics";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "NetGen.NetworkAttribute",
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
            .Select(static (result, _) => result.Diagnostics)
            .Where(static diagnostics => diagnostics.Count > 0)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (context, diagnostics) =>
        {
            foreach (DiagnosticInfo diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        IncrementalValuesProvider<NetworkModel> models = results
            .Select(static (result, _) => result.Model!)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Models);

        context.RegisterSourceOutput(models, static (context, model) =>
            context.AddSource(model.HintName, Emitter.Emit(model)));
    }
}
