using System;

namespace NetGen.Data;

/// <summary>
/// More training images from the ones a dataset has: copies shifted by a few pixels, the augmentation that
/// lets a small convolutional network trained on a few thousand digits generalise like one trained on many.
/// </summary>
public static class ImageAugmentation
{
    /// <summary>
    /// The images of <paramref name="images"/>, then <paramref name="copies"/> copies of each shifted by a
    /// whole number of pixels in [-<paramref name="maxShift"/>, <paramref name="maxShift"/>] down and across
    /// (drawn from <paramref name="seed"/>: the same dataset for the same seed), the pixels shifted in being 0.
    /// Targets, labels and class names are copied with their images.
    /// </summary>
    /// <param name="images">Images of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> values each, channel by channel, row by row.</param>
    /// <param name="channels">Channels of an image.</param>
    /// <param name="height">Rows of an image.</param>
    /// <param name="width">Columns of an image.</param>
    /// <param name="copies">Shifted copies of each image, 0 or more.</param>
    /// <param name="maxShift">The largest shift, in pixels, 0 or more and less than the image's height and width.</param>
    /// <param name="seed">Seed of the shifts.</param>
    /// <exception cref="ArgumentException">The sizes do not describe the dataset's samples, or a count is out of range.</exception>
    public static Dataset ShiftedCopies(Dataset images, int channels, int height, int width, int copies, int maxShift, long seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegative(copies);
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        if (channels < 1 || height < 1 || width < 1 || (long)channels * height * width != images.FeatureSize)
        {
            throw new ArgumentException($"{channels} x {height} x {width} images are {(long)channels * height * width} values, but the dataset's samples have {images.FeatureSize}.", nameof(images));
        }

        if (maxShift >= height || maxShift >= width)
        {
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, $"A shift must be smaller than the image ({height} x {width}).");
        }

        int n = images.Count, size = images.FeatureSize, targetSize = images.TargetSize;
        long total = (long)n * (copies + 1);
        if (total * size > Array.MaxLength)
        {
            throw new ArgumentException($"{total:N0} images of {size:N0} values would not fit in one array; make fewer copies.", nameof(copies));
        }

        var features = new float[total * size];
        var targets = new float[total * targetSize];
        int[]? labels = images.HasLabels ? new int[total] : null;
        images.Features.CopyTo(features);
        images.Targets.CopyTo(targets);
        images.Labels.CopyTo(labels);

        var random = new DeterministicRandom(seed);
        int span = (2 * maxShift) + 1;
        for (int copy = 1; copy <= copies; copy++)
        {
            for (int s = 0; s < n; s++)
            {
                int down = random.NextInt32(span) - maxShift, across = random.NextInt32(span) - maxShift;
                long at = ((long)copy * n) + s;
                Shift(images.GetFeatures(s), features.AsSpan((int)(at * size), size), channels, height, width, down, across);
                images.GetTarget(s).CopyTo(targets.AsSpan((int)(at * targetSize), targetSize));
                if (labels is not null)
                {
                    labels[at] = images.Labels[s];
                }
            }
        }

        return new Dataset(features, size, targets, targetSize, labels, images.ClassNames);
    }

    /// <summary>destination[ch, r, c] = source[ch, r - down, c - across], 0 where that is outside the image.</summary>
    private static void Shift(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width, int down, int across)
    {
        destination.Clear();
        int first = Math.Max(0, across), last = Math.Min(width, width + across); // columns of destination that have a source
        for (int ch = 0; ch < channels; ch++)
        {
            for (int r = Math.Max(0, down); r < Math.Min(height, height + down); r++)
            {
                source.Slice((((ch * height) + r - down) * width) + first - across, last - first)
                    .CopyTo(destination.Slice((((ch * height) + r) * width) + first, last - first));
            }
        }
    }
}
