using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Emitting;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

/// <summary>
/// Generates the Forward, Backward and optimizer methods of every class marked <c>[NetGen.Network]</c>.
/// This file only wires the steps: <see cref="NetworkDeclaration"/> turns symbols into an equatable model,
/// <see cref="Planner"/> decides how its code runs, <see cref="Emitter"/> writes the plan as source. Invalid
/// declarations generate nothing; their diagnostics come from <see cref="NetworkAnalyzer"/>, at their real
/// source locations.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Names of the pipeline steps, for incrementality tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Each [Network] declaration read into a model, or nothing when it is invalid.</summary>
        public const string Parse = "NetGen.Parse";

        /// <summary>The models of valid declarations, one per network.</summary>
        public const string Models = "NetGen.Models";

        /// <summary>The project's NetGen options (MSBuild properties).</summary>
        public const string Options = "NetGen.Options";

        /// <summary>The plan of each network: its model under the project's options.</summary>
        public const string Plans = "NetGen.Plans";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkModel?> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkDeclaration.NetworkAttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, cancellationToken) => Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<NetworkModel> models = parsed
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Models);

        IncrementalValueProvider<GeneratorOptions> options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => GeneratorOptions.From(provider.GlobalOptions))
            .WithTrackingName(TrackingNames.Options);

        IncrementalValuesProvider<NetworkPlan> plans = models
            .Combine(options)
            .Select(static (pair, _) => Planner.Plan(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Plans);

        context.RegisterSourceOutput(plans, static (context, plan) =>
            context.AddSource(plan.Model.HintName, Emitter.Emit(plan)));
    }

    /// <summary>The model of a valid declaration; null for an invalid one (the analyzer reports why) and for a second [Network] on the same class.</summary>
    private static NetworkModel? Parse(GeneratorAttributeSyntaxContext context, System.Threading.CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.IsEmpty)
        {
            return null;
        }

        AttributeData? first = NetworkDeclaration.FirstNetworkAttribute(type, cancellationToken);
        if (first is null || !NetworkDeclaration.IsSameApplication(first, context.Attributes[0]))
        {
            return null;
        }

        return NetworkDeclaration.Read(type, first, context.SemanticModel.Compilation, cancellationToken).Model;
    }
}
