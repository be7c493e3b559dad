using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Generator.Weights;

/// <summary>A JSON value of a safetensors header: an object, an array, a string, a number or a literal.</summary>
internal abstract class JsonValue
{
    /// <summary>What the value is, for messages: "an object", "the string \"F32\"", "the number 3".</summary>
    public abstract string Describe();
}

internal sealed class JsonObject(List<KeyValuePair<string, JsonValue>> members) : JsonValue
{
    /// <summary>The members in the order of the text.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonValue>> Members { get; } = members;

    public JsonValue? this[string name]
    {
        get
        {
            foreach (KeyValuePair<string, JsonValue> member in Members)
            {
                if (member.Key == name)
                {
                    return member.Value;
                }
            }

            return null;
        }
    }

    public override string Describe() => "an object";
}

internal sealed class JsonArray(List<JsonValue> items) : JsonValue
{
    public IReadOnlyList<JsonValue> Items { get; } = items;

    public override string Describe() => "an array";
}

internal sealed class JsonString(string value) : JsonValue
{
    public string Value { get; } = value;

    public override string Describe() => "the string \"" + Value + "\"";
}

internal sealed class JsonNumber(string text) : JsonValue
{
    /// <summary>The number as written.</summary>
    public string Text { get; } = text;

    /// <summary>The number as a non-negative integer, when it is one that fits a long.</summary>
    public bool TryGetCount(out long value) =>
        long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    public override string Describe() => "the number " + Text;
}

internal sealed class JsonLiteral(string text) : JsonValue
{
    public override string Describe() => text;
}

/// <summary>
/// Reads the JSON header of a safetensors file: strict UTF-8, the grammar of RFC 8259, nesting at most 16
/// deep. The generator targets netstandard2.0 and runs in every compiler host, so it carries its own small
/// reader rather than a JSON library the host may not have. Errors are <see cref="FormatException"/>s
/// whose message says where and what.
/// </summary>
internal sealed class Json
{
    private const int MaxDepth = 16;
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _text;
    private int _at;

    private Json(string text) => _text = text;

    /// <summary>Parses <paramref name="count"/> bytes of UTF-8 JSON from <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    /// <exception cref="FormatException">The bytes are not UTF-8 or not JSON.</exception>
    public static JsonValue Parse(byte[] bytes, int offset, int count)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(bytes, offset, count);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("the header is not valid UTF-8 text");
        }

        var json = new Json(text);
        JsonValue value = json.ReadValue(0);
        json.SkipWhitespace();
        if (json._at < text.Length)
        {
            throw json.Error("text goes on after the header's JSON value");
        }

        return value;
    }

    private JsonValue ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"the JSON nests more than {MaxDepth} levels deep");
        }

        SkipWhitespace();
        if (_at >= _text.Length)
        {
            throw Error("the JSON ends where a value was expected");
        }

        char c = _text[_at];
        return c switch
        {
            '{' => ReadObject(depth),
            '[' => ReadArray(depth),
            '"' => new JsonString(ReadString()),
            '-' or (>= '0' and <= '9') => ReadNumber(),
            't' => ReadLiteral("true"),
            'f' => ReadLiteral("false"),
            'n' => ReadLiteral("null"),
            _ => throw Error($"'{c}' cannot start a JSON value"),
        };
    }

    private JsonObject ReadObject(int depth)
    {
        _at++; // {
        var members = new List<KeyValuePair<string, JsonValue>>();
        SkipWhitespace();
        if (Peek() == '}')
        {
            _at++;
            return new JsonObject(members);
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("an object's member names are strings");
            }

            string name = ReadString();
            SkipWhitespace();
            Expect(':');
            members.Add(new KeyValuePair<string, JsonValue>(name, ReadValue(depth + 1)));
            SkipWhitespace();
            char next = Peek();
            _at++;
            if (next == '}')
            {
                return new JsonObject(members);
            }

            if (next != ',')
            {
                throw Error("expected ',' or '}' in an object", _at - 1);
            }
        }
    }

    private JsonArray ReadArray(int depth)
    {
        _at++; // [
        var items = new List<JsonValue>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _at++;
            return new JsonArray(items);
        }

        while (true)
        {
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            char next = Peek();
            _at++;
            if (next == ']')
            {
                return new JsonArray(items);
            }

            if (next != ',')
            {
                throw Error("expected ',' or ']' in an array", _at - 1);
            }
        }
    }

    private string ReadString()
    {
        _at++; // "
        var value = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length)
            {
                throw Error("a string is not closed");
            }

            char c = _text[_at++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c < ' ')
            {
                throw Error("a string holds a control character", _at - 1);
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            char escape = _at < _text.Length ? _text[_at++] : '\0';
            switch (escape)
            {
                case '"' or '\\' or '/':
                    value.Append(escape);
                    break;
                case 'b':
                    value.Append('\b');
                    break;
                case 'f':
                    value.Append('\f');
                    break;
                case 'n':
                    value.Append('\n');
                    break;
                case 'r':
                    value.Append('\r');
                    break;
                case 't':
                    value.Append('\t');
                    break;
                case 'u' when _at + 4 <= _text.Length && ushort.TryParse(_text.Substring(_at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code):
                    value.Append((char)code);
                    _at += 4;
                    break;
                default:
                    throw Error("a string has an invalid escape", _at - 1);
            }
        }
    }

    private JsonNumber ReadNumber()
    {
        int start = _at;
        if (Peek() == '-')
        {
            _at++;
        }

        if (Peek() == '0')
        {
            _at++;
        }
        else if (Peek() is >= '1' and <= '9')
        {
            SkipDigits();
        }
        else
        {
            throw Error("a number needs a digit");
        }

        if (Peek() == '.')
        {
            _at++;
            if (Peek() is not (>= '0' and <= '9'))
            {
                throw Error("a number needs a digit after its '.'");
            }

            SkipDigits();
        }

        if (Peek() is 'e' or 'E')
        {
            _at++;
            if (Peek() is '+' or '-')
            {
                _at++;
            }

            if (Peek() is not (>= '0' and <= '9'))
            {
                throw Error("a number needs a digit in its exponent");
            }

            SkipDigits();
        }

        return new JsonNumber(_text.Substring(start, _at - start));
    }

    private JsonLiteral ReadLiteral(string literal)
    {
        if (string.CompareOrdinal(_text, _at, literal, 0, literal.Length) != 0)
        {
            throw Error("not a JSON value");
        }

        _at += literal.Length;
        return new JsonLiteral(literal);
    }

    private void SkipDigits()
    {
        while (Peek() is >= '0' and <= '9')
        {
            _at++;
        }
    }

    private void SkipWhitespace()
    {
        while (_at < _text.Length && _text[_at] is ' ' or '\t' or '\n' or '\r')
        {
            _at++;
        }
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }

        _at++;
    }

    private FormatException Error(string problem, int? at = null) =>
        new($"the header is not valid JSON: {problem} (at character {(at ?? _at).ToString(CultureInfo.InvariantCulture)})");
}
