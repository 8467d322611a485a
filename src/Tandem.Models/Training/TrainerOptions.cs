namespace Tandem.Models.Training;

/// <summary>The optimizer a <see cref="Trainer"/> uses; every one updates embedding tables lazily (touched rows only).</summary>
public enum OptimizerKind
{
    /// <summary>Adam (PyTorch's form); lazy rows for sparse tables (LazyAdam).</summary>
    Adam,
    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW,
    /// <summary>Adagrad.</summary>
    Adagrad,
    /// <summary>Plain SGD.</summary>
    Sgd,
}

/// <summary>The learning-rate schedule of a <see cref="Trainer"/>.</summary>
public enum ScheduleKind
{
    /// <summary>Constant.</summary>
    Constant,
    /// <summary>Cosine decay to 0 over all steps, after <see cref="TrainerOptions.WarmupSteps"/> linear warm-up steps.</summary>
    Cosine,
}

/// <summary>The validation metric at K that early stopping follows.</summary>
public enum ValidationMetric
{
    /// <summary>Recall@K.</summary>
    Recall,
    /// <summary>NDCG@K.</summary>
    Ndcg,
}

/// <summary>How a <see cref="Trainer"/> trains. <c>new TrainerOptions()</c> gives the documented defaults.</summary>
public readonly record struct TrainerOptions
{
    /// <summary>Creates the defaults.</summary>
    public TrainerOptions() { }
    /// <summary>Passes over the training rows (the most, with early stopping). Default 20.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Examples per batch (the in-batch negatives). Default 1024.</summary>
    public int BatchSize { get; init; } = 1024;
    /// <summary>Peak learning rate. Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>The optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Weight decay (L2 for Adam/Adagrad/SGD, decoupled for AdamW). Default 0.</summary>
    public float WeightDecay { get; init; }
    /// <summary>The schedule. Default constant.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;
    /// <summary>Linear warm-up steps of the cosine schedule. Default 0.</summary>
    public int WarmupSteps { get; init; }
    /// <summary>Clip the global gradient norm to this value; 0: no clipping. Default 0.</summary>
    public float ClipNorm { get; init; }
    /// <summary>Seed of the batch order (and of nothing else: the model's initialisation has its own). Default 42.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Kernel threads while training (a <see cref="Tandem.Tensors.Threads.Use"/> scope around the run); 0 keeps the caller's <see cref="Tandem.Tensors.Threads.Count"/>. Results do not depend on it. Default 0.</summary>
    public int Threads { get; init; }
    /// <summary>With a validation metric, stop when it has not improved for this many epochs (and restore the best epoch's parameters); 0: never. Default 5 (validation metrics move by about ±0.005 from epoch to epoch on MovieLens, and issue 14 found 3 stopping well before the best epoch).</summary>
    public int Patience { get; init; } = 5;
    /// <summary>The validation metric (at the recipe's K) that early stopping follows. Default Recall.</summary>
    public ValidationMetric ValidationMetric { get; init; } = ValidationMetric.Recall;
}
