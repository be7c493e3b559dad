using System;
using System.Linq;
using NetGen.Data;

namespace NetGen.Runtime.Tests;

/// <summary>Shifted copies: each copy is its image moved by whole pixels within the bound, zeros shifted in, with its label.</summary>
public sealed class ImageAugmentationTests
{
    [Fact]
    public void Every_copy_is_its_image_shifted_within_the_bound_with_its_target()
    {
        // two 2 x 5 x 6 images whose pixels are all distinct and non-zero, of classes 1 and 2
        const int Channels = 2, Height = 5, Width = 6, Size = Channels * Height * Width;
        float[] pixels = [.. Enumerable.Range(1, 2 * Size).Select(i => (float)i)];
        Dataset images = Dataset.FromLabels(pixels, Size, [1, 2], classCount: 3);

        Dataset augmented = ImageAugmentation.ShiftedCopies(images, Channels, Height, Width, copies: 3, maxShift: 2, seed: 9);

        Assert.Equal(8, augmented.Count);
        Assert.Equal(images.Features.ToArray(), augmented.Features.Slice(0, 2 * Size).ToArray());
        for (int s = 2; s < 8; s++)
        {
            int original = s % 2;
            Assert.Equal(images.Labels[original], augmented.Labels[s]);
            Assert.Equal(images.GetTarget(original).ToArray(), augmented.GetTarget(s).ToArray());
            (int down, int across) = FindShift(images.GetFeatures(original), augmented.GetFeatures(s));
            Assert.InRange(down, -2, 2);
            Assert.InRange(across, -2, 2);
        }

        // the same seed gives the same copies; another seed, others
        Assert.Equal(augmented.Features.ToArray(), ImageAugmentation.ShiftedCopies(images, Channels, Height, Width, 3, 2, 9).Features.ToArray());
        Assert.NotEqual(augmented.Features.ToArray(), ImageAugmentation.ShiftedCopies(images, Channels, Height, Width, 3, 2, 10).Features.ToArray());

        // shapes that do not describe the samples are refused
        Assert.Throws<ArgumentException>(() => ImageAugmentation.ShiftedCopies(images, 1, Height, Width, 1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageAugmentation.ShiftedCopies(images, Channels, Height, Width, 1, Height, 0));
    }

    /// <summary>The shift that makes <paramref name="copy"/> from <paramref name="image"/>: every pixel moved by it, zeros where nothing moved in.</summary>
    private static (int Down, int Across) FindShift(ReadOnlySpan<float> image, ReadOnlySpan<float> copy)
    {
        const int Channels = 2, Height = 5, Width = 6;
        for (int down = -2; down <= 2; down++)
        {
            for (int across = -2; across <= 2; across++)
            {
                bool all = true;
                for (int ch = 0; ch < Channels && all; ch++)
                {
                    for (int r = 0; r < Height && all; r++)
                    {
                        for (int c = 0; c < Width && all; c++)
                        {
                            int sr = r - down, sc = c - across;
                            float expected = sr >= 0 && sr < Height && sc >= 0 && sc < Width ? image[(((ch * Height) + sr) * Width) + sc] : 0f;
                            all = copy[(((ch * Height) + r) * Width) + c] == expected;
                        }
                    }
                }

                if (all)
                {
                    return (down, across);
                }
            }
        }

        Assert.Fail("the copy is no shift of its image");
        return default;
    }
}
