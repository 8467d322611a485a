using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Models.Calibration;
using Tandem.Models.Persistence;
using Tandem.Models.Recipes;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Models.Training;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Ranking;

/// <summary>
/// A click-through-rate model, the ranking stage: field embeddings of one width k and a
/// <see cref="RankerKind"/> head giving one logit per impression, trained with binary cross-entropy
/// on click labels by <see cref="Trainer"/>. Logistic regression sums the fields' weights; DeepFM adds
/// the FM pairwise term and an MLP; DCN-v2 runs cross layers and an MLP, stacked or parallel; the
/// DIN-style model pools the user's history by target attention to the candidate item before its
/// MLP; the two-tower pCTR model has user/context and item fields meet only in <c>a·⟨u, v⟩ + c</c>,
/// and its multi-task variant adds an in-batch softmax retrieval loss (a <see cref="RetrievalTask"/>)
/// over the clicked pairs; Wide &amp; Deep sums the linear term and an MLP.
/// <see cref="Calibration"/> turns logits into click probabilities. Not thread-safe: train and score from one thread.
/// </summary>
public sealed class Ranker : ITrainable
{
    readonly RankerField[] fields, itemFields;
    readonly Parameter bias;
    readonly Mlp? mlp, itemTower;
    readonly Parameter[] crossWeights = [], crossBiases = [];
    readonly Dense? head;
    readonly Parameter? scale, shift, historyTable;
    readonly string? history;
    readonly RankerField? target;
    readonly Rng dropoutRng;
    readonly RetrievalTask? retrieval;
    readonly StreamingLogQ? logQ;
    readonly string? itemId;
    readonly CandidateBatch candidates = new();
    int[] clickedRows = [];

    /// <summary>An untrained ranker of <paramref name="options"/> over <paramref name="features"/>, initialised from <paramref name="seed"/>.</summary>
    /// <exception cref="ModelException">A named feature is unknown or unreadable, the two-tower model has no item fields, or DIN has no history or item id.</exception>
    public Ranker(FittedFeatures features, RankerRecipe options, int seed)
    {
        Features = features;
        Options = options;
        var rng = new Random(seed);
        dropoutRng = new Rng(rng.Next());
        int k = options.EmbeddingDimension;
        var all = RankerField.Of(features, options.Features, k, rng);
        bias = Init.Fill("ranker.bias", 0, 1);
        switch (options.Model)
        {
            case RankerKind.Logistic:
                fields = all;
                itemFields = [];
                break;
            case RankerKind.TwoTower or RankerKind.MultiTask:
                var itemNames = options.ItemFeatures ?? [.. features.Schema.Features.Where(f => f.Tower == Tower.Item).Select(f => f.Name)];
                itemFields = [.. all.Where(f => itemNames.Contains(f.Spec.Name))];
                fields = [.. all.Where(f => !itemNames.Contains(f.Spec.Name))];
                if (itemFields.Length == 0 || fields.Length == 0)
                    throw new ModelException($"the two-tower ranker needs fields on both sides; it has {fields.Length} user/context and {itemFields.Length} item fields: set ranker.itemFeatures to the item side's features");
                mlp = new Mlp("ranker.user", fields.Length * k, options.Hidden, options.OutputDimension, options.Dropout, rng);
                itemTower = new Mlp("ranker.item", itemFields.Length * k, options.Hidden, options.OutputDimension, options.Dropout, rng);
                scale = Init.Fill("ranker.scale", 1, 1, 1);
                shift = Init.Fill("ranker.shift", 0, 1);
                if (options.Model == RankerKind.MultiTask)
                {
                    // In-batch items are drawn in proportion to their clicks, so the softmax is corrected by log q
                    // (streamed, as the two-tower task does) and repeats of an item are masked. Without an item
                    // id (Criteo's anonymous columns) no two columns are known to be one item: neither applies.
                    itemId = features.Schema.Interactions.Item is null ? null : itemFields.FirstOrDefault(f => f.Spec.Kind == FeatureKind.Id && f.Spec.Column == features.Schema.Interactions.Item)?.Name;
                    logQ = itemId is null ? null : new StreamingLogQ(((CategoricalEncoder)features[itemId]).Cardinality, name: "ranker.logq");
                    retrieval = new RetrievalTask(new RetrievalOptions { Temperature = options.Temperature }, [.. logQ is null ? Array.Empty<ILogitsTweak>() : [logQ, new RemoveAccidentalHits()]]);
                }
                break;
            case RankerKind.DeepFm or RankerKind.WideDeep:
                fields = all;
                itemFields = [];
                mlp = new Mlp("ranker.mlp", all.Length * k, options.Hidden, 1, options.Dropout, rng);
                break;
            case RankerKind.DcnV2:
                fields = all;
                itemFields = [];
                int d = all.Length * k;
                crossWeights = new Parameter[options.CrossLayers];
                crossBiases = new Parameter[options.CrossLayers];
                for (int l = 0; l < crossWeights.Length; l++)
                {
                    crossWeights[l] = Init.Uniform($"ranker.cross{l}.w", d, rng, d, d);
                    crossBiases[l] = Init.Fill($"ranker.cross{l}.b", 0, d);
                }
                mlp = new Mlp("ranker.mlp", d, options.Hidden, 0, options.Dropout, rng);
                head = new Dense("ranker.head", options.Cross == CrossStructure.Parallel ? d + mlp.Width : mlp.Width, 1, rng);
                break;
            default:
                fields = all;
                itemFields = [];
                history = options.History ?? features.Schema.Features.SingleOrDefault(f => f.Kind == FeatureKind.Sequence)?.Name
                    ?? throw new ModelException($"the DIN ranker needs the user's history: declare one sequence feature in the schema or name it in ranker.history");
                var spec = features.Schema.Features.FirstOrDefault(f => f.Name == history && f.Kind == FeatureKind.Sequence)
                    ?? throw new ModelException($"ranker.history names '{history}', which is not a sequence feature of the schema");
                string item = ModelRecipe.IdFeature(features.Schema, Tower.Item);
                target = all.FirstOrDefault(f => f.Name == item)
                    ?? throw new ModelException($"the DIN ranker attends to the candidate item's embedding: add the item id feature '{item}' to ranker.features");
                // History and candidate share one table when their vocabularies agree (the same column fitted on the same rows).
                historyTable = SameVocabulary(features, item, history) ? null : Init.Table($"ranker.{history}.embedding", ((CategoricalEncoder)features[history]).Cardinality, k, 0.01f, rng, sparse: true);
                mlp = new Mlp("ranker.mlp", (all.Length + 1) * k, options.Hidden, 1, options.Dropout, rng);
                break;
        }
    }

    /// <summary>The fitted features (saved with the model).</summary>
    public FittedFeatures Features { get; }
    /// <summary>The ranker's options.</summary>
    public RankerRecipe Options { get; }
    /// <summary>The recipe the ranker was built from (saved with it); null for one built by hand.</summary>
    public ModelRecipe? Recipe { get; init; }
    /// <summary>How logits become click probabilities; the sigmoid until calibrated. Saved with the model.</summary>
    public Calibrator Calibration { get; set; } = Calibrator.Sigmoid;

    /// <summary>Every trainable parameter.</summary>
    public IEnumerable<Parameter> Parameters =>
        fields.Concat(itemFields).SelectMany(f => f.Parameters).Append(bias)
            .Concat(mlp?.Parameters ?? []).Concat(itemTower?.Parameters ?? [])
            .Concat(crossWeights.Zip(crossBiases).SelectMany(c => new[] { c.First, c.Second }))
            .Concat(head?.Parameters ?? []).Concat(new[] { scale, shift, historyTable }.OfType<Parameter>());

    /// <inheritdoc/>
    public ModelState State => new([.. Parameters], [.. logQ?.Buffers ?? []], [("ranker.dropout", dropoutRng)]);

    /// <inheritdoc/>
    public Variable Loss(Tape tape, Batch batch, long step)
    {
        var input = TowerInput.From(batch);
        var labels = batch.Labels.Span;
        var weights = batch.Weights.Span;
        if (Options.Model is not (RankerKind.TwoTower or RankerKind.MultiTask)) return tape.BceWithLogits(Forward(tape, input, training: true), labels, weights);
        var (u, v) = Towers(tape, input, training: true);
        var bce = tape.ScaledBceWithLogits(Dot(tape, u, v), scale!, shift!, labels, weights);
        if (retrieval is null || Options.RetrievalWeight == 0) return bce;
        var clicked = Clicked(labels[..input.Count]);
        if (clicked.IsEmpty) return bce;
        candidates.Reset(clicked.Length, clicked.Length);
        candidates.Step = step;
        for (int i = 0; i < clicked.Length; i++) candidates.Items[i] = itemId is null ? i : input[itemId].Ids[clicked[i]];
        var loss = retrieval.Loss(tape, tape.Embedding(u, clicked), tape.Embedding(v, clicked), candidates);
        return tape.Add(bce, tape.Scale(loss, Options.RetrievalWeight));
    }

    /// <summary>The rows labelled clicks (in a buffer reused from step to step): the retrieval loss's queries, and their items its in-batch candidates.</summary>
    ReadOnlySpan<int> Clicked(ReadOnlySpan<float> labels)
    {
        if (clickedRows.Length < labels.Length) clickedRows = new int[labels.Length];
        int n = 0;
        for (int r = 0; r < labels.Length; r++) if (labels[r] > 0.5f) clickedRows[n++] = r;
        return clickedRows.AsSpan(0, n);
    }

    /// <summary>The logit of every impression <paramref name="rows"/> of <paramref name="data"/>, in that order (evaluation mode).</summary>
    public float[] Logits(EncodedData data, ReadOnlySpan<int> rows, int batchSize = 4096)
    {
        var result = new float[rows.Length];
        using var batcher = new Batcher(data, rows, new BatchOptions { BatchSize = batchSize, Shuffle = false });
        using var tape = new Tape();
        int at = 0;
        using (tape.NoGrad())
            foreach (var batch in batcher.Epoch(0))
            {
                Forward(tape, TowerInput.From(batch), training: false).Value.Span.CopyTo(result.AsSpan(at));
                at += batch.Count;
                tape.Reset();
            }
        return result;
    }

    /// <summary>The logit of every example of <paramref name="input"/> (evaluation mode), e.g. pairs a pipeline composed.</summary>
    public float[] Logits(TowerInput input)
    {
        using var tape = new Tape();
        using (tape.NoGrad()) return Forward(tape, input, training: false).Value.Span.ToArray();
    }

    /// <summary>
    /// Two-tower and multi-task: the user/context tower's and the item tower's outputs for the
    /// impressions <paramref name="rows"/> of <paramref name="data"/> (rows × <see cref="RankerRecipe.OutputDimension"/> each, row-major),
    /// whose inner product is the retrieval score.
    /// </summary>
    /// <exception cref="ModelException">The ranker has no towers.</exception>
    public (float[] Users, float[] Items) TowerOutputs(EncodedData data, ReadOnlySpan<int> rows)
    {
        if (itemTower is null) throw new ModelException($"a {Options.Model} ranker has no towers; only twoTower and multiTask do");
        int d = itemTower.Width;
        float[] users = new float[rows.Length * d], items = new float[rows.Length * d];
        using var batcher = new Batcher(data, rows, new BatchOptions { BatchSize = 4096, Shuffle = false });
        using var tape = new Tape();
        int at = 0;
        using (tape.NoGrad())
            foreach (var batch in batcher.Epoch(0))
            {
                var (u, v) = Towers(tape, TowerInput.From(batch), training: false);
                u.Value.Span.CopyTo(users.AsSpan(at * d));
                v.Value.Span.CopyTo(items.AsSpan(at * d));
                at += batch.Count;
                tape.Reset();
            }
        return (users, items);
    }

    /// <summary>The calibrated click probability of every impression <paramref name="rows"/> of <paramref name="data"/>.</summary>
    public float[] Probabilities(EncodedData data, ReadOnlySpan<int> rows) => Calibration.Probabilities(Logits(data, rows));

    /// <summary>The two towers' outputs (B × d each).</summary>
    (Variable User, Variable Item) Towers(Tape tape, TowerInput input, bool training) =>
        (mlp!.Forward(tape, Encode(tape, input, fields).Embeddings, dropoutRng, training),
         itemTower!.Forward(tape, Encode(tape, input, itemFields).Embeddings, dropoutRng, training));

    static Variable Dot(Tape tape, Variable u, Variable v) => RowSum(tape, tape.Multiply(u, v));

    /// <summary>One logit per example (B×1).</summary>
    Variable Forward(Tape tape, TowerInput input, bool training)
    {
        if (itemTower is not null)
        {
            var (u, v) = Towers(tape, input, training);
            return tape.Add(tape.MatMul(Dot(tape, u, v), scale!), shift!);
        }
        var (embeddings, linear) = Encode(tape, input, fields);
        var withBias = tape.Add(linear, bias);
        switch (Options.Model)
        {
            case RankerKind.Logistic:
                return withBias;
            case RankerKind.WideDeep:
                return tape.Add(withBias, mlp!.Forward(tape, embeddings, dropoutRng, training));
            case RankerKind.DeepFm:
                return tape.Add(tape.Add(withBias, tape.FmInteraction(embeddings, fields.Length)), mlp!.Forward(tape, embeddings, dropoutRng, training));
            case RankerKind.DcnV2:
                var x = embeddings;
                for (int l = 0; l < crossWeights.Length; l++) x = tape.Cross(embeddings, x, crossWeights[l], crossBiases[l]);
                var deep = Options.Cross == CrossStructure.Stacked
                    ? mlp!.Forward(tape, x, dropoutRng, training)
                    : tape.Concat(x, mlp!.Forward(tape, embeddings, dropoutRng, training));
                return head!.Apply(tape, deep);
            default:
                var h = input[history!];
                int n = input.Count, steps = Features.Schema[history!].MaxLength;
                var keys = tape.Embedding(historyTable ?? target!.Embedding, h.Ids.AsSpan(0, n * steps));
                var attended = tape.TargetAttention(keys, target!.Encode(tape, input).Embedding, h.Lengths.AsSpan(0, n));
                return mlp!.Forward(tape, tape.Concat(embeddings, attended), dropoutRng, training);
        }
    }

    /// <summary>The fields' embeddings side by side (B × fields·k) and the sum of their linear terms (B×1).</summary>
    static (Variable Embeddings, Variable Linear) Encode(Tape tape, TowerInput input, RankerField[] fields)
    {
        var e = new Variable[fields.Length];
        var w = new Variable[fields.Length];
        for (int i = 0; i < fields.Length; i++) (e[i], w[i]) = fields[i].Encode(tape, input);
        return (e.Length == 1 ? e[0] : tape.Concat(e), RowSum(tape, w.Length == 1 ? w[0] : tape.Concat(w)));
    }

    static Variable RowSum(Tape tape, Variable x)
    {
        var ones = new float[x.Cols];
        Array.Fill(ones, 1f);
        return tape.MatMul(x, tape.Constant(ones, x.Cols, 1));
    }

    static bool SameVocabulary(FittedFeatures features, string a, string b) =>
        ((CategoricalEncoder)features[a]).Vocabulary is { } va && ((CategoricalEncoder)features[b]).Vocabulary is { } vb
        && va.Size == vb.Size && Enumerable.Range(1, va.Size - 1).All(i => va.Token(i) == vb.Token(i));
}
