using System.Collections.Generic;

namespace NetGen.Data;

/// <summary>What the label column of a CSV file holds.</summary>
public enum CsvLabelKind
{
    /// <summary>A class per row, as a name or an integer; targets are one-hot.</summary>
    Classification = 0,

    /// <summary>A number per row; the target is that number.</summary>
    Regression = 1,
}

/// <summary>How to read a CSV file of numeric features and one label column.</summary>
public sealed record CsvOptions
{
    /// <summary>The field separator. Default ','.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>
    /// Whether the first line names the columns. <see langword="null"/> (the default) detects it: the
    /// first line is a header when one of its feature cells is not a number.
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>Name of the label column (needs a header). Takes precedence over <see cref="LabelColumnIndex"/>.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>0-based index of the label column; negative counts from the end. Default -1: the last column.</summary>
    public int LabelColumnIndex { get; init; } = -1;

    /// <summary>What the label column holds. Default <see cref="CsvLabelKind.Classification"/>.</summary>
    public CsvLabelKind LabelKind { get; init; }

    /// <summary>
    /// The classes in index order, such as the <see cref="Dataset.ClassNames"/> of the training file when
    /// reading its test file. <see langword="null"/>: integer labels 0..k-1 are their own index; other
    /// labels are numbered in sorted order.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }
}
