using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning;

/// <summary>
/// Decides how a network's code runs: every decision that shapes the generated code and the kernels it
/// calls is made here, from the model and the project's options, and nowhere else.
/// </summary>
internal static class Planner
{
    /// <summary>
    /// Layers with at least this many weights split one sample's product between cores: below it, handing
    /// half the rows to another core cannot pay for the hand-over.
    /// </summary>
    public const long SampleSplitMinimum = 8192;

    /// <summary>
    /// A layer after the first shares one sample's training steps between cores only from this many weights
    /// (1 MB of W): its forward pass and its update, each core the same rows of W in both. A smaller W stays in
    /// one core's L2 unsplit. (When the update split W by columns, which moved lines between the cores' caches on
    /// every sample, 784-256-256-256-10's TrainSequential on two Zen 4 cores ran 26K samples/s with its 256 x 256
    /// layers split, 40K without, one thread 32K.)
    /// </summary>
    public const long TrainingSampleSplitMinimum = 1 << 18;

    /// <summary>Batches from this many samples go through matrix products (4: where the products overtook one sample at a time).</summary>
    public const int MatrixProductBatch = 4;

    /// <summary>Samples per matrix product in Predict, which bounds the batch buffers it needs.</summary>
    public const int PredictChunk = 256;

    /// <summary>
    /// Weights of a dense network up to which Predict's threads split its samples, each running its own through every
    /// layer from its own packed copy of the weights (2 MB; 784-256-256-256-10 has 334K): no thread waits for another
    /// between layers, the small layers and the softmax run in parallel too, and no thread reads lines another core
    /// wrote. On two cores of a Zen 5 VM, Predict of 1,024 ran 1.85-1.9x one thread against 1.65-1.75x with each layer's
    /// product split by units. Larger networks split each product by units: a copy of 784-1024-1024-10's weights per
    /// thread (7 MB) would leave each core streaming all of them, where split it streams half (1.9x already).
    /// </summary>
    public const long SampleSplitWeights = 512 * 1024;

    /// <summary>
    /// The most one thread's share of a chunk of Predict may hold in one convolution's or pooling layer's input
    /// and output together (384 KB, three quarters of the smallest L2 measured, 512 KB a core on Zen 3). A dense
    /// layer's product blocks its rows itself (<c>Gemm.RowBlock</c> rows of A in L2), but a spatial layer streams
    /// its samples, and its output is the next layer's input: kept in L2, the next layer reads it from there. A
    /// 28 x 28 CNN's first convolution and pooling hold about 23 KB a sample, so chunks of 256 went out to L3 and
    /// back at every layer (its Predict of 1,024 ran at 51,000 samples/s on a Zen 3 core, 90,000 in chunks of 16).
    /// </summary>
    public const int SpatialChunkBytes = 384 * 1024;

    public static NetworkPlan Plan(NetworkModel model, GeneratorOptions options) => Plan(model, null, options);

    public static NetworkPlan Plan(NetworkModel model, EmbeddedWeights? weights, GeneratorOptions options)
    {
        // An inference-only network has no training passes, and no loss to keep z for.
        bool trainable = !model.InferenceOnly;
        bool sgd = trainable && model.Optimizer.Kind == OptimizerKind.Sgd;
        bool fusedLoss = trainable && model.Loss is LossKind.CrossEntropy or LossKind.BinaryCrossEntropy;
        var layers = model.Layers.Select(layer => new LayerPlan(
            layer,
            VectorBits: options.ScalarKernels ? 0 : WidestFitting(VectorLength(layer)),
            RowVectorBits: options.ScalarKernels ? 0 : WidestFitting(layer is DenseLayerModel ? layer.Inputs : VectorLength(layer)),
            SharesSample: layer is DenseLayerModel && Weights(layer) >= SampleSplitMinimum,
            FusesActivation: layer is DenseLayerModel && layer.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU,
            KeepsPreActivation: layer == model.LastLayer && fusedLoss,
            DecaysWeights: sgd && layer.HasParameters && model.Optimizer.WeightDecay != 0f)).ToList();

        LayerPlan first = layers[0];
        var numbers = layers.Select(l => l.Number).ToList();
        var backwards = Enumerable.Reverse(numbers).ToList();

        // a layer without parameters has nothing to do backward when it is first: nobody consumes its dE/dx
        bool HasBackward(int number) => number > 1 || layers[number - 1].Layer.HasParameters;

        // dropout draws its mask in training only; every other step is the same in both
        bool Drops(int number) => layers[number - 1].Layer is DropoutLayerModel;

        // Training shares a sample's forward pass only when the first layer's update is shared too: each
        // thread then keeps the same rows of W1 in its cache for the product and for the update. A later
        // large layer shares its update whatever the first does, by the same rows as its forward pass (dE/dx
        // summed over fixed blocks of rows, so the result is the same on any number of threads), and only
        // from TrainingSampleSplitMinimum weights.
        bool trainingShares = sgd && first.SharesSample;

        // a step shares a sample's rows only on a layer large enough to split
        bool Shares(int number, bool wanted) => wanted && layers[number - 1].SharesSample;

        // per-sample training shares a later layer only when its W is too large to stay in one core's cache
        bool SharesTraining(int number, bool wanted) =>
            Shares(number, wanted) && (number == 1 || Weights(layers[number - 1].Layer) >= TrainingSampleSplitMinimum);

        // the SGD step of a layer with parameters; a layer without sends dE/dx back like any backward step
        Step SgdStep(int n, bool share = false) => layers[n - 1].Layer.HasParameters ? new Step(StepKind.SgdStep, n, share) : new Step(StepKind.Backward, n);

        List<Step> inference = [.. numbers.Select(n => new Step(StepKind.Forward, n, Shares(n, true)))];
        List<Step> backward = !trainable ? [] :
        [
            .. numbers.Select(n => new Step(StepKind.Forward, n, Training: Drops(n))),
            new Step(StepKind.Loss, layers.Count),
            .. backwards.Where(HasBackward).Select(n => new Step(StepKind.Backward, n)),
        ];

        // TrainSequential fuses the first layer's step with the next sample's product: a dense first layer's
        // kernels read W row by row for both
        bool fusesSequence = sgd && first.Layer is DenseLayerModel;
        List<Step> sgdSteps = [];
        List<Step> sequence = [];
        if (sgd)
        {
            sgdSteps =
            [
                .. numbers.Select(n => new Step(StepKind.Forward, n, SharesTraining(n, trainingShares), Drops(n))),
                new Step(StepKind.Loss, layers.Count),
                .. backwards.Where(HasBackward).Select(n => SgdStep(n, SharesTraining(n, sgd))),
            ];
            sequence = !fusesSequence ? sgdSteps :
            [
                new Step(StepKind.Activate, 1),
                .. numbers.Skip(1).Select(n => new Step(StepKind.Forward, n, SharesTraining(n, trainingShares), Drops(n))),
                new Step(StepKind.Loss, layers.Count),
                .. backwards.Where(n => n > 1).Select(n => SgdStep(n, SharesTraining(n, sgd))),
                new Step(StepKind.SgdStepThenProduct, 1, trainingShares),
            ];
        }

        List<Step> batchForward = [.. numbers.Select(n => new Step(StepKind.ForwardBatch, n))];
        List<Step> batchTrainingForward = [.. numbers.Select(n => new Step(StepKind.ForwardBatch, n, Training: Drops(n)))];
        List<Step> batchTraining = [];
        foreach (int n in trainable ? backwards : [])
        {
            // dE/dX before the update, which changes the W it is computed from
            if (n > 1)
            {
                batchTraining.Add(new Step(StepKind.BackwardBatch, n));
            }

            if (layers[n - 1].Layer.HasParameters)
            {
                batchTraining.Add(new Step(sgd ? StepKind.SgdStepBatch : StepKind.GradientBatch, n));
            }
        }

        // Predict's threads split the samples, each running its own through every layer, where every layer is dense (or
        // dropout, which passes its input through in inference) and each thread's own copy of the weights stays small
        bool splitsSamples = model.Layers.All(layer => layer is DenseLayerModel or DropoutLayerModel)
            && model.DenseWeights <= SampleSplitWeights;
        List<Step> predictRows = splitsSamples ? [.. numbers.Select(n => new Step(StepKind.ForwardRows, n))] : [];

        return new NetworkPlan(
            model,
            layers.ToEquatableArray(),
            UpdatesInPlace: sgd,
            MatrixProductBatch,
            PredictChunkFor(model),
            PredictChunkPerThread: model.Layers.Any(IsSpatial),
            VectorBits: options.ScalarKernels ? 0 : 512,
            inference.ToEquatableArray(),
            backward.ToEquatableArray(),
            sgdSteps.ToEquatableArray(),
            sequence.ToEquatableArray(),
            fusesSequence,
            batchForward.ToEquatableArray(),
            batchTrainingForward.ToEquatableArray(),
            batchTraining.ToEquatableArray(),
            predictRows.ToEquatableArray(),
            IsClassifier: model.LastLayer.Activation == ActivationKind.Softmax || (model.LastLayer.Activation == ActivationKind.Sigmoid && model.OutputSize == 1),
            Comments: options.MathComments,
            trainable,
            weights);
    }

    /// <summary>
    /// Samples per chunk of Predict: <see cref="PredictChunk"/>; with convolution or pooling layers, per thread,
    /// halved while such a layer's input and output for them exceed <see cref="SpatialChunkBytes"/>, down to
    /// <see cref="MatrixProductBatch"/>.
    /// </summary>
    private static int PredictChunkFor(NetworkModel model)
    {
        long bytesPerSample = model.Layers
            .Where(IsSpatial)
            .Select(layer => 4L * (layer.Inputs + layer.Units))
            .DefaultIfEmpty(0)
            .Max();
        int chunk = PredictChunk;
        while (chunk > MatrixProductBatch && chunk * bytesPerSample > SpatialChunkBytes)
        {
            chunk /= 2;
        }

        return chunk;
    }

    /// <summary>Whether a layer works on images (a convolution or pooling), streaming each sample's whole image.</summary>
    private static bool IsSpatial(LayerModel layer) => layer is ConvolutionLayerModel or PoolingLayerModel;

    /// <summary>A dense layer's weights: inputs times units.</summary>
    private static long Weights(LayerModel layer) => (long)layer.Inputs * layer.Units;

    /// <summary>
    /// The length the layer's vectors run along: a dense layer's widest dimension; the output rows of a
    /// convolution or pooling layer (each vector holds neighbouring columns); every value of a dropout layer.
    /// </summary>
    private static int VectorLength(LayerModel layer) => layer switch
    {
        DenseLayerModel dense => System.Math.Max(dense.Inputs, dense.Units),
        ConvolutionLayerModel convolution => convolution.Out.Width,
        PoolingLayerModel pooling => pooling.Out.Width,
        _ => layer.Units,
    };

    /// <summary>The widest SIMD width, in bits, whose vector is no longer than <paramref name="length"/> floats; 0 below 4.</summary>
    private static int WidestFitting(int length) =>
        length >= 16 ? 512 : length >= 8 ? 256 : length >= 4 ? 128 : 0;
}
