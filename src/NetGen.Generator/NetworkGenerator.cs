using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Emitting;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;
using NetGen.Generator.Weights;

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

        /// <summary>The project's AdditionalFiles items that may be weights files (.safetensors), read.</summary>
        public const string WeightsFiles = "NetGen.WeightsFiles";

        /// <summary>Each network with the parameters its Weights file embeds (none without one), checked against its layers.</summary>
        public const string Weights = "NetGen.Weights";

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

        // Weights files are read once per change of the item; editing one re-plans only the networks it feeds.
        IncrementalValueProvider<ImmutableArray<WeightsFile>> weightsFiles = context.AdditionalTextsProvider
            .Where(static text => WeightsFile.IsCandidate(text))
            .Select(static (text, cancellationToken) => WeightsFile.Read(text, cancellationToken))
            .WithTrackingName(TrackingNames.WeightsFiles)
            .Collect();

        IncrementalValuesProvider<WeighedModel> weighed = models
            .Combine(weightsFiles)
            .Select(static (pair, _) => Weigh(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Weights)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        IncrementalValuesProvider<NetworkPlan> plans = weighed
            .Combine(options)
            .Select(static (pair, _) => Planner.Plan(pair.Left.Model, pair.Left.Weights, pair.Right))
            .WithTrackingName(TrackingNames.Plans);

        context.RegisterSourceOutput(plans, static (context, plan) =>
        {
            context.AddSource(plan.Model.HintName, Emitter.Emit(plan));
            if (plan.Weights is not null)
            {
                context.AddSource(Emitter.WeightsHintName(plan.Model), Emitter.EmitWeights(plan));
            }
        });
    }

    /// <summary>The model with its embedded weights; null when its weights file has a problem (the analyzer reports it).</summary>
    private static WeighedModel? Weigh(NetworkModel model, ImmutableArray<WeightsFile> files)
    {
        if (model.Weights is null)
        {
            return new WeighedModel(model, null);
        }

        WeightsResolution resolution = WeightsReader.Resolve(model, files);
        return resolution.Weights is { } weights ? new WeighedModel(model, weights) : null;
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
