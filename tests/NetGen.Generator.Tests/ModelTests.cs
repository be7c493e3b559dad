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

            // an abstract record stands for every kind that derives from it (each kind of layer)
            if (type.IsAbstract)
            {
                foreach (Type kind in type.Assembly.GetTypes().Where(t => t.BaseType == type))
                {
                    Visit(kind, path + "<" + kind.Name + ">");
                }
            }
        }

        Visit(typeof(Planning.NetworkPlan), nameof(Planning.NetworkPlan));
        Visit(typeof(Planning.GeneratorOptions), nameof(Planning.GeneratorOptions));

        Assert.Empty(problems);
        Assert.Contains(typeof(NetworkModel), seen);
        Assert.Contains(typeof(DenseLayerModel), seen);
        Assert.Contains(typeof(ConvolutionLayerModel), seen);
        Assert.Contains(typeof(PoolingLayerModel), seen);
        Assert.Contains(typeof(DropoutLayerModel), seen);
        Assert.Contains(typeof(SpatialShape), seen);
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
            new LayerModel[] { new DenseLayerModel(1, 0, 4, units, ActivationKind.ReLU, 0.01f, 0) }.ToEquatableArray(),
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
            new LayerModel[] { new DenseLayerModel(1, 0, 784, units, ActivationKind.ReLU, 0.01f, 0) }.ToEquatableArray(),
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

    /// <summary>
    /// Per-sample SGD shares a later large layer's update between cores (by rows of W, as its forward pass)
    /// whether or not the first layer is large enough to share its own, from 262,144 weights; smaller layers and
    /// the first one below the threshold do not.
    /// </summary>
    [Fact]
    public void A_later_large_layer_shares_its_sgd_step_whatever_the_first_layer_does()
    {
        NetworkModel model = SgdClassifier(24, 256, 256, 1024, 5); // 6,144, 65,536, 262,144 and 5,120 weights

        Planning.NetworkPlan plan = Planning.Planner.Plan(model, Planning.GeneratorOptions.Default);
        foreach (EquatableArray<Planning.Step> pass in new[] { plan.Sgd, plan.Sequence })
        {
            Assert.True(pass.Single(s => s.Kind == Planning.StepKind.SgdStep && s.Layer == 3).Share);
            Assert.False(pass.Single(s => s.Kind == Planning.StepKind.SgdStep && s.Layer == 4).Share);

            // large enough to split one sample's product, but its W stays in one core's cache unsplit
            Assert.False(pass.Single(s => s.Kind == Planning.StepKind.SgdStep && s.Layer == 2).Share);
        }

        Assert.False(plan.Sgd.Single(s => s.Kind == Planning.StepKind.SgdStep && s.Layer == 1).Share);
        Assert.False(plan.Sequence.Single(s => s.Kind == Planning.StepKind.SgdStepThenProduct).Share);

        // inference shares every layer large enough to split, which writes nothing back
        Assert.True(plan.Inference.Single(s => s.Layer == 2).Share);
    }

    /// <summary>
    /// Training shares a later layer's forward pass exactly as it shares its update, in TrainBatch's steps and in
    /// TrainSequential's alike, so that each core updates the rows of W it read: after a 784 x 256 first layer
    /// that shares both, a 256 x 256 layer shares neither; a 1,024 x 1,024 layer shares both.
    /// </summary>
    [Fact]
    public void A_later_layer_shares_its_training_forward_pass_only_with_its_update()
    {
        NetworkModel model = SgdClassifier(784, 256, 256, 10); // 200,704, 65,536 and 2,560 weights

        Planning.NetworkPlan plan = Planning.Planner.Plan(model, Planning.GeneratorOptions.Default);
        Assert.True(plan.Sgd.Single(s => s.Kind == Planning.StepKind.Forward && s.Layer == 1).Share);
        Assert.True(plan.Sgd.Single(s => s.Kind == Planning.StepKind.SgdStep && s.Layer == 1).Share);
        Assert.False(plan.Sgd.Single(s => s.Kind == Planning.StepKind.Forward && s.Layer == 2).Share);
        Assert.False(plan.Sgd.Single(s => s.Kind == Planning.StepKind.SgdStep && s.Layer == 2).Share);

        Planning.NetworkPlan wide = Planning.Planner.Plan(SgdClassifier(784, 1024, 1024, 10), Planning.GeneratorOptions.Default);
        foreach (EquatableArray<Planning.Step> pass in new[] { wide.Sgd, wide.Sequence })
        {
            Assert.True(pass.Single(s => s.Kind == Planning.StepKind.Forward && s.Layer == 2).Share);
            Assert.True(pass.Single(s => s.Kind == Planning.StepKind.SgdStep && s.Layer == 2).Share);
        }
    }

    /// <summary>
    /// Predict's chunk keeps a spatial layer's images in L2: a 28 x 28 CNN whose first convolution and pooling
    /// hold 21.6 and 23 KB a sample gets 16 samples a thread (368 KB), growing with the threads; a dense network
    /// keeps chunks of 256 whatever the threads, its products blocking their rows themselves.
    /// </summary>
    [Fact]
    public void Predict_chunks_of_a_cnn_fit_in_l2_per_thread_and_a_dense_network_keeps_256()
    {
        var image = new SpatialShape(1, 28, 28);
        var convolved = new SpatialShape(8, 24, 24);
        var pooled = new SpatialShape(8, 12, 12);
        NetworkModel cnn = SgdClassifier(10) with
        {
            InputSize = image.Size,
            Layers = new LayerModel[]
            {
                new ConvolutionLayerModel(1, 0, image, convolved, 5, 1, 0, ActivationKind.ReLU, 0.01f, 0),
                new PoolingLayerModel(2, 2, convolved, pooled, 2, 2, true, ActivationKind.Identity, 0.01f),
                new DenseLayerModel(3, 4, pooled.Size, 10, ActivationKind.Softmax, 0.01f, 208),
            }.ToEquatableArray(),
        };

        Planning.NetworkPlan plan = Planning.Planner.Plan(cnn, Planning.GeneratorOptions.Default);
        Assert.Equal(16, plan.PredictChunk);
        Assert.True(plan.PredictChunkPerThread);
        Assert.True(plan.PredictChunk * 4L * (convolved.Size + pooled.Size) <= Planning.Planner.SpatialChunkBytes);
        Assert.True(2 * plan.PredictChunk * 4L * (convolved.Size + pooled.Size) > Planning.Planner.SpatialChunkBytes);

        Planning.NetworkPlan dense = Planning.Planner.Plan(SgdClassifier(784, 1024, 1024, 10), Planning.GeneratorOptions.Default);
        Assert.Equal(256, dense.PredictChunk);
        Assert.False(dense.PredictChunkPerThread);
    }

    [Fact]
    public void Predict_splits_the_samples_of_a_dense_network_whose_weights_stay_small_and_each_product_otherwise()
    {
        Planning.NetworkPlan mnist = Planning.Planner.Plan(SgdClassifier(784, 128, 10), Planning.GeneratorOptions.Default);
        Assert.True(mnist.SplitsPredictSamples);
        Assert.Equal(new[] { 1, 2 }, mnist.PredictRows.Select(step => step.Layer));
        Assert.All(mnist.PredictRows, step => Assert.Equal(Planning.StepKind.ForwardRows, step.Kind));
        Assert.True(Planning.Planner.Plan(SgdClassifier(784, 256, 256, 256, 10), Planning.GeneratorOptions.Default).SplitsPredictSamples);

        // dropout passes its input through in inference: a thread's rows go through it as through any layer
        NetworkModel dropout = SgdClassifier(784, 128, 10) with
        {
            Layers = new LayerModel[]
            {
                new DenseLayerModel(1, 0, 784, 128, ActivationKind.ReLU, 0.01f, 0),
                new DropoutLayerModel(2, 1, new SpatialShape(128, 1, 1), 0.5f, ActivationKind.Identity, 0.01f),
                new DenseLayerModel(3, 2, 128, 10, ActivationKind.Softmax, 0.01f, 100_480),
            }.ToEquatableArray(),
        };
        Assert.Equal(new[] { 1, 2, 3 }, Planning.Planner.Plan(dropout, Planning.GeneratorOptions.Default).PredictRows.Select(step => step.Layer));

        // 784-1024-1024-10: a copy of 1.85M weights per thread would stream all of them on every core
        Assert.False(Planning.Planner.Plan(SgdClassifier(784, 1024, 1024, 10), Planning.GeneratorOptions.Default).SplitsPredictSamples);

        var image = new SpatialShape(1, 8, 8);
        var convolved = new SpatialShape(2, 6, 6);
        NetworkModel cnn = SgdClassifier(10) with
        {
            InputSize = image.Size,
            Layers = new LayerModel[]
            {
                new ConvolutionLayerModel(1, 0, image, convolved, 3, 1, 0, ActivationKind.ReLU, 0.01f, 0),
                new DenseLayerModel(2, 2, convolved.Size, 10, ActivationKind.Softmax, 0.01f, 20),
            }.ToEquatableArray(),
        };
        Planning.NetworkPlan split = Planning.Planner.Plan(cnn, Planning.GeneratorOptions.Default);
        Assert.False(split.SplitsPredictSamples); // its layers split a chunk's samples each
        Assert.Empty(split.PredictRows);
    }

    /// <summary>A dense network trained by SGD on cross-entropy: ReLU layers of the given sizes, then a softmax layer.</summary>
    private static NetworkModel SgdClassifier(int inputs, params int[] units)
    {
        var layers = new LayerModel[units.Length];
        int offset = 0, width = inputs;
        for (int i = 0; i < units.Length; i++)
        {
            ActivationKind activation = i == units.Length - 1 ? ActivationKind.Softmax : ActivationKind.ReLU;
            layers[i] = new DenseLayerModel(i + 1, 2 * i, width, units[i], activation, 0.01f, offset);
            offset += (width * units[i]) + units[i];
            width = units[i];
        }

        return new NetworkModel(
            "App",
            EquatableArray<ContainingTypeModel>.Empty,
            "Net",
            "App.Net.g.cs",
            inputs,
            layers.ToEquatableArray(),
            LossKind.CrossEntropy,
            new OptimizerModel(OptimizerKind.Sgd, 0.9f, 0.9f, 0.999f, 1e-8f, 0f));
    }

    /// <summary>
    /// The kernels along a row of W run no wider than the row; the batch products along the units keep the
    /// layer's width. A row of 4 inputs at 512 bits would run all in the tail.
    /// </summary>
    [Theory]
    [InlineData(784, 128, 512, 512)]
    [InlineData(4, 16, 512, 128)]
    [InlineData(8, 64, 512, 256)]
    [InlineData(3, 16, 512, 0)]
    [InlineData(16, 3, 512, 512)]
    [InlineData(2, 2, 0, 0)]
    public void A_dense_layer_runs_along_its_rows_no_wider_than_a_row(int inputs, int units, int vectorBits, int rowVectorBits)
    {
        var model = new NetworkModel(
            "App",
            EquatableArray<ContainingTypeModel>.Empty,
            "Net",
            "App.Net.g.cs",
            inputs,
            new LayerModel[] { new DenseLayerModel(1, 0, inputs, units, ActivationKind.ReLU, 0.01f, 0) }.ToEquatableArray(),
            LossKind.SquaredError,
            new OptimizerModel(OptimizerKind.Sgd, 0.9f, 0.9f, 0.999f, 1e-8f, 0f));

        Planning.LayerPlan layer = Planning.Planner.Plan(model, Planning.GeneratorOptions.Default).First;
        Assert.Equal(vectorBits, layer.VectorBits);
        Assert.Equal(rowVectorBits, layer.RowVectorBits);
        Assert.Equal(0, Planning.Planner.Plan(model, Planning.GeneratorOptions.Default with { ScalarKernels = true }).First.RowVectorBits);
    }

    [Fact]
    public void Weights_files_are_equal_when_their_bytes_are_and_embedded_weights_reach_the_plan()
    {
        using var files = new Infrastructure.WeightsFiles();
        byte[] content = Infrastructure.WeightsFiles.SafeTensors(Infrastructure.WeightsFiles.Dense(1, 4, (3, false)));
        AdditionalText a = files.Write("a.safetensors", content);
        Weights.WeightsFile first = Weights.WeightsFile.Read(a, default), again = Weights.WeightsFile.Read(a, default);
        Assert.Equal(first, again);
        Assert.Equal(first.GetHashCode(), again.GetHashCode());
        content[^1] ^= 1; // one bit of the last value
        AdditionalText edited = files.Write("a.safetensors", content);
        Assert.NotEqual(first, Weights.WeightsFile.Read(edited, default));

        NetworkModel model = new(
            null,
            EquatableArray<ContainingTypeModel>.Empty,
            "Net",
            "Net.g.cs",
            4,
            new LayerModel[] { new DenseLayerModel(1, 0, 4, 3, ActivationKind.Identity, 0.01f, 0) }.ToEquatableArray(),
            LossKind.SquaredError,
            new OptimizerModel(OptimizerKind.Sgd, 0.9f, 0.9f, 0.999f, 1e-8f, 0f),
            Weights: "a.safetensors",
            InferenceOnly: true);
        EmbeddedWeights? weights = Weights.WeightsReader.Resolve(model, [first]).Weights;
        Assert.NotNull(weights);
        Assert.Equal(15, weights.ValueCount);
        Planning.NetworkPlan plan = Planning.Planner.Plan(model, weights, Planning.GeneratorOptions.Default);
        Assert.Equal(plan, Planning.Planner.Plan(model, Weights.WeightsReader.Resolve(model, [again]).Weights, Planning.GeneratorOptions.Default));
        Assert.False(plan.Trainable);
        Assert.Empty(plan.Backward);
        Assert.Empty(plan.BatchTraining);
        Assert.False(plan.Last.KeepsPreActivation);
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;
}
