namespace NetGen.Internal.Kernels;

/// <summary>A small integer as a type, so that a kernel generic over it is compiled with the value as a constant.</summary>
internal interface IConstant
{
    static abstract int Value { get; }
}

internal readonly struct One : IConstant
{
    public static int Value => 1;
}

internal readonly struct Two : IConstant
{
    public static int Value => 2;
}

internal readonly struct Three : IConstant
{
    public static int Value => 3;
}

internal readonly struct Four : IConstant
{
    public static int Value => 4;
}

internal readonly struct Six : IConstant
{
    public static int Value => 6;
}

/// <summary>
/// One vector of which only the first lanes are columns of the result: the last columns of a product whose B is
/// packed in panels, which have whole vectors past them.
/// </summary>
internal readonly struct Partial : IConstant
{
    public static int Value => 1;
}
