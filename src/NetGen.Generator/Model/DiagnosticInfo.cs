using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Model;

/// <summary>
/// A diagnostic as plain data, so it can travel through the incremental pipeline without holding a
/// <see cref="Location"/> (which would root a syntax tree and defeat caching).
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    LocationInfo? Location,
    EquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] messageArguments) =>
        new(descriptor, LocationInfo.From(location), messageArguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), [.. MessageArguments]);
}

/// <summary>A source location as plain data.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}
