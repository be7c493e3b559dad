using System.Collections.Immutable;

namespace NetGen.Generator.Diagnostics;

/// <summary>
/// Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/>: what a code fix needs to know about
/// a diagnostic beyond its id and location.
/// </summary>
internal static class DiagnosticProperties
{
    /// <summary>The default of an out-of-range value, as C# source (<c>0.9f</c>): what a fix resets it to.</summary>
    public const string DefaultValue = "NetGen.DefaultValue";

    /// <summary>NG0003: <see cref="DuplicateInput"/> or <see cref="InputAfterDense"/>.</summary>
    public const string InputProblem = "NetGen.InputProblem";

    public const string DuplicateInput = "Duplicate";

    public const string InputAfterDense = "AfterDense";

    public static ImmutableDictionary<string, string?> With(string key, string value) =>
        ImmutableDictionary<string, string?>.Empty.Add(key, value);
}
