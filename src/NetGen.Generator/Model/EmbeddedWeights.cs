namespace NetGen.Generator.Model;

/// <summary>Parameters compiled into a network from its <c>[Network(Weights = ...)]</c> file, checked against its layers.</summary>
/// <param name="File">The file as the declaration names it.</param>
/// <param name="Base64">Every parameter in the network's layout, as little-endian float32 bytes, base64-encoded.</param>
/// <param name="ValueCount">The number of parameters.</param>
internal sealed record EmbeddedWeights(string File, string Base64, int ValueCount);

/// <summary>A valid network and the weights it embeds (null without <c>Weights</c>): what the planner takes.</summary>
internal sealed record WeighedModel(NetworkModel Model, EmbeddedWeights? Weights);
