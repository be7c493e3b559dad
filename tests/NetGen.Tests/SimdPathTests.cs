using System;
using System.Runtime.Intrinsics;

namespace NetGen.Tests;

/// <summary>
/// CI runs the numerical tests once per SIMD path (Vector512, Vector256, Vector128, scalar) by turning
/// instruction sets off with DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0,
/// and names the path it meant in NETGEN_EXPECTED_SIMD. This test fails when a run took another path.
/// </summary>
public sealed class SimdPathTests
{
    public const string Variable = "NETGEN_EXPECTED_SIMD";

    [Fact]
    public void The_run_takes_the_simd_path_it_was_meant_to()
    {
        string actual = Vector512.IsHardwareAccelerated ? "512"
            : Vector256.IsHardwareAccelerated ? "256"
            : Vector128.IsHardwareAccelerated ? "128"
            : "scalar";

        // The generated dispatchers test the widths in this order; a wider one implies the narrower ones.
        Assert.True(!Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);
        Assert.True(!Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated);

        string? expected = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(expected))
        {
            Assert.Equal(expected, actual);
        }
    }
}
