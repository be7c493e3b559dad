using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning;

/// <summary>
/// Everything about the code of one network decided before a line of it is written: per layer, the widths
/// its kernels may use and every fuse, split and in-place decision; per pass, the steps in order. The writers
/// only render it. Value-equal, so the incremental pipeline caches it.
/// </summary>
/// <param name="Model">The network as declared.</param>
/// <param name="Layers">How each layer runs, in order.</param>
/// <param name="UpdatesInPlace">
/// Whether training applies the optimizer's update inside the backward pass (plain SGD): dE/dW is never stored,
/// and W is read once per direction.
/// </param>
/// <param name="MatrixProductBatch">Batches of at least this many samples go through matrix products; smaller ones one sample at a time.</param>
/// <param name="PredictChunk">
/// Predict runs the matrix products on at most this many samples at a time, which bounds its buffers; with
/// <paramref name="PredictChunkPerThread"/>, this many for each thread a job may use.
/// </param>
/// <param name="PredictChunkPerThread">
/// Whether Predict's chunk grows with the threads: a network with convolution or pooling layers, whose kernels
/// split a chunk's samples between the threads, so that each core's share of the images stays in its own L2.
/// </param>
/// <param name="VectorBits">The widest SIMD width of the optimizer's update over every parameter (0 for scalar code).</param>
/// <param name="Inference">The steps of one sample's forward pass for inference.</param>
/// <param name="Backward">The steps of <c>Backward</c>: forward, the loss, then each layer back, adding into the gradients.</param>
/// <param name="Sgd">With <paramref name="UpdatesInPlace"/>, the steps of one fused SGD step on one sample.</param>
/// <param name="Sequence">With <paramref name="UpdatesInPlace"/>, the steps of one sample of <c>TrainSequential</c>: with <paramref name="FusesSequence"/>, the first layer's step is fused with the next sample's product.</param>
/// <param name="FusesSequence">Whether TrainSequential fuses each sample's first-layer step with the next sample's product: when the first layer is dense.</param>
/// <param name="BatchForward">The steps of a batch's forward pass for inference.</param>
/// <param name="BatchTrainingForward">The steps of a batch's forward pass in training: the same as <paramref name="BatchForward"/> unless a layer drops values.</param>
/// <param name="BatchTraining">The steps of a batch's backward pass and update, after the loss.</param>
/// <param name="PredictRows">
/// The steps of one thread's own samples of a Predict whose threads split the samples, each running its own through
/// every layer in its own rows of the batch buffers; empty where each layer's product is split instead (see
/// <see cref="Planner.SampleSplitWeights"/>).
/// </param>
/// <param name="IsClassifier">Whether the outputs are class probabilities (a softmax, or a single sigmoid), so the network gets <c>Classify</c>.</param>
/// <param name="Comments">Whether the generated code explains each step with its math (the NetGenMathComments option).</param>
/// <param name="Trainable">
/// Whether the network trains (an <c>INetwork</c>, with gradients, optimizer state and the training methods), or only
/// predicts (an <c>IPredictor</c>, whose buffers belong to each calling thread so that threads can share one instance).
/// </param>
/// <param name="Weights">The parameters compiled in from <c>[Network(Weights = ...)]</c>, or null.</param>
internal sealed record NetworkPlan(
    NetworkModel Model,
    EquatableArray<LayerPlan> Layers,
    bool UpdatesInPlace,
    int MatrixProductBatch,
    int PredictChunk,
    bool PredictChunkPerThread,
    int VectorBits,
    EquatableArray<Step> Inference,
    EquatableArray<Step> Backward,
    EquatableArray<Step> Sgd,
    EquatableArray<Step> Sequence,
    bool FusesSequence,
    EquatableArray<Step> BatchForward,
    EquatableArray<Step> BatchTrainingForward,
    EquatableArray<Step> BatchTraining,
    EquatableArray<Step> PredictRows,
    bool IsClassifier,
    bool Comments,
    bool Trainable = true,
    EmbeddedWeights? Weights = null)
{
    public LayerPlan First => Layers[0];

    /// <summary>Whether one sample's inference shares a layer's rows with helper threads, so that Forward, Classify and a small Predict choose whether to.</summary>
    public bool InferenceShares => Inference.Any(step => step.Share);

    /// <summary>Whether TrainBatch's fused SGD step on one sample shares a layer's rows with helper threads.</summary>
    public bool SgdShares => Sgd.Any(step => step.Share);

    /// <summary>Whether TrainSequential's samples share a layer's rows with helper threads.</summary>
    public bool SequenceShares => Sequence.Any(step => step.Share);

    public LayerPlan Last => Layers[Layers.Count - 1];

    /// <summary>Whether Predict's threads split its samples, each running its own through every layer (<see cref="PredictRows"/>).</summary>
    public bool SplitsPredictSamples => PredictRows.Count > 0;
}

/// <summary>How one layer runs: the constants its kernels are compiled with.</summary>
/// <param name="Layer">The layer as declared.</param>
/// <param name="VectorBits">
/// The widest SIMD width its kernels may use: 512, 256, 128 or 0 (scalar). No wider than the layer's widest
/// dimension, since a wider vector would only ever run its tail; 0 everywhere with NetGenScalarKernels.
/// </param>
/// <param name="RowVectorBits">
/// The width of the kernels that run along a row of W (a dense layer's per-sample product, update and
/// backward pass): no wider than the row, since <paramref name="VectorBits"/> also serves the batch products,
/// which run along the units. A row of 4 inputs at 256 bits would be all tail.
/// </param>
/// <param name="SharesSample">Whether one sample's product is split between cores by rows of W: a dense layer of at least <see cref="Planner.SampleSplitMinimum"/> weights.</param>
/// <param name="FusesActivation">Whether the batch forward product of a dense layer applies the activation in its epilogue (ReLU, LeakyReLU).</param>
/// <param name="KeepsPreActivation">Whether z is kept beside a: the output layer of a loss computed from z.</param>
/// <param name="DecaysWeights">Whether SGD decays every weight (weight decay): then no row of W can be skipped.</param>
internal sealed record LayerPlan(
    LayerModel Layer,
    int VectorBits,
    int RowVectorBits,
    bool SharesSample,
    bool FusesActivation,
    bool KeepsPreActivation,
    bool DecaysWeights)
{
    public int Number => Layer.Number;

    /// <summary>The layer as a dense one: only for the dense layer's writer and the output layer.</summary>
    public DenseLayerModel Dense => (DenseLayerModel)Layer;
}

/// <summary>
/// One step of a pass: what runs, on which layer, whether it may share a sample's rows with awake helper
/// threads, and whether it runs as in training where training differs (dropout draws its mask).
/// </summary>
internal sealed record Step(StepKind Kind, int Layer, bool Share = false, bool Training = false);

/// <summary>The kinds of step a pass is made of.</summary>
internal enum StepKind
{
    /// <summary>One sample: z = W x + b, a = act(z).</summary>
    Forward,

    /// <summary>One sample: the output layer's loss and dE/dz.</summary>
    Loss,

    /// <summary>One sample: the gradients of the layer's parameters (dE/dW += dE/dz x^T, dE/db += dE/dz), and dE/dx sent back (after the first layer).</summary>
    Backward,

    /// <summary>One sample: dE/dx sent back (after the first layer), then the SGD step on W and b in the same pass.</summary>
    SgdStep,

    /// <summary>One sample of a sequence, the first layer: its SGD step and the next sample's z = W x + b in one pass over W.</summary>
    SgdStepThenProduct,

    /// <summary>The activation of z left by <see cref="SgdStepThenProduct"/>.</summary>
    Activate,

    /// <summary>A batch: Z = X W^T + b, A = act(Z) (or the layer's own map of each sample).</summary>
    ForwardBatch,

    /// <summary>One thread's own samples of a batch whose samples the threads split: Z = X W^T + b, A = act(Z), in its own rows of the batch buffers, from its own packed copy of W.</summary>
    ForwardRows,

    /// <summary>A batch: dE/dA of the layer before (dE/dZ W for a dense layer), then its dE/dZ.</summary>
    BackwardBatch,

    /// <summary>A batch: W and b stepped by -(lr / n) of their summed gradient as it is computed.</summary>
    SgdStepBatch,

    /// <summary>A batch: the mean gradient of W and b stored for the optimizer.</summary>
    GradientBatch,
}
