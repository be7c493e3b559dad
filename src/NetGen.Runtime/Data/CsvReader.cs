using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NetGen.Data;

/// <summary>
/// Reads tabular data: numeric feature columns and one label column, one sample per line. Fields may be
/// quoted ("a, b"; a quote inside is doubled); a quoted field does not span lines.
/// </summary>
public static class CsvReader
{
    /// <summary>Reads <paramref name="path"/> into a dataset.</summary>
    /// <exception cref="InvalidDataException">
    /// A cell is not a number, a line has the wrong number of cells, a class is unknown, or the file has no
    /// data; the message names the file, the line and the column.
    /// </exception>
    public static Dataset Load(string path, CsvOptions? options = null)
    {
        options ??= new CsvOptions();
        string name = Path.GetFileName(path);
        List<(int Line, string[] Cells)> rows = ReadRows(path, options.Separator, name);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{name}: the file has no lines.");
        }

        int columns = rows[0].Cells.Length;
        string[]? header = null;
        int labelColumn = ResolveLabelColumn(options, rows[0].Cells, columns, name);
        if (options.HasHeader ?? LooksLikeHeader(rows[0].Cells, labelColumn))
        {
            header = rows[0].Cells;
            rows.RemoveAt(0);
            labelColumn = ResolveLabelColumn(options, header, columns, name);
        }
        else if (options.LabelColumn is not null)
        {
            throw new InvalidDataException($"{name}: the label column '{options.LabelColumn}' is named, but the file has no header line.");
        }

        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{name}: the file has a header but no data lines.");
        }

        int featureSize = columns - 1;
        if (featureSize == 0)
        {
            throw new InvalidDataException($"{name}: the file has only the label column, no feature.");
        }

        var features = new float[rows.Count * featureSize];
        var labelTexts = new string[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            (int line, string[] cells) = rows[r];
            if (cells.Length != columns)
            {
                throw new InvalidDataException($"{name} line {line}: {cells.Length} cells, but the first line has {columns}.");
            }

            int f = 0;
            for (int c = 0; c < columns; c++)
            {
                if (c == labelColumn)
                {
                    labelTexts[r] = cells[c];
                    continue;
                }

                features[(r * featureSize) + f++] = ParseNumber(cells[c], name, line, c, header);
            }
        }

        if (options.LabelKind == CsvLabelKind.Regression)
        {
            var targets = new float[rows.Count];
            for (int r = 0; r < rows.Count; r++)
            {
                targets[r] = ParseNumber(labelTexts[r], name, rows[r].Line, labelColumn, header);
            }

            return new Dataset(features, featureSize, targets, 1);
        }

        IReadOnlyList<string> classes = options.Classes ?? DiscoverClasses(labelTexts);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < classes.Count; k++)
        {
            index[classes[k]] = k;
        }

        var labels = new int[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            if (!index.TryGetValue(labelTexts[r], out labels[r]))
            {
                throw new InvalidDataException(
                    $"{name} line {rows[r].Line}, column {labelColumn + 1}{ColumnName(header, labelColumn)}: class '{labelTexts[r]}' is not one of {string.Join(", ", classes)}.");
            }
        }

        return Dataset.FromLabels(features, featureSize, labels, classes.Count, classes);
    }

    private static int ResolveLabelColumn(CsvOptions options, string[] firstCells, int columns, string name)
    {
        if (options.LabelColumn is not null)
        {
            int named = Array.IndexOf(firstCells, options.LabelColumn);
            return named >= 0 ? named : columns - 1; // checked again once the header is known
        }

        int index = options.LabelColumnIndex < 0 ? columns + options.LabelColumnIndex : options.LabelColumnIndex;
        if (index < 0 || index >= columns)
        {
            throw new InvalidDataException($"{name}: label column index {options.LabelColumnIndex} is outside the {columns} columns.");
        }

        return index;
    }

    private static bool LooksLikeHeader(string[] cells, int labelColumn) =>
        cells.Where((_, c) => c != labelColumn).Any(cell => !TryParse(cell, out _));

    /// <summary>Integer labels 0..k-1 are their own class index; other labels are numbered in ordinal order.</summary>
    private static List<string> DiscoverClasses(string[] labels)
    {
        string[] distinct = [.. labels.Distinct(StringComparer.Ordinal)];
        if (distinct.All(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int max = distinct.Max(l => int.Parse(l, CultureInfo.InvariantCulture));
            return [.. Enumerable.Range(0, max + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        }

        Array.Sort(distinct, StringComparer.Ordinal);
        return [.. distinct];
    }

    private static float ParseNumber(string cell, string name, int line, int column, string[]? header)
    {
        if (TryParse(cell, out float value))
        {
            return value;
        }

        string shown = cell.Length == 0 ? "an empty cell" : $"'{cell}'";
        throw new InvalidDataException($"{name} line {line}, column {column + 1}{ColumnName(header, column)}: {shown} is not a number.");
    }

    private static bool TryParse(string cell, out float value) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    private static string ColumnName(string[]? header, int column) =>
        header is null ? string.Empty : $" ('{header[column]}')";

    private static List<(int Line, string[] Cells)> ReadRows(string path, char separator, string name)
    {
        var rows = new List<(int, string[])>();
        using var reader = new StreamReader(path);
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            rows.Add((number, Split(line, separator, name, number)));
        }

        return rows;
    }

    /// <summary>Splits one line into trimmed cells, honouring double quotes.</summary>
    private static string[] Split(string line, char separator, string name, int number)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        if (quoted)
        {
            throw new InvalidDataException($"{name} line {number}: a quoted cell is not closed.");
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }
}
