using NetGen;

namespace Consumer;

/// <summary>Classifies points in the plane into three classes.</summary>
[Network(Loss = Loss.CrossEntropy, Optimizer = Optimizer.Adam)]
[Input(2)]
[Dense(16)] [ReLU]
[Dense(3)] [Softmax]
internal sealed partial class Blobs;

#pragma warning disable NG0021 // layers kept for later, without [Network]: a pragma reaches NetGen's warnings
/// <summary>Not a network yet: its layer attributes alone would be warning NG0021.</summary>
[Input(4)] [Dense(2)]
internal static class Draft;
#pragma warning restore NG0021
