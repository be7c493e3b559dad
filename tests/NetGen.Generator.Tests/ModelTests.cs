using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests;

/// <summary>
/// The model and the plan that flow through the incremental pipeline hold only values: no symbol, syntax
/// node, location or compilation, any of which would defeat caching and keep old compilations alive.
/// </summary>
public sealed class ModelTests
{
    [Fact]
    public void The_model_holds_only_value_types_strings_and_value_equal_collections()
    {
        var allowedLeaves = new HashSet<Type> { typeof(string) };
        var seen = new HashSet<Type>();
        var problems = new List<string>();

        void Visit(Type type, string path)
        {
            if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || allowedLeaves.Contains(type))
            {
                return;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
            {
                Visit(type.GetGenericArguments()[0], path + "[]");
                return;
            }

            if (Nullable.GetUnderlyingType(type) is { } inner)
            {
                Visit(inner, path);
                return;
            }

            if ((type.Namespace != typeof(NetworkModel).Namespace && type.Namespace != typeof(Planning.NetworkPlan).Namespace) || !IsRecord(type))
            {
                problems.Add($"{path}: {type}");
                return;
            }

            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(p => p.Name != "EqualityContract"))
            {
                Visit(property.PropertyType, path + "." + property.Name);
            }
        }

        Visit(typeof(Planning.NetworkPlan), nameof(Planning.NetworkPlan));
        Visit(typeof(Planning.GeneratorOptions), nameof(Planning.GeneratorOptions));

        Assert.Empty(problems);
        Assert.Contains(typeof(NetworkModel), seen);
        Assert.Contains(typeof(DenseLayerModel), seen);
        Assert.Contains(typeof(Planning.Step), seen);
    }

    [Fact]
    public void Equal_contents_make_equal_models()
    {
        NetworkModel Make(int units) => new(
            "App",
            new[] { new ContainingTypeModel("class", "Outer") }.ToEquatableArray(),
            "Net",
            "App.Outer.Net.g.cs",
            4,
            new[] { new DenseLayerModel(1, 0, 4, units, ActivationKind.ReLU, 0.01f, 0) }.ToEquatableArray(),
            LossKind.SquaredError,
            new OptimizerModel(OptimizerKind.Sgd, 0.9f, 0.9f, 0.999f, 1e-8f, 0f));

        Assert.Equal(Make(3), Make(3));
        Assert.Equal(Make(3).GetHashCode(), Make(3).GetHashCode());
        Assert.NotEqual(Make(3), Make(5));
    }

    [Fact]
    public void Equal_models_and_options_make_equal_plans()
    {
        NetworkModel Make(int units) => new(
            "App",
            EquatableArray<ContainingTypeModel>.Empty,
            "Net",
            "App.Net.g.cs",
            784,
            new[] { new DenseLayerModel(1, 0, 784, units, ActivationKind.ReLU, 0.01f, 0) }.ToEquatableArray(),
            LossKind.SquaredError,
            new OptimizerModel(OptimizerKind.Sgd, 0.9f, 0.9f, 0.999f, 1e-8f, 0f));

        Planning.NetworkPlan plan = Planning.Planner.Plan(Make(128), Planning.GeneratorOptions.Default);
        Assert.Equal(plan, Planning.Planner.Plan(Make(128), Planning.GeneratorOptions.Default));
        Assert.Equal(plan.GetHashCode(), Planning.Planner.Plan(Make(128), Planning.GeneratorOptions.Default).GetHashCode());
        Assert.NotEqual(plan, Planning.Planner.Plan(Make(64), Planning.GeneratorOptions.Default));
        Assert.NotEqual(plan, Planning.Planner.Plan(Make(128), Planning.GeneratorOptions.Default with { ScalarKernels = true }));

        // the decisions the kernels are compiled with
        Assert.True(plan.First.SharesSample);            // 784 x 128 weights: one sample split between cores
        Assert.False(Planning.Planner.Plan(Make(8), Planning.GeneratorOptions.Default).First.SharesSample);
        Assert.Equal(512, plan.First.VectorBits);
        Assert.Equal(0, Planning.Planner.Plan(Make(128), Planning.GeneratorOptions.Default with { ScalarKernels = true }).First.VectorBits);
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;
}
