namespace NetGen;

/// <summary>The update rule <c>Step</c> applies to the parameters.</summary>
public enum Optimizer
{
    /// <summary>Plain stochastic gradient descent: p -= lr * (g + weightDecay * p).</summary>
    Sgd = 0,

    /// <summary>Classical momentum, as PyTorch's <c>SGD(momentum=mu)</c>: v = mu * v + (g + weightDecay * p); p -= lr * v.</summary>
    Momentum = 1,

    /// <summary>Adam with bias correction and decoupled weight decay (the AdamW form): p -= lr * weightDecay * p; p -= lr * m_hat / (sqrt(v_hat) + epsilon).</summary>
    Adam = 2,
}
