using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetGen.Data;

namespace NetGen.Runtime.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_the_shipped_digits()
    {
        IdxImages images = IdxReader.ReadImages(Path.Combine(TestFiles.MnistFolder, "train-images-idx3-ubyte.gz"));
        byte[] labels = IdxReader.ReadLabels(Path.Combine(TestFiles.MnistFolder, "train-labels-idx1-ubyte.gz"));

        Assert.Equal((8000, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.Equal(8000 * 784, images.Pixels.Length);
        Assert.Equal(8000, labels.Length);
        Assert.Equal(0f, images.Pixels.Min());
        Assert.Equal(1f, images.Pixels.Max());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), labels.Distinct().Order());
    }

    [Fact]
    public void Raw_and_gzip_files_read_alike_and_pixels_are_bytes_over_255()
    {
        byte[] pixels = [0, 51, 102, 255, 7, 128];
        string raw = _files.Write("images", ImagesFile(2, 1, 3, pixels));
        string gz = _files.Write("images.gz", Gzip(ImagesFile(2, 1, 3, pixels)));

        IdxImages fromRaw = IdxReader.ReadImages(raw), fromGz = IdxReader.ReadImages(gz);

        Assert.Equal(pixels.Select(p => p / 255f), fromRaw.Pixels);
        Assert.Equal(fromRaw.Pixels, fromGz.Pixels);
        Assert.Equal((2, 1, 3), (fromGz.Count, fromGz.Rows, fromGz.Columns));
    }

    [Fact]
    public void Streams_read_like_files_and_errors_use_the_given_name()
    {
        byte[] pixels = [0, 51, 102, 255, 7, 128];
        using var images = new MemoryStream(Gzip(ImagesFile(2, 1, 3, pixels)));
        using var labels = new MemoryStream(LabelsFile([4, 9]));

        Dataset set = Mnist.ReadSet(images, labels, "embedded-images", "embedded-labels");

        Assert.Equal(2, set.Count);
        Assert.Equal(pixels.Select(p => p / 255f), set.Features.ToArray());
        Assert.Equal(new[] { 4, 9 }, set.Labels.ToArray());

        using var short_ = new MemoryStream(LabelsFile([4]));
        images.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => Mnist.ReadSet(images, short_, "embedded-images", "embedded-labels"));
        Assert.Contains("embedded-labels", e.Message, StringComparison.Ordinal);
        Assert.Contains("embedded-images", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_labels_file_read_as_images_names_the_file_and_both_magics()
    {
        string path = _files.Write("train-labels-idx1-ubyte", LabelsFile([1, 2, 3]));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("train-labels-idx1-ubyte", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x00000801", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x00000803", e.Message, StringComparison.Ordinal);
        Assert.Contains("labels file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_magic_is_reported()
    {
        string path = _files.Write("junk.gz", Gzip([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1]));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("junk.gz", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x12345678", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(10)]
    public void A_truncated_header_is_reported(int length)
    {
        string path = _files.Write("short", ImagesFile(1, 2, 2, [1, 2, 3, 4])[..length]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("short", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_raw_data_is_reported_before_allocating()
    {
        byte[] file = ImagesFile(1000, 28, 28, new byte[784 * 3]); // header claims 1000 images, 3 are there
        string path = _files.Write("images", file);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("784,000", e.Message, StringComparison.Ordinal);
        Assert.Contains("2,352", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_gzip_data_is_reported()
    {
        string path = _files.Write("images.gz", Gzip(ImagesFile(10, 28, 28, new byte[784 * 4])));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("images.gz", e.Message, StringComparison.Ordinal);
        Assert.Contains("3,136 of the 7,840", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lying_gzip_header_costs_no_huge_allocation()
    {
        // The header claims 100,000 images of 100 x 100 (4 GB as floats); the file holds 10 pixels.
        string path = _files.Write("liar.gz", Gzip(ImagesFile(100_000, 100, 100, new byte[10])));
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_raw_file_with_more_data_than_its_header_declares_is_refused()
    {
        // A header that undercounts would silently drop images; refusing says which number is wrong.
        string path = _files.Write("padded", ImagesFile(2, 28, 28, new byte[784 * 3]));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith("padded: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("1,568", e.Message, StringComparison.Ordinal);
        Assert.Contains("2,352", e.Message, StringComparison.Ordinal);
        Assert.Contains("extra data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_file_whose_data_goes_on_past_its_header_is_refused()
    {
        string path = _files.Write("padded.gz", Gzip(LabelsFile([1, 2, 3, 4]).Concat(new byte[] { 5 }).ToArray()));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        Assert.StartsWith("padded.gz: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("past the 4 label bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_beyond_what_an_array_holds_is_reported()
    {
        string path = _files.Write("huge.gz", Gzip(ImagesFile(int.MaxValue, 1000, 1000, [])));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("more than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_dimension_is_reported()
    {
        string path = _files.Write("negative", ImagesFile(-1, 28, 28, []));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("dimension 1 is -1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_gzip_is_an_invalid_data_exception_naming_the_file()
    {
        byte[] gz = Gzip(ImagesFile(10, 28, 28, new byte[7840]));
        for (int i = 20; i < gz.Length - 8; i += 7)
        {
            gz[i] ^= 0x5A;
        }

        string path = _files.Write("corrupt.gz", gz);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith("corrupt.gz:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mnist_loads_both_sets_with_one_hot_targets()
    {
        (Dataset train, Dataset test) = Mnist.Load(TestFiles.MnistFolder);

        Assert.Equal((8000, 784, 10), (train.Count, train.FeatureSize, train.TargetSize));
        Assert.Equal(2000, test.Count);
        for (int s = 0; s < 50; s++)
        {
            ReadOnlySpan<float> target = test.GetTarget(s);
            Assert.Equal(1f, target[test.Labels[s]]);
            Assert.Equal(1f, target.ToArray().Sum());
        }
    }

    [Fact]
    public void Mnist_reports_a_missing_folder_a_missing_file_and_mismatched_counts()
    {
        Assert.Throws<DirectoryNotFoundException>(() => Mnist.Load(_files.PathOf("nowhere")));

        _files.Write("t10k-images-idx3-ubyte", ImagesFile(3, 1, 1, [1, 2, 3]));
        var missing = Assert.Throws<FileNotFoundException>(() => Mnist.LoadSet(_files.Directory, "t10k"));
        Assert.Contains("t10k-labels-idx1-ubyte", missing.Message, StringComparison.Ordinal);

        _files.Write("t10k-labels-idx1-ubyte.gz", Gzip(LabelsFile([1, 2])));
        var mismatch = Assert.Throws<InvalidDataException>(() => Mnist.LoadSet(_files.Directory, "t10k"));
        Assert.Contains("2 labels", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("3 images", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mnist_rejects_a_label_outside_the_ten_classes()
    {
        _files.Write("t10k-images-idx3-ubyte", ImagesFile(2, 1, 1, [1, 2]));
        _files.Write("t10k-labels-idx1-ubyte", LabelsFile([3, 12]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.LoadSet(_files.Directory, "t10k"));
        Assert.Contains("label 1 is 12", e.Message, StringComparison.Ordinal);
    }

    internal static byte[] ImagesFile(int count, int rows, int columns, byte[] pixels) =>
        [.. Word(IdxReader.ImagesMagic), .. Word(count), .. Word(rows), .. Word(columns), .. pixels];

    internal static byte[] LabelsFile(byte[] labels) =>
        [.. Word(IdxReader.LabelsMagic), .. Word(labels.Length), .. labels];

    internal static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    private static byte[] Word(int value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
