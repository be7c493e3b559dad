using NetGen.Generator.Planning;

namespace NetGen.Generator.Emitting;

internal sealed partial class NetworkWriter
{
    /// <summary>What only the code above needs: the batch buffers' growth and the interface's members.</summary>
    private void WritePlumbing()
    {
        _w.Line("/// <summary>Grows every layer's batch buffers to <paramref name=\"rows\"/> samples: allocates only for a batch larger than any before.</summary>");
        Plumbing();
        using (_w.Block("private void EnsureBatchCapacity(int rows)"))
        {
            foreach (LayerPlan layer in _plan.Layers)
            {
                _w.Line($"{Names.Layer(layer).Workspace}.EnsureBatchCapacity(rows);");
            }
        }

        _w.Line();
        Comment("IPredictor: the sizes are constants of this class, so the interface reads them explicitly.");
        _w.Line($"{PlumbingAttributes} global::NetGen.NetworkInfo global::NetGen.IPredictor.Info => Info;");
        _w.Line($"{PlumbingAttributes} int global::NetGen.IPredictor.InputSize => {Names.InputSize};");
        _w.Line($"{PlumbingAttributes} int global::NetGen.IPredictor.OutputSize => {Names.OutputSize};");
        _w.Line($"{PlumbingAttributes} int global::NetGen.IPredictor.ParameterCount => {Names.ParameterCount};");
    }
}
