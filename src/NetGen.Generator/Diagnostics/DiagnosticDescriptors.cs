using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic NetGen reports. Each message says what is wrong and how to fix it; each is
/// reported on the attribute, argument or class name at fault. Ids are listed in AnalyzerReleases.*.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetGen";

    /// <summary>Largest number of parameters a network may have (400 MB of float32 per copy).</summary>
    public const int MaxParameterCount = 100_000_000;

    // Before the descriptors: static fields are initialised in the order they are written.
    /// <summary>
    /// Where docs/diagnostics.md of this build's repository is: set at build time from the repository URL
    /// (the RepositoryUrl property, else the git remote SourceLink finds), else the file in the source tree.
    /// </summary>
    internal static string HelpLinkBase { get; } =
        typeof(DiagnosticDescriptors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "NetGen.DiagnosticsDocumentation")?.Value ?? "docs/diagnostics.md";

    /// <summary>The help link of a diagnostic: its section of docs/diagnostics.md, whose heading is the id.</summary>
    internal static string HelpLink(string id) => HelpLinkBase + "#" + id.ToLowerInvariant();

    public static readonly DiagnosticDescriptor ClassNotPartial = Error(
        "NG0001",
        "Network class must be partial",
        "Network class '{0}' must be declared 'partial' so NetGen can add its generated members: write 'partial class {0}'");

    public static readonly DiagnosticDescriptor MissingInput = Error(
        "NG0002",
        "Network has no [Input]",
        "Network '{0}' has no input size: add [Input(n)] before its first [Dense], where n is the number of values in one sample");

    public static readonly DiagnosticDescriptor MisplacedInput = Error(
        "NG0003",
        "[Input] must come first, once",
        "[Input] of network '{0}' {1}: declare exactly one [Input(n)], before the first [Dense]");

    public static readonly DiagnosticDescriptor MissingDense = Error(
        "NG0004",
        "Network has no [Dense] layer",
        "Network '{0}' has no layer: add at least one [Dense(units)] after [Input]");

    public static readonly DiagnosticDescriptor SizeNotPositive = Error(
        "NG0005",
        "Size must be positive",
        "{0} of network '{1}' is {2}: a size must be at least 1");

    public static readonly DiagnosticDescriptor TooManyParameters = Error(
        "NG0006",
        "Network has too many parameters",
        "Network '{0}' would have {1} parameters with this layer; NetGen supports at most {2}: make the layers smaller");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsSoftmax = Error(
        "NG0007",
        "CrossEntropy needs Softmax on the last layer",
        "Network '{0}' uses Loss.CrossEntropy, whose gradient is fused with softmax, but its last layer's activation is {1}: add [Softmax] after the last [Dense], or use Loss.SquaredError");

    public static readonly DiagnosticDescriptor BinaryCrossEntropyNeedsSigmoid = Error(
        "NG0008",
        "BinaryCrossEntropy needs Sigmoid on the last layer",
        "Network '{0}' uses Loss.BinaryCrossEntropy, whose gradient is fused with the sigmoid, but its last layer's activation is {1}: add [Sigmoid] after the last [Dense], or use Loss.SquaredError");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
        "NG0009",
        "Softmax is only valid on the last layer",
        "Softmax in network '{0}' is applied to dense layer {1} of {2}: softmax turns the outputs into probabilities, so put it on the last layer only, and use ReLU, LeakyReLU, Sigmoid or Tanh inside the network");

    public static readonly DiagnosticDescriptor ActivationWithoutLayer = Error(
        "NG0010",
        "Activation has no layer before it",
        "[{0}] in network '{1}' has no [Dense] before it: an activation applies to the output of the dense layer declared just before it, so move it after a [Dense]");

    public static readonly DiagnosticDescriptor SecondActivation = Error(
        "NG0011",
        "Dense layer already has an activation",
        "[{0}] in network '{1}' follows dense layer {2}, which already has activation {3}: a dense layer takes one activation, so remove one of them or add a [Dense] between them");

    public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(
        "NG0012",
        "Layers are declared on more than one partial declaration",
        "Network '{0}' declares layers on more than one partial declaration, so their order is ambiguous: move every [Input], [Dense] and activation attribute onto one declaration");

    public static readonly DiagnosticDescriptor GenericNetwork = Error(
        "NG0013",
        "Network class cannot be generic",
        "Network class '{0}' is generic or nested in a generic type: NetGen generates code for fixed sizes, so declare the network in a non-generic class");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "NG0014",
        "Containing type must be partial",
        "Network class '{0}' is nested in '{1}', which is not partial: declare '{1}' as partial too, or move the network out of it");

    public static readonly DiagnosticDescriptor EnumValueOutOfRange = Error(
        "NG0015",
        "Unknown enum value",
        "{0} has the value {1}, which is not a member of {2}: use one of {3}");

    public static readonly DiagnosticDescriptor InvalidLeakyReLUAlpha = Error(
        "NG0016",
        "Invalid LeakyReLU slope",
        "LeakyReLU slope alpha in network '{0}' is {1}: use a finite value of 0 or more, such as 0.01");

    public static readonly DiagnosticDescriptor HyperParameterOutOfRange = Error(
        "NG0017",
        "Optimizer hyper-parameter out of range",
        "{0} of network '{1}' is {2}, but it must be {3}");

    public static readonly DiagnosticDescriptor RuntimeNotReferenced = Error(
        "NG0018",
        "NetGen.Runtime is not referenced",
        "Network '{0}' cannot be generated because the type NetGen.INetwork was not found: add a reference to the NetGen.Runtime package or project");

    public static readonly DiagnosticDescriptor StaticNetwork = Error(
        "NG0019",
        "Network class cannot be static",
        "Network class '{0}' is static, but a network holds its parameters in an instance: remove 'static'");

    public static readonly DiagnosticDescriptor RecordNetwork = Error(
        "NG0020",
        "Network cannot be a record",
        "Network '{0}' is declared as a record, whose value equality does not suit a network's mutable parameters: declare it as 'partial class {0}'");

    public static readonly DiagnosticDescriptor LayersWithoutNetwork = Warning(
        "NG0021",
        "Layer attributes without [Network]",
        "Class '{0}' has layer attributes but no [Network], so no network is generated for it: add [Network] to the class, or remove the layer attributes");

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "NG0022",
        "Weights file is not an AdditionalFiles item",
        "Network '{0}' embeds weights from '{1}', which is not an AdditionalFiles item of this project: add <AdditionalFiles Include=\"{1}\" /> to the project file (the path relative to the project), or correct the name");

    public static readonly DiagnosticDescriptor WeightsFileUnreadable = Error(
        "NG0023",
        "Weights file is not a safetensors file NetGen can read",
        "Network '{0}' cannot embed '{1}': {2}");

    public static readonly DiagnosticDescriptor WeightsTensorsMismatch = Error(
        "NG0024",
        "Weights file's tensors do not match the network",
        "Network '{0}' cannot embed '{1}': {2}");

    public static readonly DiagnosticDescriptor WeightsTensorShape = Error(
        "NG0025",
        "Weights tensor has the wrong shape or dtype",
        "Network '{0}' cannot embed '{1}': tensor '{2}' {3}");

    public static readonly DiagnosticDescriptor WeightsNotFinite = Error(
        "NG0026",
        "Weights hold a value that is not finite",
        "Network '{0}' cannot embed '{1}': tensor '{2}' holds {3} at {4}, and a network with it would only output NaN; retrain or fix the file");

    public static readonly DiagnosticDescriptor WeightsFileTooLarge = Error(
        "NG0027",
        "Weights file is too large to embed",
        "Network '{0}' cannot embed '{1}': the file has {2} bytes, more than the {3} NetGen embeds; load it at run time with Checkpoint.Load instead");

    public static readonly DiagnosticDescriptor WeightsFileAmbiguous = Error(
        "NG0028",
        "Weights name matches several AdditionalFiles items",
        "Network '{0}' embeds weights from '{1}', which matches several AdditionalFiles items ({2}): give its path relative to the file that declares the network");

    public static readonly DiagnosticDescriptor WindowLargerThanInput = Error(
        "NG0029",
        "Kernel or pooling window larger than its input",
        "{0} of network '{1}' is {2} x {2}, larger than its {3} input: make it at most {4}, or pad the input");

    public static readonly DiagnosticDescriptor SpatialSettingOutOfRange = Error(
        "NG0030",
        "Stride or padding out of range",
        "{0} of network '{1}' is {2}: {3}");

    public static readonly DiagnosticDescriptor SpatialAfterDense = Error(
        "NG0031",
        "Convolution or pooling after a dense layer",
        "[{0}] of network '{1}' comes after a [Dense], whose output has no rows or columns: declare convolution and pooling layers before the first [Dense]");

    public static readonly DiagnosticDescriptor SpatialNeedsImageInput = Error(
        "NG0032",
        "Convolution or pooling needs an image input",
        "[{0}] of network '{1}' needs an image: declare the input as [Input(channels, height, width)] instead of [Input({2})]");

    public static readonly DiagnosticDescriptor DropoutOutOfRange = Error(
        "NG0033",
        "Dropout probability out of range",
        "Dropout probability of network '{0}' is {1}: it must be in [0, 1), such as 0.5 (1 would drop every value)");

    public static readonly DiagnosticDescriptor DropoutLast = Error(
        "NG0034",
        "Dropout cannot be the last layer",
        "[Dropout] is the last layer of network '{0}', where it would drop outputs the loss compares with targets: move it before the last [Dense]");

    public static readonly DiagnosticDescriptor TooManyOutputs = Error(
        "NG0035",
        "Layer has too many outputs",
        "{0} of network '{1}' would hold {2} values of one sample; NetGen supports at most {3}: use fewer filters, a stride, pooling or a smaller input");

    /// <summary>Largest weights file a network embeds: 64 MiB (16 million parameters); larger ones slow the build.</summary>
    public const long MaxWeightsFileBytes = 64L << 20;

    /// <summary>Every descriptor, in id order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
    [
        .. typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, System.StringComparer.Ordinal),
    ];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
}
