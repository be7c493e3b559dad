using System;
using System.IO;
using NetGen.Data;

namespace NetGen.Runtime.Tests;

public sealed class CsvReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_a_header_a_named_label_column_and_class_names()
    {
        string path = _files.WriteText("iris.csv", """
            sepal_length,species,petal_length
            5.1,setosa,1.4
            6.3,virginica,6.0
            5.8,versicolor,4.1

            4.9,setosa,1.5
            """);

        Dataset data = CsvReader.Load(path, new CsvOptions { LabelColumn = "species" });

        Assert.Equal((4, 2, 3), (data.Count, data.FeatureSize, data.TargetSize));
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames);
        Assert.Equal([0, 2, 1, 0], data.Labels.ToArray());
        Assert.Equal([6.3f, 6.0f], data.GetFeatures(1).ToArray());
        Assert.Equal([0f, 0f, 1f], data.GetTarget(1).ToArray());
    }

    [Fact]
    public void Detects_a_missing_header_and_uses_the_last_column_with_integer_classes()
    {
        string path = _files.WriteText("plain.csv", "1,2,0\n3,4,2\n5,6,1\n");

        Dataset data = CsvReader.Load(path);

        Assert.Equal(3, data.Count);
        Assert.Equal([0, 2, 1], data.Labels.ToArray());
        Assert.Equal(["0", "1", "2"], data.ClassNames);
        Assert.Equal([1f, 2f], data.GetFeatures(0).ToArray());
    }

    [Fact]
    public void Reads_a_label_column_by_index_quoted_cells_and_a_regression_target()
    {
        string path = _files.WriteText("houses.csv", "\"price, in k\";rooms;area\n250.5;3;\"1.2e2\"\n99;1;45\n");

        Dataset data = CsvReader.Load(path, new CsvOptions { Separator = ';', LabelColumnIndex = 0, LabelKind = CsvLabelKind.Regression, HasHeader = true });

        Assert.Equal((2, 2, 1), (data.Count, data.FeatureSize, data.TargetSize));
        Assert.Equal(250.5f, data.GetTarget(0)[0]);
        Assert.Equal([3f, 120f], data.GetFeatures(0).ToArray());
        Assert.False(data.HasLabels);
        Assert.Throws<InvalidDataException>(() => CsvReader.Load(path, new CsvOptions { Separator = ';', LabelColumnIndex = 0, LabelKind = CsvLabelKind.Regression, HasHeader = false }));
    }

    [Fact]
    public void A_non_numeric_cell_names_the_file_line_and_column()
    {
        string path = _files.WriteText("bad.csv", "a,b,label\n1,2,x\n3,oops,y\n");

        var e = Assert.Throws<InvalidDataException>(() => CsvReader.Load(path));

        Assert.Equal("bad.csv line 3, column 2 ('b'): 'oops' is not a number.", e.Message);
    }

    [Fact]
    public void An_empty_cell_and_a_short_line_are_reported()
    {
        string empty = _files.WriteText("empty.csv", "1,2,a\n3,,b\n");
        string ragged = _files.WriteText("ragged.csv", "1,2,a\n3,b\n");

        Assert.Equal("empty.csv line 2, column 2: an empty cell is not a number.", Assert.Throws<InvalidDataException>(() => CsvReader.Load(empty)).Message);
        Assert.Equal("ragged.csv line 2: 2 cells, but the first line has 3.", Assert.Throws<InvalidDataException>(() => CsvReader.Load(ragged)).Message);
    }

    [Fact]
    public void A_test_file_uses_the_training_classes_and_rejects_unknown_ones()
    {
        Dataset train = CsvReader.Load(_files.WriteText("train.csv", "x,y\n1,cat\n2,dog\n"));
        string testPath = _files.WriteText("test.csv", "x,y\n3,dog\n4,bird\n");

        var e = Assert.Throws<InvalidDataException>(() => CsvReader.Load(testPath, new CsvOptions { Classes = train.ClassNames }));

        Assert.Contains("test.csv line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("'bird'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_named_label_column_or_an_empty_file_is_reported()
    {
        string headless = _files.WriteText("headless.csv", "1,2\n3,4\n");
        Assert.Contains("no header", Assert.Throws<InvalidDataException>(() => CsvReader.Load(headless, new CsvOptions { LabelColumn = "y" })).Message, StringComparison.Ordinal);
        Assert.Contains("no lines", Assert.Throws<InvalidDataException>(() => CsvReader.Load(_files.WriteText("none.csv", ""))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_max_and_z_score_are_fitted_on_the_training_split_and_applied_to_the_test_split()
    {
        Dataset train = CsvReader.Load(_files.WriteText("train.csv", "0,10,0\n2,20,1\n4,30,0\n"));
        Dataset test = CsvReader.Load(_files.WriteText("test.csv", "6,10,1\n"));

        Normalizer minMax = Normalizer.Fit(train, Normalization.MinMax);
        Normalizer zScore = Normalizer.Fit(train, Normalization.ZScore);
        minMax.Apply(test);

        Assert.Equal([0f, 10f], minMax.Offset.ToArray());
        Assert.Equal([1.5f, 0f], test.GetFeatures(0).ToArray()); // (6 - 0) / 4 and (10 - 10) / 20: outside [0, 1] is fine
        Assert.Equal([2f, 20f], zScore.Offset.ToArray());
        Assert.Equal(1 / Math.Sqrt(8.0 / 3), zScore.Scale[0], 6);

        zScore.Apply(train);
        double mean = (train.GetFeatures(0)[0] + train.GetFeatures(1)[0] + train.GetFeatures(2)[0]) / 3.0;
        Assert.Equal(0, mean, 6);
    }
}
