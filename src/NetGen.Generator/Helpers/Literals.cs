using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace NetGen.Generator.Helpers;

/// <summary>Formats values as C# source text, the same on every machine and culture.</summary>
internal static class Literals
{
    /// <summary>A float literal that round-trips exactly (shortest "R" form), such as <c>0.01f</c> or <c>1E-08f</c>.</summary>
    public static string Float(float value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
        {
            text += ".0";
        }

        return text + "f";
    }

    /// <summary>An integer with thousands separators for comments and docs, such as <c>101,770</c>.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A float for prose (comments and docs), without the suffix.</summary>
    public static string FloatProse(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Escapes an identifier that is a C# keyword with <c>@</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
