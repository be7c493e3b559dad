using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

internal sealed partial class NetworkWriter
{
    /// <summary>What only the code above needs: the batch buffers' growth and the interface's members.</summary>
    private void WritePlumbing()
    {
        if (_plan.Trainable)
        {
            WriteEnsureBatchCapacity("private");
        }
        else
        {
            WriteThreadBuffers();
        }

        _w.Line();
        Comment("IPredictor: the sizes are constants of this class, so the interface reads them explicitly.");
        _w.Line($"{PlumbingAttributes} global::NetGen.NetworkInfo global::NetGen.IPredictor.Info => Info;");
        _w.Line($"{PlumbingAttributes} int global::NetGen.IPredictor.InputSize => {Names.InputSize};");
        _w.Line($"{PlumbingAttributes} int global::NetGen.IPredictor.OutputSize => {Names.OutputSize};");
        _w.Line($"{PlumbingAttributes} int global::NetGen.IPredictor.ParameterCount => {Names.ParameterCount};");
    }

    private void WriteEnsureBatchCapacity(string access)
    {
        _w.Line("/// <summary>Grows every layer's batch buffers to <paramref name=\"rows\"/> samples: allocates only for a batch larger than any before.</summary>");
        Plumbing();
        using (_w.Block($"{access} void EnsureBatchCapacity(int rows)"))
        {
            foreach (LayerPlan layer in _plan.Layers)
            {
                _w.Line($"{Names.Layer(layer, _plan).WorkspaceField}.EnsureBatchCapacity(rows);");
            }
        }
    }

    /// <summary>The buffers of one calling thread of an inference-only network.</summary>
    private void WriteThreadBuffers()
    {
        _w.Line("/// <summary>");
        _w.Line("/// What one thread works in: each layer's activations for one sample and for a batch, and W packed for batch");
        _w.Line("/// products. Every thread that calls the network gets its own on its first call (and keeps it while it lives),");
        _w.Line("/// so calls from many threads at once never share a buffer, and no call after the first allocates.");
        _w.Line("/// </summary>");
        Plumbing();
        using (_w.Block($"private sealed class {Names.ThreadBuffers}"))
        {
            foreach (LayerPlan layer in _plan.Layers)
            {
                LayerNames names = Names.Layer(layer, _plan);
                _w.Line($"public readonly {Names.WorkspaceType(layer)} {names.WorkspaceField} = new();");
            }

            _w.Line();
            WriteThreadChoicesField("public");
            WriteSampleSplitField("public");
            WriteEnsureBatchCapacity("public");
        }
    }
}
