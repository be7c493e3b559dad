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

    /// <summary>An integer as C# source, the same in every culture.</summary>
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An integer with thousands separators for comments and docs, such as <c>101,770</c>.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Text for an XML doc comment: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped.</summary>
    public static string XmlText(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A float for prose (comments and docs), without the suffix.</summary>
    public static string FloatProse(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary><paramref name="a"/> + <paramref name="b"/> as source, leaving out a zero term.</summary>
    public static string Plus(string a, string b) => b == "0" ? a : a == "0" ? b : $"{a} + {b}";

    /// <summary><paramref name="a"/> * <paramref name="b"/> as source, parenthesising a compound left operand.</summary>
    public static string Times(string a, string b) => $"{Operand(a)} * {b}";

    /// <summary>An expression as an operand: parenthesised unless it is a name, a number or a single call.</summary>
    public static string Operand(string expression) => IsAtomic(expression) ? expression : $"({expression})";

    /// <summary>Whether <paramref name="expression"/> is a name, a number, or one call whose parentheses close at its end.</summary>
    public static bool IsAtomic(string expression)
    {
        int open = expression.IndexOf('(');
        if (open < 0)
        {
            return expression.IndexOf(' ') < 0;
        }

        if (expression[expression.Length - 1] != ')' || expression.Substring(0, open).IndexOf(' ') >= 0)
        {
            return false;
        }

        int depth = 0;
        for (int i = open; i < expression.Length; i++)
        {
            depth += expression[i] == '(' ? 1 : expression[i] == ')' ? -1 : 0;
            if (depth == 0 && i < expression.Length - 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Escapes an identifier that is a C# keyword with <c>@</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
