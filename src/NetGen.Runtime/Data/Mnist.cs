using System;
using System.IO;

namespace NetGen.Data;

/// <summary>
/// Loads a folder of IDX files under the standard MNIST names (<c>train-images-idx3-ubyte</c>,
/// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each
/// raw or with <c>.gz</c>): MNIST itself, the subset shipped in <c>data/mnist-10k</c>, or Fashion-MNIST.
/// </summary>
public static class Mnist
{
    /// <summary>Number of classes of MNIST and Fashion-MNIST.</summary>
    public const int ClassCount = 10;

    /// <summary>Loads the training and test sets of <paramref name="directory"/>, pixels scaled to [0, 1] and labels one-hot.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, or images and labels do not match.</exception>
    public static (Dataset Train, Dataset Test) Load(string directory, string[]? classNames = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Data folder '{directory}' does not exist.");
        }

        return (LoadSet(directory, "train", classNames), LoadSet(directory, "t10k", classNames));
    }

    /// <summary>Loads one set, such as <c>train</c> or <c>t10k</c>.</summary>
    public static Dataset LoadSet(string directory, string prefix, string[]? classNames = null)
    {
        string imagesPath = Find(directory, prefix + "-images-idx3-ubyte");
        string labelsPath = Find(directory, prefix + "-labels-idx1-ubyte");
        return Combine(IdxReader.ReadImages(imagesPath), IdxReader.ReadLabels(labelsPath), Path.GetFileName(imagesPath), Path.GetFileName(labelsPath), classNames);
    }

    /// <summary>
    /// Loads one set from two streams of IDX data, such as resources embedded in an app: images and labels,
    /// each raw or gzip-compressed. The streams must be seekable; they are left open.
    /// </summary>
    /// <param name="images">The images file's bytes.</param>
    /// <param name="labels">The labels file's bytes.</param>
    /// <param name="imagesName">The name errors give the images by.</param>
    /// <param name="labelsName">The name errors give the labels by.</param>
    /// <param name="classNames">Names of the ten classes, or null.</param>
    /// <exception cref="InvalidDataException">The data is corrupt, or images and labels do not match.</exception>
    public static Dataset ReadSet(Stream images, Stream labels, string imagesName, string labelsName, string[]? classNames = null) =>
        Combine(IdxReader.ReadImages(images, imagesName), IdxReader.ReadLabels(labels, labelsName), imagesName, labelsName, classNames);

    private static Dataset Combine(IdxImages images, byte[] labels, string imagesName, string labelsName, string[]? classNames)
    {
        if (labels.Length != images.Count)
        {
            throw new InvalidDataException(
                $"{labelsName}: holds {labels.Length:N0} labels, but {imagesName} holds {images.Count:N0} images.");
        }

        var classes = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassCount)
            {
                throw new InvalidDataException($"{labelsName}: label {i} is {labels[i]}, outside the {ClassCount} classes 0-9.");
            }

            classes[i] = labels[i];
        }

        return Dataset.FromLabels(images.Pixels, images.ImageSize, classes, ClassCount, classNames);
    }

    private static string Find(string directory, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"Data folder '{directory}' has no {name}.gz or {name} (the standard MNIST file names).", Path.Combine(directory, name + ".gz"));
    }
}
