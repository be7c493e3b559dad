using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>Source with the span a diagnostic is expected on marked as <c>[|...|]</c>.</summary>
internal static class Markup
{
    public static (string Source, TextSpan Span) Parse(string markup)
    {
        int start = markup.IndexOf("[|", System.StringComparison.Ordinal);
        int end = markup.IndexOf("|]", System.StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "markup needs one [|...|] span");
        string source = markup.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }
}
