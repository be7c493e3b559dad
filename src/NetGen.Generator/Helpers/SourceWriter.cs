using System;
using System.Text;

namespace NetGen.Generator.Helpers;

/// <summary>
/// Writes C# source with indentation. <see cref="Block()"/> opens a brace and returns a handle that
/// closes it, so nesting in the emitter mirrors nesting in the generated code.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";

    private readonly StringBuilder _builder = new();
    private int _indent;

    /// <summary>Writes one line at the current indentation (an empty line has no trailing spaces).</summary>
    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>
    /// Writes a multi-line text, each line at the current indentation plus its own. Leading and
    /// trailing blank lines of <paramref name="text"/> are kept as they are.
    /// </summary>
    public SourceWriter Lines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            Line(line.TrimEnd());
        }

        return this;
    }

    /// <summary>Writes <paramref name="header"/>, then an opening brace, and indents until the handle is disposed.</summary>
    public BlockHandle Block(string header)
    {
        Line(header);
        return Block();
    }

    /// <summary>Writes an opening brace and indents until the handle is disposed.</summary>
    public BlockHandle Block()
    {
        Line("{");
        _indent++;
        return new BlockHandle(this, "}");
    }

    /// <summary>Indents without braces until the handle is disposed.</summary>
    public BlockHandle Indent()
    {
        _indent++;
        return new BlockHandle(this, null);
    }

    public override string ToString() => _builder.ToString();

    /// <summary>Closes a block opened by <see cref="Block()"/> when disposed.</summary>
    public readonly struct BlockHandle : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string? _closing;

        internal BlockHandle(SourceWriter writer, string? closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._indent--;
            if (_closing is not null)
            {
                _writer.Line(_closing);
            }
        }
    }
}
