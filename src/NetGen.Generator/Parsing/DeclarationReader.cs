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

    /// <summary>The kinds of layer a declaration is made of.</summary>
    private enum PendingKind
    {
        Dense,
        Convolution,
        MaxPool,
        AvgPool,
        Dropout,
    }

    /// <summary>A layer while the declaration is being read.</summary>
    private sealed class PendingLayer(PendingKind kind, int size, AttributeSyntax syntax)
    {
        public PendingKind Kind { get; } = kind;

        /// <summary>Units of a dense layer, filters of a convolution, window of a pooling layer; unused by dropout.</summary>
        public int Size { get; } = size;

        public AttributeSyntax Syntax { get; } = syntax;

        public ActivationKind Activation { get; set; }

        public float Alpha { get; set; } = 0.01f;

        /// <summary>Kernel of a convolution.</summary>
        public int Kernel { get; set; }

        public int Stride { get; set; } = 1;

        public int Padding { get; set; }

        public float Probability { get; set; }

        /// <summary>Where the kernel or window size was written, for NG0029.</summary>
        public Location? WindowLocation { get; set; }

        /// <summary>Where the activation was declared (its attribute, or the layer's argument).</summary>
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
            !TryAssembleLayers(attributes, out SpatialShape? input, out bool image, out List<PendingLayer>? pending))
        {
            return null;
        }

        CheckSoftmaxIsLast(pending);
        CheckLossMatchesLastActivation(loss, pending[pending.Count - 1]);

        // shapes follow from valid sizes only: after an error, they would only add errors that follow from it
        EquatableArray<LayerModel> layers = diagnostics.Count > 0 ? default : BuildLayers(input, image, pending);
        if (diagnostics.Count > 0)
        {
            return null;
        }

        string hintName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat
            .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)) + ".g.cs";
        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();

        string declaringFile = networkAttribute.ApplicationSyntaxReference?.SyntaxTree.FilePath ?? declaration.SyntaxTree.FilePath;
        return new NetworkModel(ns, containingTypes, type.Name, hintName, input.Size, layers, loss, optimizer!, weights, inferenceOnly, declaringFile, image ? input : null);
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

    /// <summary>
    /// Walks the attributes in order: one [Input], then layers (spatial ones before the first dense one), each
    /// with at most one activation.
    /// </summary>
    private bool TryAssembleLayers(List<LayerAttribute> attributes, [NotNullWhen(true)] out SpatialShape? input, out bool image, out List<PendingLayer> layers)
    {
        input = null;
        layers = [];
        image = false;
        bool inputSeen = false, denseSeen = false;

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
                    input = ReadInput(attribute, out image);
                    break;

                case "DenseAttribute":
                    denseSeen = true;
                    layers.Add(ReadDense(attribute, layers.Count + 1));
                    break;

                case "Conv2DAttribute":
                case "MaxPool2DAttribute":
                case "AvgPool2DAttribute":
                    if (denseSeen)
                    {
                        Report(DiagnosticDescriptors.SpatialAfterDense, attribute.Syntax.GetLocation(), attribute.ShortName, Name);
                    }
                    else if (inputSeen && !image)
                    {
                        Report(DiagnosticDescriptors.SpatialNeedsImageInput, attribute.Syntax.GetLocation(), attribute.ShortName, Name, input!.Size.ToString(CultureInfo.InvariantCulture));
                    }

                    layers.Add(attribute.Name == "Conv2DAttribute" ? ReadConvolution(attribute, layers.Count + 1) : ReadPooling(attribute, layers.Count + 1));
                    break;

                case "DropoutAttribute":
                    layers.Add(ReadDropout(attribute));
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

        if (!denseSeen)
        {
            Report(DiagnosticDescriptors.MissingDense, NetworkLocation, Name);
        }
        else if (layers[layers.Count - 1].Kind == PendingKind.Dropout)
        {
            Report(DiagnosticDescriptors.DropoutLast, layers[layers.Count - 1].Syntax.GetLocation(), Name);
        }

        return inputSeen && denseSeen && input is not null;
    }

    /// <summary>[Input(size)] or [Input(channels, height, width)]; <paramref name="image"/> tells which.</summary>
    private SpatialShape ReadInput(LayerAttribute attribute, out bool image)
    {
        ImmutableArray<TypedConstant> arguments = attribute.Data.ConstructorArguments;
        image = arguments.Length == 3;
        if (!image)
        {
            int size = (int)arguments[0].Value!;
            CheckPositive("Input size", size, ArgumentLocation(attribute, 0, "size"));
            return new SpatialShape(1, 1, size);
        }

        int channels = (int)arguments[0].Value!, height = (int)arguments[1].Value!, width = (int)arguments[2].Value!;
        CheckPositive("Input channels", channels, ArgumentLocation(attribute, 0, "channels"));
        CheckPositive("Input height", height, ArgumentLocation(attribute, 1, "height"));
        CheckPositive("Input width", width, ArgumentLocation(attribute, 2, "width"));
        long values = (long)channels * height * width;
        if (channels > 0 && height > 0 && width > 0 && values > DiagnosticDescriptors.MaxParameterCount)
        {
            Report(DiagnosticDescriptors.TooManyOutputs, attribute.Syntax.GetLocation(), "The input", Name, Literals.Grouped(values), Literals.Grouped(DiagnosticDescriptors.MaxParameterCount));
            return new SpatialShape(1, 1, 1);
        }

        return new SpatialShape(channels, height, width);
    }

    private PendingLayer ReadDense(LayerAttribute attribute, int number)
    {
        ImmutableArray<TypedConstant> arguments = attribute.Data.ConstructorArguments;
        int units = (int)arguments[0].Value!;
        CheckPositive($"Units of dense layer {number}", units, ArgumentLocation(attribute, 0, "units"));

        var layer = new PendingLayer(PendingKind.Dense, units, attribute.Syntax);
        if (arguments.Length > 1)
        {
            ReadActivationArgument(attribute, layer, 1, "dense layer " + number.ToString(CultureInfo.InvariantCulture));
        }

        ReadAlpha(attribute, layer);
        return layer;
    }

    private PendingLayer ReadConvolution(LayerAttribute attribute, int number)
    {
        ImmutableArray<TypedConstant> arguments = attribute.Data.ConstructorArguments;
        int filters = (int)arguments[0].Value!;
        CheckPositive($"Filters of convolution {number}", filters, ArgumentLocation(attribute, 0, "filters"));
        var layer = new PendingLayer(PendingKind.Convolution, filters, attribute.Syntax)
        {
            Kernel = (int)arguments[1].Value!,
            WindowLocation = ArgumentLocation(attribute, 1, "kernel"),
        };
        CheckPositive($"Kernel of convolution {number}", layer.Kernel, layer.WindowLocation);
        if (arguments.Length > 2)
        {
            ReadActivationArgument(attribute, layer, 2, "convolution " + number.ToString(CultureInfo.InvariantCulture));
        }

        foreach (KeyValuePair<string, TypedConstant> named in attribute.Data.NamedArguments)
        {
            Location location = NamedArgumentLocation(attribute.Data, named.Key);
            switch (named.Key)
            {
                case "Stride":
                    layer.Stride = (int)named.Value.Value!;
                    CheckStride($"Stride of convolution {number}", layer.Stride, location, "1");
                    break;
                case "Padding":
                    layer.Padding = (int)named.Value.Value!;
                    if (layer.Padding < 0)
                    {
                        Report(DiagnosticDescriptors.SpatialSettingOutOfRange, location, $"Padding of convolution {number}", Name, layer.Padding.ToString(CultureInfo.InvariantCulture), "padding adds rows and columns of zeros, so it is 0 or more (0 by default)");
                    }

                    break;
            }
        }

        ReadAlpha(attribute, layer);
        return layer;
    }

    private PendingLayer ReadPooling(LayerAttribute attribute, int number)
    {
        bool max = attribute.Name == "MaxPool2DAttribute";
        int size = (int)attribute.Data.ConstructorArguments[0].Value!;
        var layer = new PendingLayer(max ? PendingKind.MaxPool : PendingKind.AvgPool, size, attribute.Syntax)
        {
            Stride = size,
            WindowLocation = ArgumentLocation(attribute, 0, "size"),
        };
        string what = (max ? "Window of max pooling " : "Window of average pooling ") + number.ToString(CultureInfo.InvariantCulture);
        CheckPositive(what, size, layer.WindowLocation);
        foreach (KeyValuePair<string, TypedConstant> named in attribute.Data.NamedArguments)
        {
            if (named.Key == "Stride")
            {
                layer.Stride = (int)named.Value.Value!;
                CheckStride("Stride of " + what.Substring("Window of ".Length), layer.Stride, NamedArgumentLocation(attribute.Data, "Stride"), "the window's size");
            }
        }

        return layer;
    }

    private PendingLayer ReadDropout(LayerAttribute attribute)
    {
        ImmutableArray<TypedConstant> arguments = attribute.Data.ConstructorArguments;
        float p = arguments.Length > 0 ? (float)arguments[0].Value! : 0.5f;
        if (!(p >= 0f && p < 1f))
        {
            Report(DiagnosticDescriptors.DropoutOutOfRange, ArgumentLocation(attribute, 0, "probability"), Name, Literals.FloatProse(p));
        }

        return new PendingLayer(PendingKind.Dropout, 0, attribute.Syntax) { Probability = p };
    }

    private void CheckStride(string what, int stride, Location location, string fallback)
    {
        if (stride < 1)
        {
            Report(DiagnosticDescriptors.SpatialSettingOutOfRange, location, what, Name, stride.ToString(CultureInfo.InvariantCulture), "a stride of 0 or less leaves no output: make it at least 1 (" + fallback + " by default)");
        }
    }

    private void ReadActivationArgument(LayerAttribute attribute, PendingLayer layer, int index, string what)
    {
        Location location = ArgumentLocation(attribute, index, "activation");
        var activation = (ActivationKind)(int)attribute.Data.ConstructorArguments[index].Value!;
        CheckEnum(activation, "Activation of " + what, "Activation", location);
        layer.Activation = activation;
        layer.ActivationLocation = location;
    }

    private void ReadAlpha(LayerAttribute attribute, PendingLayer layer)
    {
        foreach (KeyValuePair<string, TypedConstant> named in attribute.Data.NamedArguments)
        {
            if (named.Key == "Alpha")
            {
                layer.Alpha = (float)named.Value.Value!;
                CheckAlpha(layer.Alpha, NamedArgumentLocation(attribute.Data, "Alpha"));
            }
        }
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

    /// <summary>
    /// Follows the shape of a sample through the layers, lays the parameters out layer by layer, and checks
    /// that every window fits its input and the total stays within bounds. Module indices count the layers of
    /// the equivalent <c>nn.Sequential</c>: each layer, each activation other than identity, and the
    /// <c>nn.Flatten</c> before the first dense layer after an image.
    /// </summary>
    private EquatableArray<LayerModel> BuildLayers(SpatialShape input, bool image, List<PendingLayer> pending)
    {
        var layers = new List<LayerModel>(pending.Count);
        long offset = 0;
        int moduleIndex = 0;
        SpatialShape shape = input;
        for (int i = 0; i < pending.Count; i++)
        {
            PendingLayer layer = pending[i];
            int number = i + 1;
            LayerModel? built;
            switch (layer.Kind)
            {
                case PendingKind.Dense:
                    if (image)
                    {
                        moduleIndex++; // nn.Flatten
                        image = false;
                    }

                    built = new DenseLayerModel(number, moduleIndex, shape.Size, layer.Size, layer.Activation, layer.Alpha, (int)offset);
                    shape = new SpatialShape(1, 1, layer.Size);
                    break;

                case PendingKind.Convolution:
                    if (!TryOutput(layer, shape, layer.Kernel, layer.Padding, "Kernel of convolution " + number.ToString(CultureInfo.InvariantCulture), out int rows, out int columns))
                    {
                        return default;
                    }

                    built = new ConvolutionLayerModel(number, moduleIndex, shape, new SpatialShape(layer.Size, rows, columns), layer.Kernel, layer.Stride, layer.Padding, layer.Activation, layer.Alpha, (int)offset);
                    shape = new SpatialShape(layer.Size, rows, columns);
                    break;

                case PendingKind.MaxPool:
                case PendingKind.AvgPool:
                    bool max = layer.Kind == PendingKind.MaxPool;
                    if (!TryOutput(layer, shape, layer.Size, 0, (max ? "Window of max pooling " : "Window of average pooling ") + number.ToString(CultureInfo.InvariantCulture), out rows, out columns))
                    {
                        return default;
                    }

                    built = new PoolingLayerModel(number, moduleIndex, shape, new SpatialShape(shape.Channels, rows, columns), layer.Size, layer.Stride, max, layer.Activation, layer.Alpha);
                    shape = new SpatialShape(shape.Channels, rows, columns);
                    break;

                default:
                    built = new DropoutLayerModel(number, moduleIndex, shape, layer.Probability, layer.Activation, layer.Alpha);
                    break;
            }

            // in long: a declaration whose count overflows int is diagnosed, not wrapped
            long end = offset + layer.Kind switch
            {
                PendingKind.Dense => ((long)layer.Size * built.Inputs) + layer.Size,
                PendingKind.Convolution => ((long)layer.Size * ((ConvolutionLayerModel)built).In.Channels * layer.Kernel * layer.Kernel) + layer.Size,
                _ => 0,
            };
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

            layers.Add(built);
            offset = end;
            moduleIndex += layer.Activation == ActivationKind.Identity ? 1 : 2;
        }

        return layers.ToEquatableArray();
    }

    /// <summary>
    /// The rows and columns of a window of <paramref name="window"/> sliding over <paramref name="shape"/> with
    /// the layer's stride and <paramref name="padding"/>: (H + 2P - window) / S + 1. False (and NG0029) when the
    /// window is larger than the padded input; a stride below 1 was reported already.
    /// </summary>
    private bool TryOutput(PendingLayer layer, SpatialShape shape, int window, int padding, string what, out int rows, out int columns)
    {
        rows = columns = 0;
        if (window < 1 || layer.Stride < 1 || padding < 0)
        {
            return false; // reported where it was read
        }

        int height = shape.Height + (2 * padding), width = shape.Width + (2 * padding);
        if (window > height || window > width)
        {
            string input = padding == 0 ? shape.Height + " x " + shape.Width : shape.Height + " x " + shape.Width + " (" + height + " x " + width + " padded)";
            Report(DiagnosticDescriptors.WindowLargerThanInput, layer.WindowLocation ?? layer.Syntax.GetLocation(), what, Name, window.ToString(CultureInfo.InvariantCulture), input, System.Math.Min(height, width).ToString(CultureInfo.InvariantCulture));
            return false;
        }

        rows = ((height - window) / layer.Stride) + 1;
        columns = ((width - window) / layer.Stride) + 1;
        long outputs = (long)rows * columns * (layer.Kind == PendingKind.Convolution ? layer.Size : shape.Channels);
        if (outputs > DiagnosticDescriptors.MaxParameterCount)
        {
            Report(DiagnosticDescriptors.TooManyOutputs, layer.Syntax.GetLocation(), what.Substring(what.IndexOf(" of ", StringComparison.Ordinal) + 4), Name, Literals.Grouped(outputs), Literals.Grouped(DiagnosticDescriptors.MaxParameterCount));
            return false;
        }

        return true;
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
