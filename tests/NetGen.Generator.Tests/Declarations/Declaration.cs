using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetGen.Generator.Tests.Declarations;

/// <summary>Where and how the network class is declared.</summary>
public enum TypeShape
{
    PartialClass,
    SealedPartialClass,
    InternalPartialClass,
    NestedInPartialClass,
    NestedInPartialStruct,
    Class,
    StaticPartialClass,
    PartialRecord,
    PartialStruct,
    PartialRecordStruct,
    GenericPartialClass,
    NestedInClass,
    NestedInGenericPartialClass,
}

/// <summary>One layer attribute of a declaration, as the user would write it.</summary>
public abstract record LayerItem
{
    public abstract string Render();
}

/// <summary><c>[Input(size)]</c>.</summary>
public sealed record InputItem(int Size) : LayerItem
{
    public override string Render() => $"Input({Size})";
}

/// <summary><c>[Dense(units)]</c>, <c>[Dense(units, activation)]</c>, optionally <c>Alpha = a</c>; the activation as its raw value.</summary>
public sealed record DenseItem(int Units, int? Activation = null, float? Alpha = null, bool NamedUnits = false) : LayerItem
{
    public override string Render()
    {
        var arguments = new List<string> { NamedUnits ? $"units: {Units}" : Units.ToString(CultureInfo.InvariantCulture) };
        if (Activation is int activation)
        {
            arguments.Add(Literal.Enum<Activation>(activation));
        }

        if (Alpha is float alpha)
        {
            arguments.Add("Alpha = " + Literal.Float(alpha));
        }

        return $"Dense({string.Join(", ", arguments)})";
    }
}

/// <summary>An activation attribute: <c>[ReLU]</c>, <c>[LeakyReLU(alpha)]</c>, <c>[Sigmoid]</c>, <c>[Tanh]</c>, <c>[Softmax]</c>.</summary>
public sealed record ActivationItem(Activation Kind, float? Alpha = null) : LayerItem
{
    public override string Render() => Alpha is float alpha ? $"{Kind}({Literal.Float(alpha)})" : Kind.ToString();
}

/// <summary>A named argument of <c>[Network]</c>: Loss and Optimizer as raw values, InferenceOnly as 0 or 1, Weights a file no project has; the rest as floats.</summary>
public sealed record NetworkArgument(string Name, float Value)
{
    public string Render() => Name switch
    {
        "Loss" => "Loss = " + Literal.Enum<Loss>((int)Value),
        "Optimizer" => "Optimizer = " + Literal.Enum<Optimizer>((int)Value),
        "InferenceOnly" => "InferenceOnly = " + (Value != 0 ? "true" : "false"),
        "Weights" => "Weights = \"missing.safetensors\"",
        _ => $"{Name} = {Literal.Float(Value)}",
    };
}

/// <summary>
/// A network declaration as a user could type it: valid or not. <see cref="NetworkAttributes"/> is how many
/// <c>[Network]</c> attributes it carries (0: a class with layer attributes only; 2: a duplicate).
/// </summary>
public sealed record Declaration(
    TypeShape Shape,
    int NetworkAttributes,
    IReadOnlyList<NetworkArgument> Arguments,
    IReadOnlyList<LayerItem> Layers,
    bool OneAttributeList)
{
    /// <summary>The file of this declaration in namespace <paramref name="ns"/>: the network is <c>ns.Net</c> or <c>ns.Outer.Net</c>.</summary>
    public string Render(string ns)
    {
        var text = new StringBuilder("using NetGen;\n\nnamespace ").Append(ns).Append(";\n\n");
        string? outer = Shape switch
        {
            TypeShape.NestedInPartialClass => "public partial class Outer",
            TypeShape.NestedInPartialStruct => "public partial struct Outer",
            TypeShape.NestedInClass => "public class Outer",
            TypeShape.NestedInGenericPartialClass => "public partial class Outer<T>",
            _ => null,
        };
        string indent = outer is null ? string.Empty : "    ";
        if (outer is not null)
        {
            text.Append(outer).Append("\n{\n");
        }

        string network = Arguments.Count == 0 ? "Network" : $"Network({string.Join(", ", Arguments.Select(a => a.Render()))})";
        for (int i = 0; i < NetworkAttributes; i++)
        {
            text.Append(indent).Append('[').Append(network).Append("]\n");
        }

        if (Layers.Count > 0)
        {
            text.Append(indent).Append(OneAttributeList
                ? "[" + string.Join(", ", Layers.Select(l => l.Render())) + "]"
                : string.Join(" ", Layers.Select(l => "[" + l.Render() + "]"))).Append('\n');
        }

        text.Append(indent).Append(Shape switch
        {
            TypeShape.SealedPartialClass => "public sealed partial class Net;",
            TypeShape.InternalPartialClass => "internal partial class Net;",
            TypeShape.Class => "public class Net;",
            TypeShape.StaticPartialClass => "public static partial class Net;",
            TypeShape.PartialRecord => "public partial record Net;",
            TypeShape.PartialStruct => "public partial struct Net;",
            TypeShape.PartialRecordStruct => "public partial record struct Net;",
            TypeShape.GenericPartialClass => "public partial class Net<T>;",
            _ => "public partial class Net;",
        }).Append('\n');

        if (outer is not null)
        {
            text.Append("}\n");
        }

        return text.ToString();
    }

    /// <summary>The metadata name of the network type in namespace <paramref name="ns"/>.</summary>
    public string TypeName(string ns) => Shape is TypeShape.NestedInPartialClass or TypeShape.NestedInPartialStruct ? ns + ".Outer+Net" : ns + ".Net";
}

/// <summary>C# literals for the values a declaration holds, out-of-range ones included.</summary>
internal static class Literal
{
    public static string Float(float value) => value switch
    {
        float.PositiveInfinity => "float.PositiveInfinity",
        float.NegativeInfinity => "float.NegativeInfinity",
        _ when float.IsNaN(value) => "float.NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture) + "f",
    };

    /// <summary><c>Loss.CrossEntropy</c> for a member, <c>(Loss)7</c> or <c>(Loss)(-1)</c> for any other value.</summary>
    public static string Enum<TEnum>(int value)
        where TEnum : struct, System.Enum =>
        System.Enum.IsDefined(typeof(TEnum), value)
            ? typeof(TEnum).Name + "." + System.Enum.GetName(typeof(TEnum), value)
            : $"({typeof(TEnum).Name})" + (value < 0 ? $"({value})" : value.ToString(CultureInfo.InvariantCulture));
}
