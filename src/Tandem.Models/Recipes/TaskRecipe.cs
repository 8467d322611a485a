using Tandem.Models.Tasks;

namespace Tandem.Models.Recipes;

/// <summary>The loss a model trains with.</summary>
public enum LossKind
{
    /// <summary>In-batch sampled softmax (InfoNCE) over scores / temperature: <see cref="RetrievalTask"/>.</summary>
    Softmax,
    /// <summary>BPR over (positive, negative) pairs: <see cref="RankingLoss.Bpr"/>.</summary>
    Bpr,
    /// <summary>Hinge over (positive, negative) pairs with <see cref="TaskRecipe.Margin"/>: <see cref="RankingLoss.Hinge"/>.</summary>
    Hinge,
    /// <summary>Binary cross-entropy, the positive against every in-batch negative: <see cref="RankingLoss.SampledBce"/>.</summary>
    SampledBce,
    /// <summary>Binary cross-entropy of each example's score against its label (click data): <see cref="RankingLoss.LabelBce"/>.</summary>
    LabelBce,
}

/// <summary>How the sampling bias of in-batch negatives is corrected (logQ, Yi et al. 2019).</summary>
public enum LogQKind
{
    /// <summary>No correction.</summary>
    None,
    /// <summary>log q from each item's training count.</summary>
    Counts,
    /// <summary>log q estimated while training from the steps between an item's appearances (<see cref="StreamingLogQ"/>).</summary>
    Streaming,
}

/// <summary>Where extra sampled negatives are drawn from (mixed negative sampling, Yang et al. 2020).</summary>
public enum SamplerKind
{
    /// <summary>Uniformly over the training catalogue.</summary>
    Uniform,
    /// <summary>In proportion to training count^<see cref="NegativesRecipe.Power"/>.</summary>
    Popularity,
}

/// <summary>What a softmax row is scored against.</summary>
public enum CandidateKind
{
    /// <summary>The batch's own items (sampled softmax, corrected by logQ), plus any extra sampled negatives.</summary>
    InBatch,
    /// <summary>Every training item (full softmax: one B×N product per step; no sampling, so no logQ correction).</summary>
    Catalogue,
}

/// <summary>What one training example is.</summary>
public enum ExampleKind
{
    /// <summary>An interaction: the user tower's input against the interaction's item.</summary>
    Interactions,
    /// <summary>A user: their whole training history against all of its items at once, over the full catalogue (Mult-DAE's multinomial log-likelihood).</summary>
    Users,
}

/// <summary>How much each user's term weighs when examples are users.</summary>
public enum UserWeight
{
    /// <summary>The sum of the user's items' log-likelihoods: a user weighs as many items as they have (Mult-DAE's).</summary>
    Items,
    /// <summary>Their mean: every user weighs the same, as in the per-user ranking metrics.</summary>
    Equal,
}

/// <summary>Extra negatives per batch beside the in-batch ones.</summary>
public sealed record NegativesRecipe
{
    /// <summary>Sampled negatives per batch; 0: in-batch only. Default 0.</summary>
    public int Count { get; init; }
    /// <summary>The sampler. Default uniform.</summary>
    public SamplerKind Sampler { get; init; } = SamplerKind.Uniform;
    /// <summary>Exponent of the training count for the popularity sampler (word2vec's 0.75). Default 0.75.</summary>
    public float Power { get; init; } = 0.75f;
}

/// <summary>The task: loss, temperature, logQ, accidental hits, hard and sampled negatives.</summary>
public sealed record TaskRecipe
{
    /// <summary>The loss. Default softmax.</summary>
    public LossKind Loss { get; init; } = LossKind.Softmax;
    /// <summary>Softmax only: what a training example is; users need <see cref="CandidateKind.Catalogue"/>. Default interactions.</summary>
    public ExampleKind Examples { get; init; } = ExampleKind.Interactions;
    /// <summary>With user examples: how each user's term weighs. Default items (the sum).</summary>
    public UserWeight UserWeight { get; init; } = UserWeight.Items;
    /// <summary>
    /// With user examples: the share of each user's items held out of their history at every step,
    /// the held-out ones the only targets (predict the unseen from the seen, as evaluation asks); 0:
    /// every item is a target (Mult-DAE). Default 0.
    /// </summary>
    public float HoldOut { get; init; }
    /// <summary>Softmax only: the candidates each row is scored against. Default in-batch.</summary>
    public CandidateKind Candidates { get; init; } = CandidateKind.InBatch;
    /// <summary>Temperature τ: scores are divided by it. Default 0.1 (chosen on validation: docs/experiments.md).</summary>
    public float Temperature { get; init; } = 0.1f;
    /// <summary>Softmax only: also the candidate→query direction (symmetric InfoNCE), averaged. Default false.</summary>
    public bool Symmetric { get; init; }
    /// <summary>Softmax only: the logQ correction. Default counts.</summary>
    public LogQKind LogQ { get; init; } = LogQKind.Counts;
    /// <summary>Hash cells of the streaming logQ estimator. Default 1,048,576.</summary>
    public int LogQBuckets { get; init; } = 1 << 20;
    /// <summary>Learning rate of the streaming logQ estimator. Default 0.01.</summary>
    public float LogQRate { get; init; } = 0.01f;
    /// <summary>Mask in-batch columns that hold a row's own positive item. Default true.</summary>
    public bool RemoveAccidentalHits { get; init; } = true;
    /// <summary>Keep only this many highest-scoring negatives per row; 0: all. Default 0.</summary>
    public int HardNegatives { get; init; }
    /// <summary>Hinge margin. Default 1.</summary>
    public float Margin { get; init; } = 1;
    /// <summary>Extra sampled negatives. Default none.</summary>
    public NegativesRecipe Negatives { get; init; } = new();

    /// <summary>The task for items with training counts <paramref name="counts"/> (index = item id).</summary>
    public ITask Build(ReadOnlySpan<int> counts)
    {
        var tweaks = new List<ILogitsTweak>();
        // The full catalogue is not a sample (no log q) and holds each item once (no accidental hits).
        bool sampled = Candidates == CandidateKind.InBatch;
        if (sampled && Loss == LossKind.Softmax && LogQ == LogQKind.Counts) tweaks.Add(new LogQFromCounts(counts));
        if (sampled && Loss == LossKind.Softmax && LogQ == LogQKind.Streaming) tweaks.Add(new StreamingLogQ(LogQBuckets, LogQRate));
        if (sampled && RemoveAccidentalHits) tweaks.Add(new RemoveAccidentalHits());
        if (HardNegatives > 0) tweaks.Add(new HardNegatives(HardNegatives));
        return Loss switch
        {
            LossKind.Softmax => new RetrievalTask(new RetrievalOptions { Temperature = Temperature, Symmetric = Symmetric }, [.. tweaks]),
            LossKind.Bpr => new RankingLossTask(RankingLoss.Bpr, Temperature, Margin, [.. tweaks]),
            LossKind.Hinge => new RankingLossTask(RankingLoss.Hinge, Temperature, Margin, [.. tweaks]),
            LossKind.SampledBce => new RankingLossTask(RankingLoss.SampledBce, Temperature, Margin, [.. tweaks]),
            _ => new RankingLossTask(RankingLoss.LabelBce, Temperature, Margin, [.. tweaks]),
        };
    }

    /// <summary>The sampler of extra negatives over the catalogue <paramref name="items"/>, or null without them.</summary>
    public INegativeSampler? Sampler(IReadOnlyList<int> items, ReadOnlySpan<int> counts, int seed)
    {
        if (Negatives.Count == 0) return null;
        if (Negatives.Sampler == SamplerKind.Uniform) return new UniformSampler(items, seed);
        var weights = new float[counts.Length];
        foreach (int i in items) weights[i] = MathF.Pow(counts[i], Negatives.Power);
        return new PopularitySampler(weights, seed);
    }

    internal void Validate(RecipeErrors errors)
    {
        errors.Positive("task.temperature", Temperature);
        errors.AtLeast("task.hardNegatives", HardNegatives, 0);
        errors.AtLeast("task.negatives.count", Negatives.Count, 0);
        errors.AtLeast("task.logQBuckets", LogQBuckets, 1);
        errors.Positive("task.logQRate", LogQRate);
        if (!(Negatives.Power >= 0)) errors.Field("task.negatives.power", Negatives.Power, "must be 0 or more (0.75 is word2vec's)");
        if (Symmetric && Loss != LossKind.Softmax) errors.Field("task.symmetric", Symmetric, $"applies to the softmax loss only; the loss is {Loss}");
        if (Loss != LossKind.Softmax && LogQ != LogQKind.Counts && LogQ != LogQKind.None) errors.Field("task.logQ", LogQ, "applies to the softmax loss only");
        if (Examples == ExampleKind.Users)
        {
            if (Loss != LossKind.Softmax) errors.Field("task.examples", "users", $"applies to the softmax loss only; the loss is {Loss}");
            if (Candidates != CandidateKind.Catalogue) errors.Field("task.examples", "users", "scores each user against the whole catalogue; set task.candidates to catalogue");
            if (HardNegatives > 0) errors.Field("task.hardNegatives", HardNegatives, "needs one target per row; set it to 0 or task.examples to interactions");
        }
        if (!(HoldOut >= 0 && HoldOut < 1)) errors.Field("task.holdOut", HoldOut, "must be in [0, 1)");
        if (HoldOut > 0 && Examples != ExampleKind.Users) errors.Field("task.holdOut", HoldOut, "splits a user's items into input and targets; set task.examples to users");
        if (Candidates == CandidateKind.Catalogue)
        {
            if (Loss != LossKind.Softmax) errors.Field("task.candidates", "catalogue", $"applies to the softmax loss only; the loss is {Loss}");
            if (Symmetric) errors.Field("task.symmetric", Symmetric, "needs in-batch candidates (the item→user direction ranks the batch's users); set task.candidates to inBatch");
            if (Negatives.Count > 0) errors.Field("task.negatives.count", Negatives.Count, "adds nothing to the full catalogue; set it to 0 or task.candidates to inBatch");
        }
    }
}
