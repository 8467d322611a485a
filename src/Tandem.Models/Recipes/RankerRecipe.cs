namespace Tandem.Models.Recipes;

/// <summary>The click-through-rate model a <see cref="RankerRecipe"/> builds.</summary>
public enum RankerKind
{
    /// <summary>Logistic regression: a bias plus one weight per feature value (the linear baseline).</summary>
    Logistic,
    /// <summary>Two-tower pCTR: user/context and item fields in separate MLP towers, <c>σ(a·⟨u, v⟩ + c)</c> with learned a and c (late fusion).</summary>
    TwoTower,
    /// <summary>DeepFM (Guo et al. 2017): the linear term, the FM pairwise term and an MLP over the shared field embeddings.</summary>
    DeepFm,
    /// <summary>DCN-v2 (Wang et al. 2021): full-rank cross layers and an MLP over the field embeddings, stacked or parallel.</summary>
    DcnV2,
    /// <summary>DIN-style (Zhou et al. 2018): the user's history weighted by its affinity to the candidate item, beside the field embeddings, into an MLP.</summary>
    Din,
    /// <summary>
    /// Multi-task two-tower: the two-tower pCTR model trained on two losses at once, BCE of
    /// <c>σ(a·⟨u, v⟩ + c)</c> on every labelled pair plus <see cref="RankerRecipe.RetrievalWeight"/> times the
    /// in-batch softmax of each click's item against the batch's other items, so one model both retrieves and predicts clicks.
    /// </summary>
    MultiTask,
    /// <summary>Wide &amp; Deep (Cheng et al. 2016): the wide linear term over the fields plus an MLP over their embeddings, summed into one logit.</summary>
    WideDeep,
}

/// <summary>How DCN-v2's cross network and MLP are composed.</summary>
public enum CrossStructure
{
    /// <summary>The MLP reads the cross network's output.</summary>
    Stacked,
    /// <summary>Both read the embeddings; their outputs are concatenated.</summary>
    Parallel,
}

/// <summary>How a ranker's logit becomes a click probability, fitted on the validation slice.</summary>
public enum CalibrationKind
{
    /// <summary>The sigmoid of the logit.</summary>
    None,
    /// <summary>Platt scaling: <c>σ(A·logit + B)</c>.</summary>
    Platt,
    /// <summary>Isotonic regression: a non-decreasing step function of the logit (pool adjacent violators).</summary>
    Isotonic,
}

/// <summary>
/// A click-through-rate model (the ranking stage) trained on labelled impressions with binary
/// cross-entropy. Every field the ranker reads gets an embedding of one width
/// (<see cref="EmbeddingDimension"/>): ids, categoricals and bucketed numbers a table, multi-categoricals
/// a mean bag, plain numbers a vector scaled by the value (DeepFM's convention).
/// </summary>
public sealed record RankerRecipe
{
    /// <summary>The model. Default DeepFM.</summary>
    public RankerKind Model { get; init; } = RankerKind.DeepFm;
    /// <summary>The fields read; null: every id, categorical, multi-categorical, numeric and timestamp feature. Default null.</summary>
    public IReadOnlyList<string>? Features { get; init; }
    /// <summary>Width k of every field embedding. Default 16.</summary>
    public int EmbeddingDimension { get; init; } = 16;
    /// <summary>Hidden widths of the MLP (each tower's, for the two-tower model). Default [256, 128].</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [256, 128];
    /// <summary>Dropout after each hidden activation, in training. Default 0.</summary>
    public float Dropout { get; init; }
    /// <summary>DCN-v2: cross layers. Default 3.</summary>
    public int CrossLayers { get; init; } = 3;
    /// <summary>DCN-v2: stacked or parallel. Default stacked.</summary>
    public CrossStructure Cross { get; init; } = CrossStructure.Stacked;
    /// <summary>DIN: the sequence feature holding the user's history; null: the schema's only sequence feature. Default null.</summary>
    public string? History { get; init; }
    /// <summary>Two-tower: the fields of the item tower; null: the schema's item features. Default null.</summary>
    public IReadOnlyList<string>? ItemFeatures { get; init; }
    /// <summary>Two-tower: width of each tower's output. Default 64.</summary>
    public int OutputDimension { get; init; } = 64;
    /// <summary>Multi-task: weight of the in-batch softmax retrieval loss added to the BCE loss (weight 1). Default 1.</summary>
    public float RetrievalWeight { get; init; } = 1;
    /// <summary>Multi-task: softmax temperature τ of the retrieval loss (logits ⟨u, v⟩ / τ). Default 1.</summary>
    public float Temperature { get; init; } = 1;
    /// <summary>How logits become probabilities, fitted on validation and stored in the model file. Default isotonic.</summary>
    public CalibrationKind Calibration { get; init; } = CalibrationKind.Isotonic;

    internal void Validate(RecipeErrors errors)
    {
        errors.AtLeast("ranker.embeddingDimension", EmbeddingDimension, 1);
        errors.AtLeast("ranker.crossLayers", CrossLayers, 1);
        errors.AtLeast("ranker.outputDimension", OutputDimension, 1);
        if (Hidden is null) errors.Field("ranker.hidden", null, "must be a list of widths, [] for none");
        for (int i = 0; i < Hidden.Count; i++) errors.AtLeast($"ranker.hidden[{i}]", Hidden[i], 1);
        if (!(Dropout >= 0 && Dropout < 1)) errors.Field("ranker.dropout", Dropout, "must be in [0, 1)");
        if (!(RetrievalWeight >= 0)) errors.Field("ranker.retrievalWeight", RetrievalWeight, "must be 0 or more");
        errors.Positive("ranker.temperature", Temperature);
        if (Features is { Count: 0 }) errors.Field("ranker.features", "[]", "must name at least one feature, or be left out for every one");
    }
}
