using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Tests.Oracle;

namespace NetGen.Generator.Tests.Declarations;

/// <summary>What the rules of docs/diagnostics.md say about a declaration, worked out independently of the generator.</summary>
/// <param name="IsNetwork">It carries a <c>[Network]</c>: the generator and analyzer look at it.</param>
/// <param name="CompilerError">C# itself refuses it (an attribute on a struct, a second <c>[Network]</c>).</param>
/// <param name="Errors">The NG errors its problems call for. The generator may stop at the first kind it finds, so it reports at least one of them and no other.</param>
/// <param name="MayAlsoReport">NG errors it may report too, where one problem makes another moot (a layer of size -1 has a meaningless parameter count).</param>
/// <param name="Oracle">For a valid network: the double-precision reference it must compute like.</param>
public sealed record Verdict(bool IsNetwork, bool CompilerError, IReadOnlySet<string> Errors, IReadOnlySet<string> MayAlsoReport, ReferenceNetwork? Oracle)
{
    public bool IsValid => IsNetwork && !CompilerError && Errors.Count == 0;
}

/// <summary>The rules a declaration must follow, as stated in docs/diagnostics.md.</summary>
public static class DeclarationRules
{
    private const long MaxParameterCount = 100_000_000;

    public static Verdict Judge(Declaration declaration)
    {
        var errors = new HashSet<string>();
        var mayAlso = new HashSet<string>();
        bool compilerError = declaration.Shape is TypeShape.PartialStruct or TypeShape.PartialRecordStruct && (declaration.NetworkAttributes > 0 || declaration.Layers.Count > 0);
        compilerError |= declaration.NetworkAttributes > 1;
        if (declaration.NetworkAttributes == 0)
        {
            return new Verdict(false, compilerError, errors, mayAlso, null);
        }

        switch (declaration.Shape)
        {
            case TypeShape.Class:
                errors.Add("NG0001");
                break;
            case TypeShape.StaticPartialClass:
                errors.Add("NG0019");
                break;
            case TypeShape.PartialRecord:
                errors.Add("NG0020");
                break;
            case TypeShape.GenericPartialClass or TypeShape.NestedInGenericPartialClass:
                errors.Add("NG0013");
                break;
            case TypeShape.NestedInClass:
                errors.Add("NG0014");
                break;
        }

        int loss = 0;
        foreach (NetworkArgument argument in declaration.Arguments)
        {
            float v = argument.Value;
            bool ok = argument.Name switch
            {
                "Loss" => Enum.IsDefined(typeof(Loss), (int)v),
                "Optimizer" => Enum.IsDefined(typeof(Optimizer), (int)v),
                "Momentum" or "Beta1" or "Beta2" => v >= 0f && v < 1f,
                "Epsilon" => v > 0f && !float.IsInfinity(v),
                "WeightDecay" => v >= 0f && !float.IsInfinity(v),
                "InferenceOnly" or "Weights" => true,
                _ => throw new ArgumentException(argument.Name),
            };
            if (!ok)
            {
                errors.Add(argument.Name is "Loss" or "Optimizer" ? "NG0015" : "NG0017");
            }

            if (argument.Name == "Loss")
            {
                loss = (int)v;
            }
        }

        // The layers, in order: one [Input] first, then dense layers each with at most one activation.
        bool inputSeen = false, sizeInvalid = false;
        int inputSize = 0;
        var layers = new List<(int Units, int Activation, float Alpha)>();
        foreach (LayerItem item in declaration.Layers)
        {
            switch (item)
            {
                case InputItem input:
                    if (inputSeen || layers.Count > 0)
                    {
                        errors.Add("NG0003");
                    }

                    inputSeen = true;
                    inputSize = input.Size;
                    sizeInvalid |= input.Size < 1;
                    break;
                case DenseItem dense:
                    sizeInvalid |= dense.Units < 1;
                    if (dense.Activation is int a && !Enum.IsDefined(typeof(Activation), a))
                    {
                        errors.Add("NG0015");
                    }

                    if (dense.Alpha is float slope && !AlphaIsValid(slope))
                    {
                        errors.Add("NG0016");
                    }

                    layers.Add((dense.Units, dense.Activation ?? 0, dense.Alpha ?? 0.01f));
                    break;
                case ActivationItem activation:
                    if (layers.Count == 0)
                    {
                        errors.Add("NG0010");
                    }
                    else if (layers[^1].Activation != (int)Activation.Identity)
                    {
                        errors.Add("NG0011");
                    }
                    else
                    {
                        if (activation.Alpha is float alpha && !AlphaIsValid(alpha))
                        {
                            errors.Add("NG0016");
                        }

                        float leak = activation.Kind == Activation.LeakyReLU ? activation.Alpha ?? 0.01f : layers[^1].Alpha;
                        layers[^1] = (layers[^1].Units, (int)activation.Kind, leak);
                    }

                    break;
            }
        }

        if (sizeInvalid)
        {
            errors.Add("NG0005");
            mayAlso.Add("NG0006");
        }

        if (!inputSeen)
        {
            errors.Add("NG0002");
        }

        if (layers.Count == 0)
        {
            errors.Add("NG0004");
        }

        if (inputSeen && layers.Count > 0)
        {
            if (layers.Take(layers.Count - 1).Any(l => l.Activation == (int)Activation.Softmax))
            {
                errors.Add("NG0009");
            }

            int last = layers[^1].Activation;
            if (loss == (int)Loss.CrossEntropy && last != (int)Activation.Softmax)
            {
                errors.Add("NG0007");
            }
            else if (loss == (int)Loss.BinaryCrossEntropy && last != (int)Activation.Sigmoid)
            {
                errors.Add("NG0008");
            }

            long parameters = 0;
            long inputs = inputSize;
            foreach ((int units, _, _) in layers)
            {
                parameters += (units * inputs) + units;
                inputs = units;
            }

            if (!sizeInvalid && parameters > MaxParameterCount)
            {
                errors.Add("NG0006");
            }
        }

        // The weights file is looked for only once the declaration is valid; the property test gives none.
        if (errors.Count == 0 && declaration.Arguments.Any(a => a.Name == "Weights"))
        {
            errors.Add("NG0022");
        }

        ReferenceNetwork? oracle = errors.Count == 0 && !compilerError
            ? new ReferenceNetwork(inputSize, (Loss)loss, [.. layers.Select(l => new ReferenceLayer(l.Units, (Activation)l.Activation, l.Alpha))])
            : null;
        return new Verdict(true, compilerError, errors, mayAlso, oracle);
    }

    private static bool AlphaIsValid(float alpha) => alpha >= 0f && !float.IsInfinity(alpha);
}
