using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>
/// Reads one <c>[Network]</c> declaration (the class, its containers and its layer attributes) into a
/// <see cref="NetworkModel"/> and the diagnostics of what is wrong with it, at the real source location of
/// the attribute, argument or name at fault. The analyzer reports the diagnostics; the generator emits the
/// model only when there are none, and keeps neither the diagnostics nor any symbol or syntax node.
/// Never throws on half-typed source.
/// </summary>
internal sealed class DeclarationReader(
    INamedTypeSymbol type,
    ClassDeclarationSyntax declaration,
    AttributeData networkAttribute,
    List<Diagnostic> diagnostics,
    CancellationToken cancellationToken)
{
    /// <summary>One layer attribute as read from source, before the layers are assembled.</summary>
    private sealed class LayerAttribute(AttributeData data, AttributeSyntax syntax, TypeDeclarationSyntax declaration)
    {
        public AttributeData Data { get; } = data;

        public AttributeSyntax Syntax { get; } = syntax;

        public TypeDeclarationSyntax Declaration { get; } = declaration;

        public string Name { get; } = data.AttributeClass!.Name;

        /// <summary>The name as written in source, without the Attribute suffix: <c>Dense</c>, <c>ReLU</c>.</summary>
        public string ShortName => Name.Substring(0, Name.Length - "Attribute".Length);
    }

    /// <summary>A dense layer while the declaration is being read.</summary>
    private sealed class PendingLayer(int units, AttributeSyntax syntax)
    {
        public int Units { get; } = units;

        public AttributeSyntax Syntax { get; } = syntax;

        public ActivationKind Activation { get; set; }

        public float Alpha { get; set; } = 0.01f;

        /// <summary>Where the activation was declared (its attribute, or the Dense's argument).</summary>
        public Location? ActivationLocation { get; set; }
    }

    private string Name => type.Name;

    private Location NameLocation => declaration.Identifier.GetLocation();

    private Location NetworkLocation =>
        networkAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? NameLocation;

    public NetworkModel? Read(Compilation compilation)
    {
        if (!ReadDeclarationShape(out EquatableArray<ContainingTypeModel> containingTypes))
        {
            return null;
        }

        if (compilation.GetTypeByMetadataName("NetGen.INetwork") is null)
        {
            Report(DiagnosticDescriptors.RuntimeNotReferenced, NameLocation, Name);
            return null;
        }

        if (!TryReadNetworkArguments(out LossKind loss, out OptimizerModel? optimizer, out string? weights, out bool inferenceOnly) ||
            !TryReadLayerAttributes(out List<LayerAttribute>? attributes) ||
            !TryAssembleLayers(attributes, out int inputSize, out List<PendingLayer>? pending))
        {
            return null;
        }

        CheckSoftmaxIsLast(pending);
        CheckLossMatchesLastActivation(loss, pending[pending.Count - 1]);
        EquatableArray<DenseLayerModel> layers = BuildLayers(inputSize, pending);
        if (diagnostics.Count > 0)
        {
            return null;
        }

        string hintName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat
            .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)) + ".g.cs";
        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();

        string declaringFile = networkAttribute.ApplicationSyntaxReference?.SyntaxTree.FilePath ?? declaration.SyntaxTree.FilePath;
        return new NetworkModel(ns, containingTypes, type.Name, hintName, inputSize, layers, loss, optimizer!, weights, inferenceOnly, declaringFile);
    }

    /// <summary>Checks that the class can receive generated members: partial, not static, not generic, its containers partial.</summary>
    private bool ReadDeclarationShape(out EquatableArray<ContainingTypeModel> containingTypes)
    {
        containingTypes = EquatableArray<ContainingTypeModel>.Empty;
        int before = diagnostics.Count;

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Report(DiagnosticDescriptors.ClassNotPartial, NameLocation, Name);
        }

        if (type.IsStatic)
        {
            Report(DiagnosticDescriptors.StaticNetwork, NameLocation, Name);
        }

        var containers = new List<ContainingTypeModel>();
        bool generic = declaration.TypeParameterList is not null;
        for (SyntaxNode? node = declaration.Parent; node is TypeDeclarationSyntax container; node = node.Parent)
        {
            generic |= container.TypeParameterList is not null;
            if (!container.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                Report(DiagnosticDescriptors.ContainingTypeNotPartial, NameLocation, Name, container.Identifier.ValueText);
            }

            containers.Insert(0, new ContainingTypeModel(Keyword(container), Literals.Identifier(container.Identifier.ValueText)));
        }

        if (generic)
        {
            Report(DiagnosticDescriptors.GenericNetwork, NameLocation, Name);
        }

        containingTypes = containers.ToEquatableArray();
        return diagnostics.Count == before;
    }

    private static string Keyword(TypeDeclarationSyntax container) => container switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };

    /// <summary>Reads Loss, Optimizer, the hyper-parameters, Weights and InferenceOnly from [Network(...)].</summary>
    private bool TryReadNetworkArguments(out LossKind loss, out OptimizerModel? optimizer, out string? weights, out bool inferenceOnly)
    {
        loss = LossKind.SquaredError;
        optimizer = null;
        weights = null;
        inferenceOnly = false;
        var kind = OptimizerKind.Sgd;
        float momentum = 0.9f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f, weightDecay = 0f;

        foreach (KeyValuePair<string, TypedConstant> argument in networkAttribute.NamedArguments)
        {
            if (argument.Value.Kind == TypedConstantKind.Error || (argument.Value.Value is null && argument.Key != "Weights"))
            {
                return false; // half-typed source: the compiler reports it
            }

            Location location = NamedArgumentLocation(networkAttribute, argument.Key);
            object value = argument.Value.Value!;
            switch (argument.Key)
            {
                case "Weights":
                    weights = (string?)argument.Value.Value; // checked against the AdditionalFiles later
                    break;
                case "InferenceOnly":
                    inferenceOnly = (bool)value;
                    break;
                case "Loss":
                    loss = (LossKind)(int)value;
                    CheckEnum(loss, "Loss", "Loss", location);
                    break;
                case "Optimizer":
                    kind = (OptimizerKind)(int)value;
                    CheckEnum(kind, "Optimizer", "Optimizer", location);
                    break;
                case "Momentum":
                    momentum = (float)value;
                    CheckUnitInterval("Momentum", momentum, location, "0.9f");
                    break;
                case "Beta1":
                    beta1 = (float)value;
                    CheckUnitInterval("Beta1", beta1, location, "0.9f");
                    break;
                case "Beta2":
                    beta2 = (float)value;
                    CheckUnitInterval("Beta2", beta2, location, "0.999f");
                    break;
                case "Epsilon":
                    epsilon = (float)value;
                    if (!(epsilon > 0f) || float.IsInfinity(epsilon))
                    {
                        Report(DiagnosticDescriptors.HyperParameterOutOfRange, location, DiagnosticProperties.With(DiagnosticProperties.DefaultValue, "1e-8f"), "Epsilon", Name, Literals.FloatProse(epsilon), "finite and greater than 0, such as 1e-8");
                    }

                    break;
                case "WeightDecay":
                    weightDecay = (float)value;
                    if (!(weightDecay >= 0f) || float.IsInfinity(weightDecay))
                    {
                        Report(DiagnosticDescriptors.HyperParameterOutOfRange, location, DiagnosticProperties.With(DiagnosticProperties.DefaultValue, "0f"), "WeightDecay", Name, Literals.FloatProse(weightDecay), "finite and 0 or more");
                    }

                    break;
            }
        }

        optimizer = new OptimizerModel(kind, momentum, beta1, beta2, epsilon, weightDecay);
        return true;
    }

    private void CheckUnitInterval(string name, float value, Location location, string defaultValue)
    {
        if (!(value >= 0f && value < 1f))
        {
            Report(DiagnosticDescriptors.HyperParameterOutOfRange, location, DiagnosticProperties.With(DiagnosticProperties.DefaultValue, defaultValue), name, Name, Literals.FloatProse(value), "in [0, 1)");
        }
    }

    private void CheckEnum<TEnum>(TEnum value, string what, string enumName, Location location)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(typeof(TEnum), value))
        {
            string members = string.Join(", ", Enum.GetNames(typeof(TEnum)).Select(n => enumName + "." + n));
            Report(
                DiagnosticDescriptors.EnumValueOutOfRange,
                location,
                what,
                Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                enumName,
                members);
        }
    }

    /// <summary>Collects the layer attributes in source order, all from one partial declaration.</summary>
    private bool TryReadLayerAttributes([NotNullWhen(true)] out List<LayerAttribute>? attributes)
    {
        attributes = null;
        var found = new List<LayerAttribute>();
        foreach (AttributeData data in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!NetworkDeclaration.IsLayerAttribute(data.AttributeClass) ||
                data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax ||
                syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } owner)
            {
                continue;
            }

            // Half-typed attribute (no constructor bound, or an argument in error): the compiler
            // reports it, and generating from a guess would only add noise.
            if (data.AttributeConstructor is null ||
                data.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is null) ||
                data.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error || a.Value.Value is null))
            {
                return false;
            }

            found.Add(new LayerAttribute(data, syntax, owner));
        }

        found.Sort((a, b) =>
        {
            int byFile = string.CompareOrdinal(a.Syntax.SyntaxTree.FilePath, b.Syntax.SyntaxTree.FilePath);
            return byFile != 0 ? byFile : a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart);
        });

        LayerAttribute? onOtherDeclaration = found.FirstOrDefault(a => a.Declaration != found[0].Declaration);
        if (onOtherDeclaration is not null)
        {
            Report(DiagnosticDescriptors.LayersOnSeveralDeclarations, onOtherDeclaration.Syntax.GetLocation(), Name);
            return false;
        }

        attributes = found;
        return true;
    }

    /// <summary>Walks the attributes in order: one [Input], then dense layers each with at most one activation.</summary>
    private bool TryAssembleLayers(List<LayerAttribute> attributes, out int inputSize, out List<PendingLayer> layers)
    {
        inputSize = 0;
        layers = [];
        bool inputSeen = false;

        foreach (LayerAttribute attribute in attributes)
        {
            switch (attribute.Name)
            {
                case "InputAttribute":
                    if (inputSeen || layers.Count > 0)
                    {
                        string problem = inputSeen ? "is declared more than once" : "comes after a [Dense]";
                        Report(
                            DiagnosticDescriptors.MisplacedInput,
                            attribute.Syntax.GetLocation(),
                            DiagnosticProperties.With(DiagnosticProperties.InputProblem, inputSeen ? DiagnosticProperties.DuplicateInput : DiagnosticProperties.InputAfterDense),
                            Name,
                            problem);
                    }

                    inputSeen = true;
                    inputSize = (int)attribute.Data.ConstructorArguments[0].Value!;
                    CheckPositive("Input size", inputSize, ArgumentLocation(attribute, 0, "size"));
                    break;

                case "DenseAttribute":
                    layers.Add(ReadDense(attribute, layers.Count + 1));
                    break;

                default:
                    ApplyActivation(attribute, layers);
                    break;
            }
        }

        if (!inputSeen)
        {
            Report(DiagnosticDescriptors.MissingInput, NetworkLocation, Name);
        }

        if (layers.Count == 0)
        {
            Report(DiagnosticDescriptors.MissingDense, NetworkLocation, Name);
        }

        return inputSeen && layers.Count > 0;
    }

    private PendingLayer ReadDense(LayerAttribute attribute, int number)
    {
        ImmutableArray<TypedConstant> arguments = attribute.Data.ConstructorArguments;
        int units = (int)arguments[0].Value!;
        CheckPositive($"Units of dense layer {number}", units, ArgumentLocation(attribute, 0, "units"));

        var layer = new PendingLayer(units, attribute.Syntax);
        if (arguments.Length > 1)
        {
            Location location = ArgumentLocation(attribute, 1, "activation");
            var activation = (ActivationKind)(int)arguments[1].Value!;
            CheckEnum(activation, "Activation of dense layer " + number.ToString(CultureInfo.InvariantCulture), "Activation", location);
            layer.Activation = activation;
            layer.ActivationLocation = location;
        }

        foreach (KeyValuePair<string, TypedConstant> named in attribute.Data.NamedArguments)
        {
            if (named.Key == "Alpha")
            {
                layer.Alpha = (float)named.Value.Value!;
                CheckAlpha(layer.Alpha, NamedArgumentLocation(attribute.Data, "Alpha"));
            }
        }

        return layer;
    }

    private void ApplyActivation(LayerAttribute attribute, List<PendingLayer> layers)
    {
        if (layers.Count == 0)
        {
            Report(DiagnosticDescriptors.ActivationWithoutLayer, attribute.Syntax.GetLocation(), attribute.ShortName, Name);
            return;
        }

        PendingLayer layer = layers[layers.Count - 1];
        if (layer.Activation != ActivationKind.Identity)
        {
            Report(
                DiagnosticDescriptors.SecondActivation,
                attribute.Syntax.GetLocation(),
                attribute.ShortName,
                Name,
                layers.Count.ToString(CultureInfo.InvariantCulture),
                layer.Activation.ToString());
            return;
        }

        layer.Activation = attribute.Name switch
        {
            "ReLUAttribute" => ActivationKind.ReLU,
            "LeakyReLUAttribute" => ActivationKind.LeakyReLU,
            "SigmoidAttribute" => ActivationKind.Sigmoid,
            "TanhAttribute" => ActivationKind.Tanh,
            _ => ActivationKind.Softmax,
        };
        layer.ActivationLocation = attribute.Syntax.GetLocation();

        if (layer.Activation == ActivationKind.LeakyReLU && attribute.Data.ConstructorArguments.Length > 0)
        {
            layer.Alpha = (float)attribute.Data.ConstructorArguments[0].Value!;
            CheckAlpha(layer.Alpha, ArgumentLocation(attribute, 0, "alpha"));
        }
    }

    private void CheckSoftmaxIsLast(List<PendingLayer> layers)
    {
        for (int i = 0; i < layers.Count - 1; i++)
        {
            if (layers[i].Activation == ActivationKind.Softmax)
            {
                Report(
                    DiagnosticDescriptors.SoftmaxNotLast,
                    layers[i].ActivationLocation,
                    Name,
                    (i + 1).ToString(CultureInfo.InvariantCulture),
                    layers.Count.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private void CheckLossMatchesLastActivation(LossKind loss, PendingLayer last)
    {
        Location location = NamedArgumentLocation(networkAttribute, "Loss");
        if (loss == LossKind.CrossEntropy && last.Activation != ActivationKind.Softmax)
        {
            Report(DiagnosticDescriptors.CrossEntropyNeedsSoftmax, location, Name, last.Activation.ToString());
        }
        else if (loss == LossKind.BinaryCrossEntropy && last.Activation != ActivationKind.Sigmoid)
        {
            Report(DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid, location, Name, last.Activation.ToString());
        }
    }

    /// <summary>Lays the parameters out layer by layer and checks the total stays within bounds.</summary>
    private EquatableArray<DenseLayerModel> BuildLayers(int inputSize, List<PendingLayer> pending)
    {
        var layers = new List<DenseLayerModel>(pending.Count);
        long offset = 0;
        int inputs = inputSize, moduleIndex = 0;
        for (int i = 0; i < pending.Count; i++)
        {
            PendingLayer layer = pending[i];
            long end = offset + ((long)layer.Units * inputs) + layer.Units;
            if (end > DiagnosticDescriptors.MaxParameterCount)
            {
                Report(
                    DiagnosticDescriptors.TooManyParameters,
                    layer.Syntax.GetLocation(),
                    Name,
                    Literals.Grouped(end),
                    Literals.Grouped(DiagnosticDescriptors.MaxParameterCount));
                break;
            }

            layers.Add(new DenseLayerModel(i + 1, moduleIndex, inputs, layer.Units, layer.Activation, layer.Alpha, (int)offset));
            offset = end;
            inputs = layer.Units;
            moduleIndex += layer.Activation == ActivationKind.Identity ? 1 : 2;
        }

        return layers.ToEquatableArray();
    }

    private void CheckPositive(string what, int value, Location location)
    {
        if (value < 1)
        {
            Report(DiagnosticDescriptors.SizeNotPositive, location, what, Name, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void CheckAlpha(float alpha, Location location)
    {
        if (!(alpha >= 0f) || float.IsInfinity(alpha))
        {
            Report(DiagnosticDescriptors.InvalidLeakyReLUAlpha, location, DiagnosticProperties.With(DiagnosticProperties.DefaultValue, "0.01f"), Name, Literals.FloatProse(alpha));
        }
    }

    /// <summary>The location of a constructor argument, by name (<c>units: 3</c>) or by position; the attribute when it was omitted.</summary>
    private static Location ArgumentLocation(LayerAttribute attribute, int index, string parameterName)
    {
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = attribute.Syntax.ArgumentList?.Arguments ?? default;
        AttributeArgumentSyntax? byName = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameterName);
        if (byName is not null)
        {
            return byName.GetLocation();
        }

        var positional = arguments.Where(a => a.NameColon is null && a.NameEquals is null).ToList();
        return index < positional.Count ? positional[index].GetLocation() : attribute.Syntax.GetLocation();
    }

    /// <summary>The location of <c>Name = value</c> in an attribute; the attribute when it was not given.</summary>
    private Location NamedArgumentLocation(AttributeData data, string name)
    {
        if (data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return NameLocation;
        }

        AttributeArgumentSyntax? argument = syntax.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return argument?.GetLocation() ?? syntax.GetLocation();
    }

    private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        diagnostics.Add(Diagnostic.Create(descriptor, location ?? NameLocation, arguments));

    private void Report(DiagnosticDescriptor descriptor, Location? location, ImmutableDictionary<string, string?> properties, params string[] arguments) =>
        diagnostics.Add(Diagnostic.Create(descriptor, location ?? NameLocation, properties, arguments));
}
