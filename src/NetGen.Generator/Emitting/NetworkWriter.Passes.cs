using System.Linq;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

internal sealed partial class NetworkWriter
{
    private string Output => Names.Layer(Last, _plan).Output;

    /// <summary>", buffers" where a pass takes the calling thread's buffers (inference-only networks).</summary>
    private string BuffersArgument => _plan.Trainable ? string.Empty : ", " + Names.Buffers;

    private string BuffersParameter => _plan.Trainable ? string.Empty : $", {Names.ThreadBuffers} {Names.Buffers}";

    /// <summary>In an inference-only network, the calling thread's buffers, made on its first call.</summary>
    private void DeclareBuffers()
    {
        if (!_plan.Trainable)
        {
            _w.Line($"{Names.ThreadBuffers} {Names.Buffers} = {Names.ThreadBuffersField} ??= new {Names.ThreadBuffers}(); // this thread's own");
        }
    }

    /// <summary>The weight decay factor the SGD steps take: declared when the network decays weights.</summary>
    private string Decay => _plan.Layers.Any(l => l.DecaysWeights) ? "decay" : "1f";

    private void WriteDecayFactor()
    {
        if (_plan.Layers.Any(l => l.DecaysWeights))
        {
            Comment($"L2 weight decay: p - lr (g + wd p) = p (1 - lr wd) - lr g");
            _w.Line($"float decay = 1f - (learningRate * {Names.WeightDecay});");
        }
    }

    /// <summary>
    /// Writes <paramref name="body"/> inside a scope of the network's thread choices for a call of <paramref name="kind"/> on
    /// <paramref name="samples"/> samples when the call <paramref name="shares"/> products with helper threads; as is otherwise.
    /// </summary>
    private void ChoosingThreads(bool shares, string kind, string samples, System.Action body)
    {
        if (!shares)
        {
            body();
            return;
        }

        using (_w.Block($"using ({Names.ThreadChoices(_plan)}.Enter({Names.CallKind}.{kind}, {samples}))"))
        {
            body();
        }
    }

    private void Steps(EquatableArray<Step> steps, PassContext pass)
    {
        foreach (Step step in steps)
        {
            Writer(step.Layer).WriteStep(step, pass);
        }
    }

    private void WriteForward()
    {
        _w.Line("/// <summary>Computes the output of one sample.</summary>");
        _w.Line("/// <param name=\"input\">The sample, <see cref=\"InputSize\"/> values.</param>");
        _w.Line("/// <param name=\"output\">Receives the network's output, <see cref=\"OutputSize\"/> values.</param>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        Generated();
        using (_w.Block($"public void Forward({Names.ReadOnlySpan} input, {Names.Span} output)"))
        {
            CheckLength("input", Names.InputSize);
            CheckLength("output", Names.OutputSize);
            _w.Line();
            DeclareBuffers();
            ChoosingThreads(_plan.InferenceShares, "Forward", "1", () => _w.Line($"Infer(input, output{BuffersArgument});"));
        }

        _w.Line();
    }

    /// <summary>The most probable class, on classifiers.</summary>
    private void WriteClassify()
    {
        if (!_plan.IsClassifier)
        {
            return;
        }

        bool softmax = Last.Layer.Activation == ActivationKind.Softmax;
        _w.Line(softmax
            ? "/// <summary>The most probable class of one sample, and its probability: the largest of the softmax outputs.</summary>"
            : "/// <summary>The class of one sample, and its probability: 1 when the sigmoid output is at least 0.5, else 0.</summary>");
        _w.Line("/// <param name=\"input\">The sample, <see cref=\"InputSize\"/> values.</param>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"input\"/> has the wrong length.</exception>");
        Generated();
        using (_w.Block($"public global::NetGen.ClassPrediction Classify({Names.ReadOnlySpan} input)"))
        {
            CheckLength("input", Names.InputSize);
            DeclareBuffers();
            ChoosingThreads(_plan.InferenceShares, "Forward", "1", () => _w.Line($"Infer(input, {Names.Layer(Last, _plan).OutputBuffer}{BuffersArgument});"));
            if (_plan.InferenceShares)
            {
                _w.Line(); // after the scope's block
            }

            _w.Line($"return global::NetGen.ClassPrediction.FromOutputs({Output});");
        }

        _w.Line();
    }

    private void WritePredict()
    {
        _w.Line("/// <summary>Computes the outputs of n samples stored row after row.</summary>");
        _w.Line("/// <param name=\"inputs\">n samples of <see cref=\"InputSize\"/> values each, row after row.</param>");
        _w.Line("/// <param name=\"outputs\">Receives n outputs of <see cref=\"OutputSize\"/> values each, row after row.</param>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not fit n samples.</exception>");
        Generated();
        using (_w.Block($"public void Predict({Names.ReadOnlySpan} inputs, {Names.Span} outputs)"))
        {
            _w.Line($"int count = {Names.Helpers}.SampleCount(nameof({ClassName}), inputs, {Names.InputSize}, outputs, {Names.OutputSize}, nameof(outputs));");
            DeclareBuffers();
            using (_w.Block($"if (count < {Names.MatrixProductBatch})"))
            {
                ChoosingThreads(_plan.InferenceShares, "Predict", "count", () =>
                {
                    using (_w.Block("for (int s = 0; s < count; s++)"))
                    {
                        _w.Line($"Infer(inputs.Slice(s * {Names.InputSize}, {Names.InputSize}), outputs.Slice(s * {Names.OutputSize}, {Names.OutputSize}){BuffersArgument});");
                    }
                });

                _w.Line();
                _w.Line("return;");
            }

            _w.Line();
            if (_plan.SplitsPredictSamples)
            {
                WritePredictSplittingSamples();
            }
            else
            {
                WritePredictChunks();
            }
        }

        _w.Line();
    }

    /// <summary>The rest of Predict where each layer's products are split between the threads: chunk after chunk through every layer.</summary>
    private void WritePredictChunks()
    {
        if (_plan.PredictChunkPerThread)
        {
            _w.Line($"int chunk = {Names.Helpers}.ChunkForThreads({Names.PredictChunk}, most: {Planner.PredictChunk});");
        }
        else
        {
            _w.Line($"const int chunk = {Names.PredictChunk};");
        }

        _w.Line($"{Names.BuffersOwner(_plan)}EnsureBatchCapacity(global::System.Math.Min(count, chunk));");
        ChoosingThreads(true, "Predict", "count", () =>
        {
            using (_w.Block("for (int start = 0; start < count; start += chunk)"))
            {
                _w.Line("int rows = global::System.Math.Min(chunk, count - start);");
                _w.Line($"ForwardBatch(inputs.Slice(start * {Names.InputSize}, rows * {Names.InputSize}), rows, weightsPacked: start > 0{BuffersArgument});");
                _w.Line($"{Names.Layer(Last, _plan).BatchOutput}.CopyTo(outputs.Slice(start * {Names.OutputSize}));");
            }
        });
    }

    /// <summary>The rest of Predict where the threads split its samples, each running its own through every layer.</summary>
    private void WritePredictSplittingSamples()
    {
        long multiplyAdds = Model.DenseWeights;
        _w.Line($"const int chunk = {Names.PredictChunk};");
        _w.Line($"{Names.BuffersOwner(_plan)}EnsureBatchCapacity(global::System.Math.Min(count, chunk));");
        ChoosingThreads(true, "Predict", "count", () =>
        {
            using (_w.Block("if (count < chunk)"))
            {
                Comment("fewer samples than the buffers hold: each layer's product split between the threads by units, each packing only its own");
                _w.Line($"ForwardBatch(inputs, count{BuffersArgument});");
                _w.Line($"{Names.Layer(Last, _plan).Workspace}.BatchOutput(count).CopyTo(outputs);");
                _w.Line("return;");
            }

            _w.Line();
            string macs = multiplyAdds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Comment($"each thread runs its own samples through every layer ({Literals.Grouped(multiplyAdds)} multiply-adds each), in its own rows of the batch buffers");
            string state = _plan.Trainable ? "this" : $"(this, {Names.Buffers})";
            string call = _plan.Trainable
                ? "static (network, inputs, outputs, bufferRow, rows, weightsPacked) => network.ForwardRows(inputs, outputs, bufferRow, rows, weightsPacked)"
                : $"static (state, inputs, outputs, bufferRow, rows, weightsPacked) => state.Network.ForwardRows(inputs, outputs, bufferRow, rows, weightsPacked, state.Buffers)";
            string field = _plan.Trainable ? Names.SampleSplitField : $"{Names.Buffers}.{Names.ThreadBuffersSampleSplitField}";
            _w.Line($"({field} ??= new {SampleSplitType}(");
            _w.Line($"    {call},");
            _w.Line($"    {Names.InputSize},");
            _w.Line($"    {Names.OutputSize}))");
            _w.Line($"    .Run({state}, inputs, outputs, chunk, global::NetGen.Internal.WorkerPool.ThreadsFor(count * {macs}L));");
        });
    }

    /// <summary>The type of the split of Predict's samples: its state is the network, and the calling thread's buffers in an inference-only network.</summary>
    private string SampleSplitType => _plan.Trainable
        ? $"global::NetGen.Internal.SampleSplit<{ClassName}>"
        : $"global::NetGen.Internal.SampleSplit<({ClassName} Network, {Names.ThreadBuffers} Buffers)>";

    private void WriteBackward()
    {
        _w.Line("/// <summary>Runs one sample forward, then back-propagates its loss and adds dLoss/dp into <see cref=\"Gradients\"/>.</summary>");
        _w.Line("/// <param name=\"input\">The sample, <see cref=\"InputSize\"/> values.</param>");
        _w.Line("/// <param name=\"target\">The expected output, <see cref=\"OutputSize\"/> values.</param>");
        _w.Line("/// <returns>The sample's loss: " + Describe.Loss(Model.Loss) + ".</returns>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        Generated();
        using (_w.Block($"public float Backward({Names.ReadOnlySpan} input, {Names.ReadOnlySpan} target)"))
        {
            CheckLength("input", Names.InputSize);
            CheckLength("target", Names.OutputSize);
            _w.Line();
            MarkGradients(true);
            _w.Line("return BackwardSample(input, target);");
        }

        _w.Line();
    }

    private void WriteZeroGradients()
    {
        _w.Line("/// <summary>Sets every gradient to zero.</summary>");
        Generated();
        using (_w.Block("public void ZeroGradients()"))
        {
            _w.Line($"global::System.Array.Clear({Names.Gradients}, 0, {Names.ParameterCount});");
            MarkGradients(false);
        }

        _w.Line();
    }

    private void WriteStep()
    {
        _w.Line("/// <summary>");
        _w.Line("/// Applies one optimizer update from <see cref=\"Gradients\"/> as they stand, then zeroes them.");
        _w.Line("/// " + Describe.Optimizer(Model.Optimizer) + ".");
        _w.Line("/// </summary>");
        _w.Line("/// <param name=\"learningRate\">The step size lr, finite and 0 or more.</param>");
        _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is negative, infinite or NaN.</exception>");
        Generated();
        using (_w.Block("public void Step(float learningRate)"))
        {
            _w.Line($"{Names.Helpers}.CheckLearningRate(learningRate);");
            _w.Line("ApplyOptimizer(learningRate, 1f);");
        }

        _w.Line();
    }

    private void WriteTrainBatch()
    {
        _w.Line("/// <summary>");
        _w.Line("/// Trains on n samples: one update on their mean gradient. The same, up to float rounding, as");
        _w.Line("/// <see cref=\"ZeroGradients\"/>, <see cref=\"Backward\"/> on each sample, scaling by 1/n, then <see cref=\"Step\"/>.");
        _w.Line($"/// A batch of {_plan.MatrixProductBatch} or more goes through matrix products over all its samples at once" + (_plan.UpdatesInPlace ? ", with the SGD step applied as each layer's gradient is computed." : "."));
        _w.Line("/// </summary>");
        _w.Line("/// <param name=\"inputs\">n samples of <see cref=\"InputSize\"/> values each, row after row (n at least 1).</param>");
        _w.Line("/// <param name=\"targets\">n expected outputs of <see cref=\"OutputSize\"/> values each, row after row.</param>");
        _w.Line("/// <param name=\"learningRate\">The step size lr, finite and 0 or more.</param>");
        _w.Line("/// <returns>The mean loss of the n samples, before the update.</returns>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not fit n samples, or n is 0.</exception>");
        _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is negative, infinite or NaN.</exception>");
        Generated();
        using (_w.Block($"public float TrainBatch({Names.ReadOnlySpan} inputs, {Names.ReadOnlySpan} targets, float learningRate)"))
        {
            WriteBatchChecks();
            if (_plan.UpdatesInPlace)
            {
                Comment("the fused SGD paths leave the gradients untouched, and TrainBatch leaves them zero");
                using (_w.Block($"if ({Names.GradientsMayBeNonZero})"))
                {
                    _w.Line("ZeroGradients();");
                }

                _w.Line();
                using (_w.Block("if (count == 1)"))
                {
                    ChoosingThreads(_plan.SgdShares, "TrainBatch", "1", () => _w.Line("return TrainSample(inputs, targets, learningRate);"));
                }

                _w.Line();
            }

            using (_w.Block($"if (count >= {Names.MatrixProductBatch})"))
            {
                _w.Line("EnsureBatchCapacity(count);");
                ChoosingThreads(true, "TrainBatch", "count", () =>
                {
                    _w.Line("double sum = TrainBatchProducts(inputs, targets, count, learningRate);");
                    if (!_plan.UpdatesInPlace)
                    {
                        _w.Line("ApplyOptimizer(learningRate, 1f);");
                    }

                    _w.Line("return (float)(sum / count);");
                });
            }

            _w.Line();
            Comment("a few samples: back-propagate each, then one update on the mean gradient g = (1/n) sum of theirs");
            if (!_plan.UpdatesInPlace)
            {
                _w.Line("ZeroGradients();");
            }

            _w.Line("double loss = 0;");
            using (_w.Block("for (int s = 0; s < count; s++)"))
            {
                _w.Line($"loss += BackwardSample(inputs.Slice(s * {Names.InputSize}, {Names.InputSize}), targets.Slice(s * {Names.OutputSize}, {Names.OutputSize}));");
            }

            _w.Line();
            _w.Line("ApplyOptimizer(learningRate, 1f / count);");
            _w.Line("return (float)(loss / count);");
        }

        _w.Line();
    }

    private void WriteTrainSequential()
    {
        _w.Line("/// <summary>");
        _w.Line("/// Per-sample training over n samples in order: one update per sample, the same as <see cref=\"TrainBatch\"/>");
        _w.Line("/// on each sample in turn" + (_plan.UpdatesInPlace ? ", bit for bit. The first layer's update of each sample shares its pass over" : "."));
        if (_plan.UpdatesInPlace)
        {
            _w.Line("/// W1 with the next sample's forward pass, which halves the memory traffic of the largest layer.");
        }

        _w.Line("/// </summary>");
        _w.Line("/// <param name=\"inputs\">n samples of <see cref=\"InputSize\"/> values each, row after row (n at least 1).</param>");
        _w.Line("/// <param name=\"targets\">n expected outputs of <see cref=\"OutputSize\"/> values each, row after row.</param>");
        _w.Line("/// <param name=\"learningRate\">The step size lr, finite and 0 or more.</param>");
        _w.Line("/// <returns>The mean of the samples' losses, each measured before its own update.</returns>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not fit n samples, or n is 0.</exception>");
        _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is negative, infinite or NaN.</exception>");
        Generated();
        using (_w.Block($"public float TrainSequential({Names.ReadOnlySpan} inputs, {Names.ReadOnlySpan} targets, float learningRate)"))
        {
            WriteBatchChecks();
            if (_plan.UpdatesInPlace)
            {
                using (_w.Block($"if ({Names.GradientsMayBeNonZero})"))
                {
                    _w.Line("ZeroGradients();");
                }

                _w.Line();
                ChoosingThreads(_plan.SequenceShares, "TrainSequential", "count", () => _w.Line("return (float)(TrainSequence(inputs, targets, count, learningRate) / count);"));
            }
            else
            {
                _w.Line("double loss = 0;");
                using (_w.Block("for (int s = 0; s < count; s++)"))
                {
                    _w.Line("ZeroGradients();");
                    _w.Line($"loss += BackwardSample(inputs.Slice(s * {Names.InputSize}, {Names.InputSize}), targets.Slice(s * {Names.OutputSize}, {Names.OutputSize}));");
                    _w.Line("ApplyOptimizer(learningRate, 1f);");
                }

                _w.Line();
                _w.Line("return (float)(loss / count);");
            }
        }

        _w.Line();
    }

    /// <summary>One sample through every layer, for inference.</summary>
    private void WriteInfer()
    {
        _w.Line("/// <summary>One sample through every layer, for inference, the last writing into <paramref name=\"output\"/>: large layers share their rows with helper threads that are awake.</summary>");
        Generated();
        using (_w.Block($"private void Infer({Names.ReadOnlySpan} x, {Names.Span} output{BuffersParameter})"))
        {
            Steps(_plan.Inference, new PassContext("x", "target", "float loss = ", Output: "output"));
        }

        _w.Line();
    }

    private void WriteBackwardSample()
    {
        _w.Line("/// <summary>One sample forward and back: adds its dE/dp into the gradients and returns its loss.</summary>");
        Generated();
        using (_w.Block($"private float BackwardSample({Names.ReadOnlySpan} x, {Names.ReadOnlySpan} target)"))
        {
            Steps(_plan.Backward, new PassContext("x", "target", "float loss = "));
            _w.Line("return loss;");
        }

        _w.Line();
    }

    /// <summary>Plain SGD on one sample, each layer's update applied as it is back-propagated.</summary>
    private void WriteTrainSample()
    {
        _w.Line("/// <summary>One SGD step on one sample, fused: each layer's update is applied as it is back-propagated. Returns the loss.</summary>");
        Generated();
        using (_w.Block($"private float TrainSample({Names.ReadOnlySpan} x, {Names.ReadOnlySpan} target, float learningRate)"))
        {
            WriteDecayFactor();
            Steps(_plan.Sgd, new PassContext("x", "target", "float loss = ", Decay));
            _w.Line($"{Names.StepCount}++;");
            _w.Line("return loss;");
        }

        _w.Line();
    }

    /// <summary>Per-sample SGD over a sequence, the first layer's update fused with the next sample's product.</summary>
    private void WriteTrainSequence()
    {
        // With a dense first layer, each sample's first-layer step also computes the next sample's z1
        bool fused = _plan.FusesSequence;
        _w.Line(fused
            ? "/// <summary>Per-sample SGD over <paramref name=\"count\"/> samples in order; the first layer's update of each sample is fused with the next sample's product. Returns the summed loss.</summary>"
            : "/// <summary>Per-sample SGD over <paramref name=\"count\"/> samples in order, each layer's update applied as it is back-propagated. Returns the summed loss.</summary>");
        Generated();
        using (_w.Block($"private double TrainSequence({Names.ReadOnlySpan} inputs, {Names.ReadOnlySpan} targets, int count, float learningRate)"))
        {
            WriteDecayFactor();
            if (fused)
            {
                LayerPlan first = _plan.First;
                Step firstStep = _plan.Sequence[_plan.Sequence.Count - 1];
                Comment("z1 of the first sample; each sample's pass computes the next one's");
                _w.Line($"{Names.Kernels(first)}.Product({Names.Parameters}, inputs.Slice(0, {Names.InputSize}), {Names.Layer(first).Workspace}, share: {(firstStep.Share ? "true" : "false")});");
            }

            _w.Line("double loss = 0;");
            using (_w.Block("for (int s = 0; s < count; s++)"))
            {
                _w.Line(fused
                    ? $"{Names.ReadOnlySpan} x = inputs.Slice(s * {Names.InputSize}); // this sample, then the ones after it"
                    : $"{Names.ReadOnlySpan} x = inputs.Slice(s * {Names.InputSize}, {Names.InputSize});");
                _w.Line($"{Names.ReadOnlySpan} target = targets.Slice(s * {Names.OutputSize}, {Names.OutputSize});");
                if (fused)
                {
                    _w.Line($"int next = s + 1 < count ? {Names.InputSize} : 0; // after the last sample, its own z1 again, which nothing reads");
                }

                Steps(_plan.Sequence, fused ? new PassContext("x", "target", "loss += ", Decay, "next") : new PassContext("x", "target", "loss += ", Decay));
                _w.Line($"{Names.StepCount}++;");
            }

            _w.Line();
            _w.Line("return loss;");
        }

        _w.Line();
    }

    /// <summary>Whether a batch's forward pass in training differs from inference's (a layer drops values), and so gets a method of its own.</summary>
    private bool TrainingForwardDiffers => _plan.Trainable && _plan.BatchTrainingForward != _plan.BatchForward;

    /// <summary>A batch's forward pass, as matrix products.</summary>
    private void WriteForwardBatch()
    {
        if (TrainingForwardDiffers)
        {
            _w.Line("/// <summary>Runs <paramref name=\"rows\"/> samples through every layer as in training (dropout drops values), leaving each layer's activations in its batch buffers.</summary>");
            Generated();
            using (_w.Block($"private void ForwardBatchTraining({Names.ReadOnlySpan} inputs, int rows)"))
            {
                Steps(_plan.BatchTrainingForward, new PassContext("inputs", "targets", "double loss = "));
            }

            _w.Line();
        }

        // Predict's chunks reuse the weights the first one packed; where Predict splits the samples instead, every call packs them
        bool chunks = !_plan.SplitsPredictSamples;
        _w.Line("/// <summary>");
        _w.Line("/// Runs <paramref name=\"rows\"/> samples through every layer as matrix products, leaving each layer's activations in its batch buffers.");
        if (chunks)
        {
            _w.Line("/// <paramref name=\"weightsPacked\"/>: the weights are as an earlier chunk of the same call packed them, so the products reuse that copy.");
        }

        _w.Line("/// </summary>");
        Generated();
        using (_w.Block($"private void ForwardBatch({Names.ReadOnlySpan} inputs, int rows{(chunks ? ", bool weightsPacked" : string.Empty)}{BuffersParameter})"))
        {
            Steps(_plan.BatchForward, new PassContext("inputs", "targets", "double loss = ", WeightsPacked: chunks ? "weightsPacked" : "false"));
        }

        _w.Line();
    }

    /// <summary>One thread's share of a Predict whose threads split its samples: its samples through every layer, in its own rows of the batch buffers.</summary>
    private void WriteForwardRows()
    {
        if (!_plan.SplitsPredictSamples)
        {
            return;
        }

        _w.Line("/// <summary>");
        _w.Line("/// Runs <paramref name=\"rows\"/> samples through every layer, on the calling thread, in the batch buffers' rows from");
        _w.Line("/// <paramref name=\"bufferRow\"/> on, into <paramref name=\"outputs\"/>: one thread's share of a Predict whose threads split the samples.");
        _w.Line("/// <paramref name=\"weightsPacked\"/>: this thread packed the weights for an earlier slice of the same call, so the products reuse its copy.");
        _w.Line("/// </summary>");
        Generated();
        using (_w.Block($"private void ForwardRows({Names.ReadOnlySpan} inputs, {Names.Span} outputs, int bufferRow, int rows, bool weightsPacked{BuffersParameter})"))
        {
            Steps(_plan.PredictRows, new PassContext("inputs", "targets", "double loss = "));
            _w.Line($"{Names.Layer(Last, _plan).BatchRows}.CopyTo(outputs);");
        }

        _w.Line();
    }

    /// <summary>A batch's training, as matrix products: forward, loss, back through each layer.</summary>
    private void WriteTrainBatchProducts()
    {
        _w.Line("/// <summary>");
        _w.Line(_plan.UpdatesInPlace
            ? "/// One SGD step on a batch, as matrix products: forward, then back through each layer, updating it as its dE/dW is computed. Returns the summed loss."
            : "/// The mean gradient of a batch, as matrix products, written into the gradients for the optimizer. Returns the summed loss.");
        _w.Line("/// </summary>");
        Generated();
        using (_w.Block($"private double TrainBatchProducts({Names.ReadOnlySpan} inputs, {Names.ReadOnlySpan} targets, int rows, float learningRate)"))
        {
            _w.Line(TrainingForwardDiffers ? "ForwardBatchTraining(inputs, rows);" : _plan.SplitsPredictSamples ? "ForwardBatch(inputs, rows);" : "ForwardBatch(inputs, rows, weightsPacked: false);");
            Writer(Last).WriteStep(new Step(StepKind.Loss, Last.Number), new PassContext("inputs", "targets", "double loss = "));
            if (_plan.UpdatesInPlace)
            {
                WriteDecayFactor();
            }

            Steps(_plan.BatchTraining, new PassContext("inputs", "targets", "double loss = ", Decay));
            if (_plan.UpdatesInPlace)
            {
                _w.Line($"{Names.StepCount}++;");
            }

            _w.Line("return loss;");
        }

        _w.Line();
    }

    /// <summary>The checks TrainBatch and TrainSequential share; declares <c>count</c>.</summary>
    private void WriteBatchChecks()
    {
        _w.Line($"int count = {Names.Helpers}.TrainingBatch(nameof({ClassName}), inputs, {Names.InputSize}, targets, {Names.OutputSize}, learningRate);");
    }

    /// <summary>Records whether the gradients may hold non-zero values; only the fused SGD paths need to know.</summary>
    private void MarkGradients(bool mayBeNonZero)
    {
        if (_plan.UpdatesInPlace)
        {
            _w.Line($"{Names.GradientsMayBeNonZero} = {(mayBeNonZero ? "true" : "false")};");
        }
    }

    private void CheckLength(string parameter, string sizeConstant) =>
        _w.Line($"{Names.Helpers}.CheckLength(nameof({ClassName}), nameof({parameter}), {parameter}.Length, {sizeConstant}, nameof({sizeConstant}));");
}
