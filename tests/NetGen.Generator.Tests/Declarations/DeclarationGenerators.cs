using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace NetGen.Generator.Tests.Declarations;

/// <summary>Declarations compiled together; FsCheck prints a batch that fails by its size, the failure itself names the declaration.</summary>
public sealed record DeclarationBatch(Declaration[] Declarations)
{
    public override string ToString() => $"{Declarations.Length} declarations";
}

/// <summary>
/// FsCheck generators of declarations: valid networks by construction, the same with one to three
/// mutations (a size set to -1 or huge, two neighbouring sizes past the parameter limit, a layer inserted,
/// deleted, duplicated or moved, an enum cast out of range, a hyper-parameter or slope out of range, another
/// loss, another type shape, no or two <c>[Network]</c>), and layer lists drawn at random.
/// </summary>
public static class DeclarationGenerators
{
    private static readonly TypeShape[] ValidShapes =
        [TypeShape.PartialClass, TypeShape.SealedPartialClass, TypeShape.InternalPartialClass, TypeShape.NestedInPartialClass, TypeShape.NestedInPartialStruct];

    private static readonly string[] HyperParameters = ["Momentum", "Beta1", "Beta2", "Epsilon", "WeightDecay"];

    /// <summary>Sizes a user might type, awkward ones included: -1, 0, huge.</summary>
    private static readonly Gen<int> AnySize = Gen.Frequency(
        (6, Gen.Choose(1, 12)),
        (2, Gen.Choose(13, 40)),
        (1, Gen.Elements(-1, 0, -100, 20_000, 1_000_000, int.MaxValue)));

    /// <summary>Floats a user might give a hyper-parameter or slope: in range, on its edges and far out of it.</summary>
    private static readonly Gen<float> AnyFloat = Gen.Elements(
        0f, 0.01f, 0.1f, 0.5f, 0.9f, 0.999f, 1f, 1.5f, -0.1f, -1f, 1e-8f, 1e-3f, 100f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon);

    /// <summary>Raw enum values: every member, and casts out of range.</summary>
    private static Gen<int> AnyEnum(int members) => Gen.Frequency((5, Gen.Choose(0, members - 1)), (1, Gen.Elements(-1, members, 7, int.MaxValue)));

    private static Gen<float> ValidFloatFor(string name) => name switch
    {
        "Epsilon" => Gen.Elements(1e-8f, 1e-7f, 1e-4f),
        "WeightDecay" => Gen.Elements(0f, 1e-4f, 0.01f),
        _ => Gen.Elements(0f, 0.5f, 0.9f, 0.99f, 0.999f),
    };

    /// <summary>A declaration: a fifth valid, three fifths mutated, the rest drawn at random.</summary>
    public static Gen<Declaration> Declaration() => Gen.Frequency(
        (1, Valid()),
        (3, Valid().SelectMany(d => Gen.Choose(1, 3).SelectMany(n => MutateTimes(d, n)))),
        (1, Random()));

    /// <summary>A batch of declarations, compiled together.</summary>
    public static Gen<DeclarationBatch> Batch(int size) => Declaration().ArrayOf(size).Select(d => new DeclarationBatch(d));

    /// <summary>A valid network: a class shape that can take generated members, a loss its last activation fits, sizes in range.</summary>
    public static Gen<Declaration> Valid() =>
        from shape in Gen.Elements(ValidShapes)
        from loss in Gen.Elements(Loss.SquaredError, Loss.CrossEntropy, Loss.BinaryCrossEntropy)
        from optimizer in Gen.Elements(Optimizer.Sgd, Optimizer.Momentum, Optimizer.Adam)
        from named in Gen.SubListOf(HyperParameters)
        from values in Gen.CollectToArray(named.Select(ValidFloatFor))
        from writeLoss in Gen.Elements(true, loss != Loss.SquaredError)
        from writeOptimizer in Gen.Elements(true, false)
        from inferenceOnly in Gen.Elements(0, 0, 0, 1, 2) // 2: not written
        from input in Gen.Choose(1, 40)
        from hidden in Gen.Choose(0, 3)
        from layers in Gen.CollectToArray(Enumerable.Range(0, hidden).Select(_ => HiddenLayer()))
        from output in Gen.Frequency((3, Gen.Choose(1, 12)), (1, Gen.Choose(13, 33)))
        from last in OutputLayer(loss, output)
        from oneList in Gen.Elements(false, false, true)
        let arguments = (writeLoss && loss != Loss.SquaredError ? [new NetworkArgument("Loss", (int)loss)] : Array.Empty<NetworkArgument>())
            .Concat(writeOptimizer ? [new NetworkArgument("Optimizer", (int)optimizer)] : [])
            .Concat(named.Zip(values, (n, v) => new NetworkArgument(n, v)))
            .Concat(inferenceOnly < 2 ? [new NetworkArgument("InferenceOnly", inferenceOnly)] : [])
            .ToArray()
        select new Declaration(shape, 1, arguments, [new InputItem(input), .. layers.SelectMany(l => l), .. last], oneList);

    /// <summary>A hidden dense layer with no activation, one as its argument, or one as an attribute after it.</summary>
    private static Gen<LayerItem[]> HiddenLayer() =>
        from units in Gen.Frequency((3, Gen.Choose(1, 16)), (1, Gen.Choose(17, 40)))
        from activation in Gen.Elements(Activation.Identity, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh)
        from how in Gen.Choose(0, 2)
        from alpha in Gen.Elements<float?>(null, 0f, 0.2f, 0.5f)
        from named in Gen.Elements(false, true)
        select Layer(units, activation, how, alpha, named);

    /// <summary>The last dense layer: Softmax for cross-entropy, Sigmoid for binary cross-entropy, anything for squared error.</summary>
    private static Gen<LayerItem[]> OutputLayer(Loss loss, int units) =>
        from activation in loss switch
        {
            Loss.CrossEntropy => Gen.Constant(Activation.Softmax),
            Loss.BinaryCrossEntropy => Gen.Constant(Activation.Sigmoid),
            _ => Gen.Elements(Activation.Identity, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh, Activation.Softmax),
        }
        from how in Gen.Choose(0, 2)
        from alpha in Gen.Elements<float?>(null, 0.1f)
        select Layer(units, activation, how == 0 && activation != Activation.Identity ? 1 : how, alpha, false);

    /// <summary>how: 0 no activation argument or attribute; 1 as the Dense's argument; 2 as an attribute after it.</summary>
    private static LayerItem[] Layer(int units, Activation activation, int how, float? alpha, bool namedUnits) =>
        (activation, how) switch
        {
            (Activation.Identity, _) or (_, 0) => [new DenseItem(units, how == 1 ? (int)Activation.Identity : null, NamedUnits: namedUnits)],
            (_, 1) => [new DenseItem(units, (int)activation, activation == Activation.LeakyReLU ? alpha : null, namedUnits)],
            _ => [new DenseItem(units, NamedUnits: namedUnits), new ActivationItem(activation, activation == Activation.LeakyReLU ? alpha : null)],
        };

    /// <summary>A declaration with random layer items in random order.</summary>
    public static Gen<Declaration> Random() =>
        from shape in Gen.Elements(Enum.GetValues<TypeShape>())
        from networks in Gen.Frequency((8, Gen.Constant(1)), (1, Gen.Constant(0)), (1, Gen.Constant(2)))
        from arguments in Argument().ListOf(3)
        from count in Gen.Choose(0, 6)
        from layers in AnyLayer().ArrayOf(count)
        from oneList in Gen.Elements(false, true)
        select new Declaration(shape, networks, [.. arguments.DistinctBy(a => a.Name)], layers, oneList);

    private static Gen<NetworkArgument> Argument() =>
        Gen.OneOf(
            AnyEnum(3).Select(v => new NetworkArgument("Loss", v)),
            AnyEnum(3).Select(v => new NetworkArgument("Optimizer", v)),
            Gen.Elements(0, 1).Select(v => new NetworkArgument("InferenceOnly", v)),
            Gen.Constant(new NetworkArgument("Weights", 0)),
            from name in Gen.Elements(HyperParameters)
            from value in AnyFloat
            select new NetworkArgument(name, value));

    private static Gen<LayerItem> AnyLayer() =>
        Gen.Frequency(
            (1, AnySize.Select(size => (LayerItem)new InputItem(size))),
            (3, from units in AnySize
                from activation in Gen.Frequency((2, Gen.Constant<int?>(null)), (2, AnyEnum(6).Select(a => (int?)a)))
                from alpha in Gen.Frequency((3, Gen.Constant<float?>(null)), (1, AnyFloat.Select(a => (float?)a)))
                select (LayerItem)new DenseItem(units, activation, alpha)),
            (2, from kind in Gen.Elements(Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh, Activation.Softmax)
                from alpha in Gen.Frequency((2, Gen.Constant<float?>(null)), (1, AnyFloat.Select(a => (float?)a)))
                select (LayerItem)new ActivationItem(kind, kind == Activation.LeakyReLU ? alpha : null)));

    private static Gen<Declaration> MutateTimes(Declaration declaration, int times) =>
        times == 0 ? Gen.Constant(declaration) : Mutate(declaration).SelectMany(d => MutateTimes(d, times - 1));

    /// <summary>One change a user might make, for better or worse.</summary>
    private static Gen<Declaration> Mutate(Declaration d)
    {
        List<LayerItem> layers = [.. d.Layers];
        Gen<int> position = Gen.Choose(0, Math.Max(0, layers.Count - 1));
        return Gen.OneOf(
            Gen.Elements(Enum.GetValues<TypeShape>()).Select(shape => d with { Shape = shape }),
            Gen.Elements(0, 2).Select(n => d with { NetworkAttributes = n }),
            from at in position
            from size in AnySize
            select d with { Layers = With(layers, at, layers.Count == 0 ? null : Resized(layers[at], size)) },
            from at in Gen.Choose(0, layers.Count)
            from item in AnyLayer()
            select d with { Layers = [.. layers.Take(at), item, .. layers.Skip(at)] },
            from at in position
            select d with { Layers = [.. layers.Where((_, i) => i != at)] },
            from at in position
            select d with { Layers = layers.Count == 0 ? layers : [.. layers.Take(at + 1), layers[at], .. layers.Skip(at + 1)] },
            from source in position
            from to in position
            select d with { Layers = Moved(layers, source, to) },
            from argument in Argument()
            select d with { Arguments = [.. d.Arguments.Where(a => a.Name != argument.Name), argument] },
            from loss in Gen.Choose(0, 2)
            select d with { Arguments = [.. d.Arguments.Where(a => a.Name != "Loss"), new NetworkArgument("Loss", loss)] },
            from at in position
            from alpha in AnyFloat
            select d with { Layers = With(layers, at, layers.Count == 0 ? null : Slope(layers[at], alpha)) },
            from at in position
            select d with { Layers = Widened(layers, at) });
    }

    /// <summary>
    /// The size at <paramref name="at"/> (or the next one) and the size after it made 20,000 each: 400 million
    /// weights between them, past the parameter limit with every size in range (one huge size alone rarely gets there).
    /// </summary>
    private static List<LayerItem> Widened(List<LayerItem> layers, int at)
    {
        List<LayerItem> widened = [.. layers];
        int changed = 0;
        for (int i = at; i < widened.Count && changed < 2; i++)
        {
            if (widened[i] is InputItem or DenseItem)
            {
                widened[i] = Resized(widened[i], 20_000);
                changed++;
            }
        }

        return widened;
    }

    private static List<LayerItem> With(List<LayerItem> layers, int at, LayerItem? item) =>
        item is null ? layers : [.. layers.Take(at), item, .. layers.Skip(at + 1)];

    private static LayerItem Resized(LayerItem item, int size) => item switch
    {
        InputItem => new InputItem(size),
        DenseItem dense => dense with { Units = size },
        _ => item,
    };

    private static LayerItem Slope(LayerItem item, float alpha) => item switch
    {
        DenseItem dense => dense with { Alpha = alpha },
        ActivationItem { Kind: Activation.LeakyReLU } leaky => leaky with { Alpha = alpha },
        _ => item,
    };

    private static List<LayerItem> Moved(List<LayerItem> layers, int from, int to)
    {
        if (layers.Count == 0)
        {
            return layers;
        }

        List<LayerItem> moved = [.. layers];
        LayerItem item = moved[from];
        moved.RemoveAt(from);
        moved.Insert(Math.Min(to, moved.Count), item);
        return moved;
    }
}
