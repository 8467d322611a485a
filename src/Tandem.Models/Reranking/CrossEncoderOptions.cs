namespace Tandem.Models.Reranking;

/// <summary>Architecture and training of a <see cref="CrossEncoder"/>; every default is documented.</summary>
public sealed record CrossEncoderOptions
{
    /// <summary>Hidden ReLU widths of the MLP over a pair. Default [128].</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128];
    /// <summary>Width of the learned query ⊙ candidate interaction fed to the MLP. Default 64.</summary>
    public int Interaction { get; init; } = 64;
    /// <summary>Dropout after each hidden layer in training. Default 0.1.</summary>
    public float Dropout { get; init; } = 0.1f;
    /// <summary>Hard negatives per positive, drawn each epoch from the first stage's candidates. Default 7.</summary>
    public int Negatives { get; init; } = 7;
    /// <summary>Most epochs; the epoch kept is the one with the best validation MRR. Default 20.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Epochs without a better validation MRR before stopping; 0: never. Default 4.</summary>
    public int Patience { get; init; } = 4;
    /// <summary>Queries (each a positive and its negatives) per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Adam learning rate. Default 0.001.</summary>
    public float LearningRate { get; init; } = 0.001f;
    /// <summary>Initial weight of the first stage's score in the logit (the encoder learns a correction to it); 1/τ of the first stage fits. Default 10.</summary>
    public float PriorWeight { get; init; } = 10;
    /// <summary>Seed of the initialisation, the negatives drawn and dropout. Default 0.</summary>
    public int Seed { get; init; }
}
