using System.Linq;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

/// <summary>
/// Writes the members of one network class from its plan, in the order a reader meets them: the sizes and
/// the layers, the state, the forward pass, the backward pass and training, the optimizer, then the small
/// plumbing. Each NetworkWriter.*.cs file writes one group; each kind of layer has a <see cref="LayerWriter"/>
/// for what is particular to it (<see cref="DenseLayerWriter"/>, <see cref="ConvolutionLayerWriter"/>,
/// <see cref="PoolingLayerWriter"/>, <see cref="DropoutLayerWriter"/>).
/// </summary>
internal sealed partial class NetworkWriter(SourceWriter writer, NetworkPlan plan)
{
    /// <summary>The attributes of a helper a user would not step into, after [GeneratedCode].</summary>
    private const string HelperAttributes = ", global::System.Diagnostics.DebuggerNonUserCode, global::System.Diagnostics.CodeAnalysis.ExcludeFromCodeCoverage]";

    private readonly SourceWriter _w = writer;
    private readonly NetworkPlan _plan = plan;
    private readonly DenseLayerWriter _dense = new(writer, plan);
    private readonly ConvolutionLayerWriter _convolution = new(writer, plan);
    private readonly PoolingLayerWriter _pooling = new(writer, plan);
    private readonly DropoutLayerWriter _dropout = new(writer, plan);

    /// <summary>The writer of a layer's kind.</summary>
    private LayerWriter Writer(LayerPlan layer) => layer.Layer switch
    {
        ConvolutionLayerModel => _convolution,
        PoolingLayerModel => _pooling,
        DropoutLayerModel => _dropout,
        _ => _dense,
    };

    private LayerWriter Writer(int number) => Writer(_plan.Layers[number - 1]);

    private NetworkModel Model => _plan.Model;

    private string ClassName => Literals.Identifier(Model.ClassName);

    private LayerPlan Last => _plan.Last;

    public void Write()
    {
        WriteSizes();
        WriteLayers();
        WriteInfo();
        if (_plan.Trainable)
        {
            WriteHyperParameters();
        }

        WriteState();
        WriteConstructors();
        WriteProperties();
        // each public method, then the pass it runs
        WriteForward();
        WriteInfer();
        WriteClassify();
        WritePredict();
        WriteForwardBatch();
        WriteForwardRows();
        if (_plan.Trainable)
        {
            WriteTraining();
        }

        WritePlumbing();
    }

    /// <summary>Backward, ZeroGradients, Step, TrainBatch, TrainSequential and the passes they run.</summary>
    private void WriteTraining()
    {
        WriteBackward();
        WriteBackwardSample();
        WriteZeroGradients();
        WriteStep();
        WriteOptimizer();
        WriteTrainBatch();
        if (_plan.UpdatesInPlace)
        {
            WriteTrainSample();
        }

        WriteTrainBatchProducts();
        WriteTrainSequential();
        if (_plan.UpdatesInPlace)
        {
            WriteTrainSequence();
        }
    }

    /// <summary>[GeneratedCode], on every member.</summary>
    private void Generated() => _w.Line(Emitter.GeneratedCodeAttribute);

    /// <summary>[GeneratedCode], [DebuggerNonUserCode] and [ExcludeFromCodeCoverage]: on a helper a user would not step into.</summary>
    private static string PlumbingAttributes => Emitter.GeneratedCodeAttribute.TrimEnd(']') + HelperAttributes;

    private void Plumbing() => _w.Line(PlumbingAttributes);

    /// <summary>A comment that explains the math, left out with NetGenMathComments=false.</summary>
    private void Comment(string text)
    {
        if (_plan.Comments)
        {
            _w.Line("// " + text);
        }
    }

    private void WriteSizes()
    {
        _w.Line("/// <summary>Number of inputs of one sample.</summary>");
        Generated();
        _w.Line($"public const int {Names.InputSize} = {Model.InputSize};");
        _w.Line();
        _w.Line("/// <summary>Number of outputs of one sample.</summary>");
        Generated();
        _w.Line($"public const int {Names.OutputSize} = {Model.OutputSize};");
        _w.Line();
        _w.Line("/// <summary>Number of " + (_plan.Trainable ? "trainable " : string.Empty) + "parameters: " + Literals.Grouped(Model.ParameterCount) + ".</summary>");
        Generated();
        _w.Line($"public const int {Names.ParameterCount} = {Model.ParameterCount};");
        _w.Line();
    }

    /// <summary>One struct per layer: the constants the kernels are compiled with.</summary>
    private void WriteLayers()
    {
        Comment("The layers as the kernels see them: every size and decision a constant, which the JIT compiles into");
        Comment(Model.Layers.Any(l => l is not DenseLayerModel)
            ? "the loops of NetGen.Internal.Dense<Layer>, Convolution<Layer>, .... W is [units, inputs] row-major in the parameters, K [filters, channels, kernel, kernel], each then b."
            : "NetGen.Internal.Dense<Layer>'s loops. W is [units, inputs] row-major in the parameters, then b.");
        foreach (LayerPlan layer in _plan.Layers)
        {
            Writer(layer).WriteShape(layer, PlumbingAttributes);
        }
    }

    private void WriteInfo()
    {
        OptimizerModel o = Model.Optimizer;
        _w.Line("/// <summary>The layers, loss and optimizer of this network, for code that works with any network.</summary>");
        Generated();
        _w.Line("public static global::NetGen.NetworkInfo Info { get; } = new global::NetGen.NetworkInfo(");
        using (_w.Indent())
        {
            _w.Line($"\"{Model.ClassName}\",");
            _w.Line(Names.InputSize + ",");
            _w.Line("global::NetGen.Loss." + Model.Loss + ",");
            _w.Line(
                "new global::NetGen.OptimizerSettings(global::NetGen.Optimizer." + o.Kind + ", " +
                Literals.Float(o.Momentum) + ", " + Literals.Float(o.Beta1) + ", " + Literals.Float(o.Beta2) + ", " +
                Literals.Float(o.Epsilon) + ", " + Literals.Float(o.WeightDecay) + "),");
            _w.Line("new global::NetGen.DenseLayerInfo[]");
            _w.Line("{");
            using (_w.Indent())
            {
                foreach (LayerPlan layer in _plan.Layers.Where(l => l.Layer is DenseLayerModel))
                {
                    _w.Line(DenseLayerWriter.Info(layer) + ",");
                }
            }

            if (_plan.Layers.Any(l => l.Layer is ConvolutionLayerModel))
            {
                _w.Line("},");
                _w.Line("new global::NetGen.ConvolutionLayerInfo[]");
                _w.Line("{");
                using (_w.Indent())
                {
                    foreach (LayerPlan layer in _plan.Layers.Where(l => l.Layer is ConvolutionLayerModel))
                    {
                        _w.Line(ConvolutionLayerWriter.Info(layer) + ",");
                    }
                }
            }

            _w.Line("});");
        }

        _w.Line();
    }

    /// <summary>The optimizer's hyper-parameters, as declared on [Network], become constants.</summary>
    private void WriteHyperParameters()
    {
        OptimizerModel o = Model.Optimizer;
        Comment("Optimizer hyper-parameters from [Network(...)].");
        switch (o.Kind)
        {
            case OptimizerKind.Momentum:
                _w.Line($"private const float {Names.Momentum} = {Literals.Float(o.Momentum)};");
                break;
            case OptimizerKind.Adam:
                _w.Line($"private const float {Names.Beta1} = {Literals.Float(o.Beta1)};");
                _w.Line($"private const float {Names.Beta2} = {Literals.Float(o.Beta2)};");
                _w.Line($"private const float {Names.Epsilon} = {Literals.Float(o.Epsilon)};");
                break;
        }

        _w.Line($"private const float {Names.WeightDecay} = {Literals.Float(o.WeightDecay)};");
        _w.Line();
    }

    private void WriteState()
    {
        if (!_plan.Trainable)
        {
            WriteInferenceState();
            return;
        }

        Comment("Every parameter, layer by layer (at the offsets of the layers above), and dE/dp in the same layout.");
        _w.Line($"private readonly float[] {Names.Parameters} = new float[{Names.ParameterCount}];");
        _w.Line($"private readonly float[] {Names.Gradients} = new float[{Names.ParameterCount}];");
        if (_plan.UpdatesInPlace)
        {
            Comment("False while the gradients are known to be all zero, so that TrainBatch can skip clearing them.");
            _w.Line($"private bool {Names.GradientsMayBeNonZero};");
        }

        switch (Model.Optimizer.Kind)
        {
            case OptimizerKind.Momentum:
                Comment("Optimizer state: the velocity v, one value per parameter.");
                _w.Line($"private readonly float[] {Names.OptimizerState} = new float[{Names.ParameterCount}];");
                break;
            case OptimizerKind.Adam:
                Comment("Optimizer state: Adam's first moment m, then its second moment v, one value each per parameter.");
                _w.Line($"private readonly float[] {Names.OptimizerState} = new float[2 * {Names.ParameterCount}];");
                break;
            default:
                Comment("Plain SGD keeps no optimizer state.");
                _w.Line($"private readonly float[] {Names.OptimizerState} = global::System.Array.Empty<float>();");
                break;
        }

        _w.Line($"private long {Names.StepCount};");
        _w.Line();
        Comment("Each layer's buffers: a (and z) and dE/dz of one sample, the same for a batch, W packed for batch products.");
        foreach (LayerPlan layer in _plan.Layers)
        {
            LayerNames names = Names.Layer(layer);
            _w.Line($"private readonly {Names.WorkspaceType(layer)} {names.Workspace} = new();");
        }

        _w.Line();
        WriteThreadChoicesField("private");
        WriteSampleSplitField("private");
        _w.Line($"private const int {Names.MatrixProductBatch} = {_plan.MatrixProductBatch}; // batches from this size go through matrix products");
        WritePredictChunk();
        _w.Line();
    }

    /// <summary>The choices between sharing with helper threads and running alone, per kind of call: the network's, or each thread's in an inference-only network.</summary>
    private void WriteThreadChoicesField(string access)
    {
        Comment("Whether each kind of call shares its products with helper threads or runs alone: whichever its calls have lately found faster on this machine.");
        string name = _plan.Trainable ? Names.ThreadChoicesField : Names.ThreadBuffersChoicesField;
        _w.Line($"{access} readonly {Names.ThreadChoicesType} {name} = new();");
        _w.Line();
    }

    /// <summary>Where a Predict whose threads split its samples keeps the split, made on its first call: the network's, or each thread's in an inference-only network.</summary>
    private void WriteSampleSplitField(string access)
    {
        if (!_plan.SplitsPredictSamples)
        {
            return;
        }

        Comment("How Predict hands each thread its own samples, made on its first batch.");
        string name = _plan.Trainable ? Names.SampleSplitField : Names.ThreadBuffersSampleSplitField;
        _w.Line($"{access} {SampleSplitType}? {name};");
        _w.Line();
    }

    private void WritePredictChunk()
    {
        string comment = _plan.PredictChunkPerThread
            ? "samples per thread in each chunk of Predict, so that a core's share of the images stays in its L2"
            : "samples per matrix product in Predict, which bounds the batch buffers";
        _w.Line($"private const int {Names.PredictChunk} = {_plan.PredictChunk}; // {comment}");
    }

    /// <summary>An inference-only network holds its parameters; its buffers belong to each thread that calls it.</summary>
    private void WriteInferenceState()
    {
        Comment("Every parameter, layer by layer (at the offsets of the layers above). Nothing else is the instance's:");
        Comment("each calling thread works in buffers of its own, so threads can share the network.");
        _w.Line($"private readonly float[] {Names.Parameters} = new float[{Names.ParameterCount}];");
        _w.Line();
        _w.Line("[global::System.ThreadStatic]");
        _w.Line($"private static {Names.ThreadBuffers}? {Names.ThreadBuffersField};");
        _w.Line();
        _w.Line($"private const int {Names.MatrixProductBatch} = {_plan.MatrixProductBatch}; // batches from this size go through matrix products");
        WritePredictChunk();
        _w.Line();
    }

    private void WriteConstructors()
    {
        if (_plan.Weights is { } weights)
        {
            _w.Line($"/// <summary>Creates the network with the parameters compiled in from {Literals.XmlText(weights.File)} at build time.</summary>");
            Generated();
            using (_w.Block($"public {ClassName}()"))
            {
                Comment($"{Literals.Grouped(weights.ValueCount)} float32 values in the assembly's constant data, little-endian: no file is read");
                _w.Line($"{Names.Helpers}.DecodeParameters({Names.EmbeddedParameters}, {Names.Parameters});");
            }
        }
        else
        {
            _w.Line("/// <summary>Creates the network with parameters initialised from seed 0.</summary>");
            Generated();
            _w.Line($"public {ClassName}()");
            using (_w.Indent())
            {
                _w.Line(": this(0)");
            }

            using (_w.Block())
            {
            }
        }

        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// Creates the network with parameters drawn deterministically from <paramref name=\"seed\"/>: the same");
        _w.Line("/// values on every machine. Weights are He-uniform before ReLU and LeakyReLU, Glorot-uniform otherwise; biases are 0.");
        if (_plan.Weights is not null)
        {
            _w.Line("/// The embedded parameters are not used: this starts a network to train from scratch.");
        }

        _w.Line("/// </summary>");
        _w.Line("/// <param name=\"seed\">Seed of the random sequence the weights are drawn from, layer by layer.</param>");
        Generated();
        using (_w.Block($"public {ClassName}(int seed)"))
        {
            _w.Line("var random = new global::NetGen.DeterministicRandom(seed);");
            foreach (LayerPlan layer in _plan.Layers)
            {
                Writer(layer).WriteInitialisation(layer, Comment);
            }
        }

        _w.Line();
    }

    private void WriteProperties()
    {
        _w.Line("/// <summary>Every parameter, layer by layer: each layer's weights row-major [units, inputs] (W[j, i] joins input i to output j), then its biases, as a PyTorch <c>nn.Linear</c>.</summary>");
        Generated();
        _w.Line($"public {Names.Span} Parameters => {Names.Parameters};");
        _w.Line();
        if (!_plan.Trainable)
        {
            return;
        }

        _w.Line("/// <summary>dE/dp in the layout of <see cref=\"Parameters\"/>. <see cref=\"Backward\"/> adds into it.</summary>");
        Generated();
        if (_plan.UpdatesInPlace)
        {
            using (_w.Block($"public {Names.Span} Gradients"))
            using (_w.Block("get"))
            {
                _w.Line($"{Names.GradientsMayBeNonZero} = true; // the caller may write through the span");
                _w.Line($"return {Names.Gradients};");
            }
        }
        else
        {
            _w.Line($"public {Names.Span} Gradients => {Names.Gradients};");
        }

        _w.Line();
        _w.Line("/// <summary>The optimizer's state in the layout of <see cref=\"Parameters\"/>: " + OptimizerStateDescription() + ".</summary>");
        Generated();
        _w.Line($"public {Names.Span} OptimizerState => {Names.OptimizerState};");
        _w.Line();
        _w.Line("/// <summary>Number of optimizer updates applied so far" + (Model.Optimizer.Kind == OptimizerKind.Adam ? " (t in Adam's bias correction)" : string.Empty) + ".</summary>");
        Generated();
        using (_w.Block("public long StepCount"))
        {
            _w.Line($"get => {Names.StepCount};");
            _w.Line($"set => {Names.StepCount} = {Names.Helpers}.NotNegative(value, nameof(StepCount));");
        }

        _w.Line();
    }

    private string OptimizerStateDescription() => Model.Optimizer.Kind switch
    {
        OptimizerKind.Momentum => "the velocity v",
        OptimizerKind.Adam => "the first moment m, then the second moment v",
        _ => "empty, plain SGD keeps none",
    };
}
