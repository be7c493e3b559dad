using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text.RegularExpressions;
using NetGen.Data;

namespace NetGen.Samples.Tests;

/// <summary>
/// The MNIST sample's CNN (--model cnn) as a process, on a subset of the shipped digits small enough for a
/// test: it learns, reports a confusion matrix and saves a checkpoint its own network reads back.
/// </summary>
[Collection(SampleProcess.Collection)]
public sealed class CnnSampleTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("netgen-cnn-sample-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void The_cnn_learns_a_subset_of_the_digits()
    {
        // 2,000 training digits (and the sample's eight shifted copies of each), 500 test digits, 3 epochs
        string data = Path.Combine(_folder.FullName, "subset");
        Directory.CreateDirectory(data);
        string shipped = Path.Combine(AppContext.BaseDirectory, "data", "mnist-10k");
        WriteSubset(shipped, "train", 2000, data);
        WriteSubset(shipped, "t10k", 500, data);

        (int code, string output, string errors) = SampleProcess.Run(_folder.FullName, "--model", "cnn", "--data", data, "--epochs", "3", "--save", "cnn.safetensors");

        Assert.True(code == 0, errors + output);
        Assert.Contains("DigitCnn", output, StringComparison.Ordinal);
        Assert.Contains("16,000 shifted copies", output, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix", output, StringComparison.Ordinal);
        Match accuracy = Regex.Match(output, @"Test accuracy (\d+\.\d+) %");
        Assert.True(accuracy.Success, output);
        double percent = double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(percent >= 93.0, $"test accuracy {percent}% after 3 epochs on 2,000 digits\n{output}");

        // and better than the sample's dense network on the same digits: the convolutions see the strokes
        (int mlpCode, string mlp, string mlpErrors) = SampleProcess.Run(_folder.FullName, "--data", data, "--save", "mlp.safetensors");
        Assert.True(mlpCode == 0, mlpErrors);
        double dense = double.Parse(Regex.Match(mlp, @"Test accuracy (\d+\.\d+) %").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(percent > dense, $"the CNN reached {percent}%, the 784-128-10 network {dense}%");

        // the checkpoint holds the CNN under PyTorch's names, and evaluates to the same accuracy
        (int loadCode, string loaded, string loadErrors) = SampleProcess.Run(_folder.FullName, "--model", "cnn", "--data", data, "--load", "cnn.safetensors");
        Assert.True(loadCode == 0, loadErrors);
        Assert.Contains($"Test accuracy {accuracy.Groups[1].Value} %", loaded, StringComparison.Ordinal);
    }

    /// <summary>The first <paramref name="count"/> images and labels of a set, as gzipped IDX files under MNIST's names.</summary>
    private static void WriteSubset(string from, string prefix, int count, string to)
    {
        Dataset set = Mnist.LoadSet(from, prefix);
        using (var images = new GZipStream(File.Create(Path.Combine(to, prefix + "-images-idx3-ubyte.gz")), CompressionLevel.Fastest))
        {
            images.Write(Header(0x0803, count, 28, 28));
            for (int i = 0; i < count; i++)
            {
                foreach (float v in set.GetFeatures(i))
                {
                    images.WriteByte((byte)MathF.Round(v * 255f));
                }
            }
        }

        using var labels = new GZipStream(File.Create(Path.Combine(to, prefix + "-labels-idx1-ubyte.gz")), CompressionLevel.Fastest);
        labels.Write(Header(0x0801, count));
        for (int i = 0; i < count; i++)
        {
            labels.WriteByte((byte)set.Labels[i]);
        }
    }

    private static byte[] Header(int magic, params int[] sizes)
    {
        var header = new byte[4 * (sizes.Length + 1)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < sizes.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * (i + 1)), sizes[i]);
        }

        return header;
    }
}
