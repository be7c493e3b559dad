namespace NetGen.Generator.Model;

// The generator does not load NetGen.Attributes (an analyzer must not depend on the user's
// references), so it mirrors the public enums. The numeric values must match.

/// <summary>Mirror of <c>NetGen.Activation</c>.</summary>
internal enum ActivationKind
{
    Identity = 0,
    ReLU = 1,
    LeakyReLU = 2,
    Sigmoid = 3,
    Tanh = 4,
    Softmax = 5,
}

/// <summary>Mirror of <c>NetGen.Loss</c>.</summary>
internal enum LossKind
{
    SquaredError = 0,
    CrossEntropy = 1,
    BinaryCrossEntropy = 2,
}

/// <summary>Mirror of <c>NetGen.Optimizer</c>.</summary>
internal enum OptimizerKind
{
    Sgd = 0,
    Momentum = 1,
    Adam = 2,
}
