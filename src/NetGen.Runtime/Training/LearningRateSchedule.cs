using System;

namespace NetGen.Training;

/// <summary>How the learning rate changes from epoch to epoch. The same formulas as PyTorch's schedulers, stepped once per epoch.</summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate stays the initial one.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>
    /// Step decay (PyTorch's <c>StepLR</c>): lr = initial * gamma^floor(epoch / stepEpochs).
    /// </summary>
    /// <param name="stepEpochs">Epochs between decays, at least 1.</param>
    /// <param name="gamma">Factor applied at each decay, in (0, 1].</param>
    public static LearningRateSchedule StepDecay(int stepEpochs, float gamma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepEpochs);
        if (!(gamma > 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1].");
        }

        return new StepDecaySchedule(stepEpochs, gamma);
    }

    /// <summary>
    /// Cosine annealing (PyTorch's <c>CosineAnnealingLR</c> with T_max the number of epochs):
    /// lr = minimum + (initial - minimum) (1 + cos(pi epoch / epochs)) / 2.
    /// </summary>
    /// <param name="minimum">The learning rate the curve ends at, 0 or more.</param>
    public static LearningRateSchedule Cosine(float minimum = 0)
    {
        if (!(minimum >= 0) || float.IsInfinity(minimum))
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "minimum must be finite and 0 or more.");
        }

        return new CosineSchedule(minimum);
    }

    /// <summary>The learning rate of 0-based <paramref name="epoch"/> out of <paramref name="epochs"/>.</summary>
    public abstract float LearningRate(float initial, int epoch, int epochs);

    private sealed record ConstantSchedule : LearningRateSchedule
    {
        public override float LearningRate(float initial, int epoch, int epochs) => initial;

        public override string ToString() => "constant";
    }

    private sealed record StepDecaySchedule(int StepEpochs, float Gamma) : LearningRateSchedule
    {
        public override float LearningRate(float initial, int epoch, int epochs) =>
            (float)(initial * Math.Pow(Gamma, epoch / StepEpochs));

        public override string ToString() => $"step decay x{Gamma} every {StepEpochs} epochs";
    }

    private sealed record CosineSchedule(float Minimum) : LearningRateSchedule
    {
        public override float LearningRate(float initial, int epoch, int epochs) =>
            (float)(Minimum + ((initial - Minimum) * (1 + Math.Cos(Math.PI * epoch / epochs)) / 2));

        public override string ToString() => $"cosine to {Minimum}";
    }
}
