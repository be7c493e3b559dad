using System;

namespace NetGen;

/// <summary>
/// A small seeded random number generator (SplitMix64) whose sequence is the same on every machine
/// and every .NET version, unlike <see cref="Random"/>, whose algorithm is unspecified.
/// Used for parameter initialisation and for shuffling datasets.
/// </summary>
public struct DeterministicRandom
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/>.</summary>
    public DeterministicRandom(long seed) => _state = unchecked((ulong)seed);

    /// <summary>The next 64 random bits (SplitMix64, Steele, Lea and Flood 2014).</summary>
    public ulong NextUInt64()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A float uniformly distributed in [0, 1), with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>An integer uniformly distributed in [0, <paramref name="bound"/>), without modulo bias (Lemire 2019).</summary>
    public int NextInt32(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong product = (NextUInt64() >> 32) * (ulong)bound;
        uint low = unchecked((uint)product);
        if (low < (uint)bound)
        {
            uint threshold = unchecked((uint)-bound) % (uint)bound;
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * (ulong)bound;
                low = unchecked((uint)product);
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with values uniformly distributed in [-bound, bound).
    /// Each value is bound * (2u - 1) for u from <see cref="NextSingle"/>; both steps are exact or
    /// correctly rounded, so the values are identical on every machine.
    /// </summary>
    public void FillUniform(Span<float> destination, float bound)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = bound * (2f * NextSingle() - 1f);
        }
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
