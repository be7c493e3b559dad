using System;
using System.Runtime.Intrinsics;
using NetGen.Internal;
using NetGen.Internal.Kernels;

namespace NetGen.Runtime.Tests.Kernels;

/// <summary>
/// The shared horizontal sums of four vectors against the width's own one-vector sum, bit for bit: the
/// one-sample kernels sum some rows one way and some the other, and the bit-for-bit training tests rest on
/// the two agreeing. Values of many magnitudes and both signs, so that any other order of the additions rounds differently.
/// </summary>
public sealed class SumTests
{
    [Fact]
    public void Four_sums_at_once_are_the_bits_of_four_single_sums()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Check<Simd512, Vector512<float>>(v => Vector512.Create(v));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Check<Simd256, Vector256<float>>(v => Vector256.Create(v));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Check<Simd128, Vector128<float>>(v => Vector128.Create(v));
        }

        Check<Scalar, float>(v => v[0]);
    }

    private static void Check<TS, TV>(Func<float[], TV> vector)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        var random = new DeterministicRandom(TS.Lanes);
        int orderSensitive = 0;
        for (int round = 0; round < 2000; round++)
        {
            var vectors = new TV[4];
            var sums = new float[4];
            for (int k = 0; k < 4; k++)
            {
                var lanes = new float[TS.Lanes];
                random.FillUniform(lanes, 1f);
                for (int i = 0; i < lanes.Length; i++)
                {
                    lanes[i] = MathF.ScaleB(lanes[i], random.NextInt32(40) - 20);
                }

                vectors[k] = vector(lanes);
                sums[k] = TS.Sum(vectors[k]);
                float inOrder = 0f;
                foreach (float lane in lanes)
                {
                    inOrder += lane;
                }

                orderSensitive += inOrder != sums[k] ? 1 : 0;
            }

            Vector128<float> four = TS.Sum4(vectors[0], vectors[1], vectors[2], vectors[3]);
            for (int k = 0; k < 4; k++)
            {
                Assert.True(sums[k].Equals(four.GetElement(k)), $"{typeof(TS).Name}, round {round}: lane {k} of Sum4 is {four.GetElement(k):R}, Sum gives {sums[k]:R}");
            }
        }

        // the values really do round differently in another order, or the check above would prove nothing
        Assert.True(TS.Lanes < 4 || orderSensitive > 100, $"{typeof(TS).Name}: only {orderSensitive} sums depend on the order of the additions");
    }
}
