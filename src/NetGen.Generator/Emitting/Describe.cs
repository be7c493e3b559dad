using System.Linq;
using NetGen.Generator.Helpers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emitting;

/// <summary>Prose for the generated documentation and comments: what each part computes.</summary>
internal static class Describe
{
    /// <summary>For example <c>784 inputs → dense 128, ReLU → dense 10, softmax</c>, or <c>1 × 28 × 28 inputs → conv 8 5×5, ReLU → max pool 2 → ...</c>.</summary>
    public static string Architecture(NetworkModel model) =>
        (model.InputShape is { } image ? image.ToString() : model.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture)) + " inputs → " +
        string.Join(" → ", model.Layers.Select(l => Layer(l) + (l.Activation == ActivationKind.Identity ? string.Empty : ", " + Activation(l))));

    /// <summary>A layer in a few words, without its activation: <c>dense 128</c>, <c>conv 8 5×5</c>, <c>max pool 2</c>, <c>dropout 0.5</c>.</summary>
    public static string Layer(LayerModel layer) => layer switch
    {
        DenseLayerModel dense => "dense " + dense.Units,
        ConvolutionLayerModel conv => "conv " + conv.Filters + " " + conv.Kernel + "×" + conv.Kernel +
            (conv.Stride == 1 ? string.Empty : " stride " + conv.Stride) + (conv.Padding == 0 ? string.Empty : " padding " + conv.Padding),
        PoolingLayerModel pool => (pool.Max ? "max pool " : "average pool ") + pool.Size + (pool.Stride == pool.Size ? string.Empty : " stride " + pool.Stride),
        DropoutLayerModel dropout => "dropout " + Literals.FloatProse(dropout.Probability),
        _ => "layer",
    };

    public static string Activation(LayerModel layer) => layer.Activation switch
    {
        ActivationKind.ReLU => "ReLU",
        ActivationKind.LeakyReLU => "LeakyReLU(" + Literals.FloatProse(layer.Alpha) + ")",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Softmax => "softmax",
        _ => "identity",
    };

    /// <summary>The activation as a formula of z, for comments.</summary>
    public static string ActivationFormula(LayerModel layer) => layer.Activation switch
    {
        ActivationKind.ReLU => "max(0, z)",
        ActivationKind.LeakyReLU => "z > 0 ? z : " + Literals.FloatProse(layer.Alpha) + " z",
        ActivationKind.Sigmoid => "1 / (1 + e^-z)",
        ActivationKind.Tanh => "tanh(z)",
        ActivationKind.Softmax => "e^(z - max z) / sum e^(z - max z)",
        _ => "z",
    };

    /// <summary>The activation's derivative written in terms of its output a, for comments.</summary>
    public static string DerivativeFormula(LayerModel layer) => layer.Activation switch
    {
        ActivationKind.ReLU => "a > 0 ? 1 : 0",
        ActivationKind.LeakyReLU => "a > 0 ? 1 : " + Literals.FloatProse(layer.Alpha),
        ActivationKind.Sigmoid => "a (1 - a)",
        ActivationKind.Tanh => "1 - a^2",
        _ => "1",
    };

    public static string Initialisation(ParameterLayerModel layer) =>
        layer.UsesHeInitialisation ? "He-uniform" : "Glorot-uniform";

    /// <summary>The limit of U(-limit, limit) as a formula, for comments.</summary>
    public static string InitialisationBound(ParameterLayerModel layer) =>
        layer.UsesHeInitialisation
            ? "sqrt(6 / fan_in) = sqrt(6 / " + layer.FanIn + ")"
            : "sqrt(6 / (fan_in + fan_out)) = sqrt(6 / (" + layer.FanIn + " + " + layer.FanOut + "))";

    /// <summary>The limit of U(-limit, limit) itself.</summary>
    public static float InitialisationLimit(ParameterLayerModel layer) =>
        (float)System.Math.Sqrt(layer.UsesHeInitialisation ? 6.0 / layer.FanIn : 6.0 / (layer.FanIn + layer.FanOut));

    public static string Loss(LossKind loss) => loss switch
    {
        LossKind.CrossEntropy => "cross-entropy, E = -sum t ln y, fused with softmax (dE/dz = y - t)",
        LossKind.BinaryCrossEntropy => "binary cross-entropy, E = -sum [t ln y + (1 - t) ln(1 - y)], fused with the sigmoid (dE/dz = y - t)",
        _ => "squared error, E = 1/2 sum (y - t)^2",
    };

    public static string Optimizer(OptimizerModel optimizer)
    {
        string decay = optimizer.WeightDecay == 0f ? string.Empty : Literals.FloatProse(optimizer.WeightDecay);
        return optimizer.Kind switch
        {
            OptimizerKind.Momentum =>
                "momentum (PyTorch's SGD with momentum), g = dE/dp" + (decay.Length > 0 ? " + " + decay + " p" : string.Empty) +
                ", v = " + Literals.FloatProse(optimizer.Momentum) + " v + g, p -= lr v",
            OptimizerKind.Adam =>
                "Adam" + (decay.Length > 0 ? "W (decoupled weight decay " + decay + ", p -= lr " + decay + " p first)" : string.Empty) +
                ", m = " + Literals.FloatProse(optimizer.Beta1) + " m + (1 - " + Literals.FloatProse(optimizer.Beta1) + ") g" +
                ", v = " + Literals.FloatProse(optimizer.Beta2) + " v + (1 - " + Literals.FloatProse(optimizer.Beta2) + ") g^2" +
                ", p -= lr m_hat / (sqrt(v_hat) + " + Literals.FloatProse(optimizer.Epsilon) + ") with m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)",
            _ => "SGD, p -= lr " + (decay.Length > 0 ? "(g + " + decay + " p)" : "g"),
        };
    }

    /// <summary>The loss step of a pass in math: E, then the dE/dz that starts the backward pass.</summary>
    public static string LossStep(LossKind loss, DenseLayerModel output, bool batch)
    {
        string z = (batch ? "Z" : "z") + output.Number, a = (batch ? "A" : "a") + output.Number, t = batch ? "T" : "t";
        string every = batch ? ", for every sample" : string.Empty;
        return loss switch
        {
            LossKind.CrossEntropy => $"E = -sum {t} ln {a} with {a} = softmax({z}), computed from {z}; dE/d{z} = {a} - {t}{every}",
            LossKind.BinaryCrossEntropy => $"E = -sum [{t} ln {a} + (1 - {t}) ln(1 - {a})] with {a} = sigmoid({z}), computed from {z}; dE/d{z} = {a} - {t}{every}",
            _ when output.Activation == ActivationKind.Softmax => $"E = 1/2 sum ({a} - {t})^2; dE/d{z} = {a} (dE/d{a} - sum dE/d{a} {a}) through the softmax{every}",
            _ when output.Activation == ActivationKind.Identity => $"E = 1/2 sum ({a} - {t})^2; dE/d{z} = {a} - {t}{every}",
            _ => $"E = 1/2 sum ({a} - {t})^2; dE/d{z} = ({a} - {t}) {Activation(output)}'({z}), {Activation(output)}' = {DerivativeFormula(output)}{every}",
        };
    }
}
