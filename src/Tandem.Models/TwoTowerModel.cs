using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Models.Persistence;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models;

/// <summary>
/// A user tower, an item tower, the task that owns the loss and the fitted features they read.
/// Optionally a sampler of extra negatives (mixed negative sampling), embedded by the item tower
/// from the <see cref="ItemInputs"/>. Not thread-safe: train and embed from one thread.
/// </summary>
public sealed class TwoTowerModel : Training.ITrainable
{
    readonly CandidateBatch candidates = new();
    int[] extraItems = [];
    float[] extraLogQ = [];
    int[] catalogueItems = [], columnOf = [];

    /// <summary>A model of the given parts; <paramref name="itemFeature"/> is the item id feature that names candidates.</summary>
    /// <exception cref="ModelException">The towers are of the wrong sides or their output widths differ.</exception>
    public TwoTowerModel(FittedFeatures features, EncoderTower user, EncoderTower item, ITask task, string itemFeature)
    {
        if (user.Side != Tower.User || item.Side != Tower.Item)
            ModelThrow.Config($"The user tower must be built for the user side and the item tower for the item side; got {user.Side} and {item.Side}.");
        if (user.OutputDimension != item.OutputDimension)
            ModelThrow.Config($"The towers' output widths differ ({user.OutputDimension} and {item.OutputDimension}); scores are inner products, so set one OutputDimension for both.");
        if ((user.Vectors > 1 || item.Vectors > 1) && task is not LateInteractionTask)
            ModelThrow.Config($"The towers give {user.Vectors} user and {item.Vectors} item vectors per example; several vectors are scored by late interaction, so the task must be a {nameof(LateInteractionTask)}.");
        Features = features;
        User = user;
        Item = item;
        Task = task;
        ItemFeature = itemFeature;
    }

    /// <summary>The fitted features (saved with the model).</summary>
    public FittedFeatures Features { get; }
    /// <summary>The user (query) tower.</summary>
    public EncoderTower User { get; }
    /// <summary>The item (candidate) tower.</summary>
    public EncoderTower Item { get; }
    /// <summary>The task: the loss.</summary>
    public ITask Task { get; }
    /// <summary>The id feature that names items.</summary>
    public string ItemFeature { get; }
    /// <summary>Extra negatives per batch drawn from <see cref="Sampler"/> (mixed negative sampling); 0: in-batch only.</summary>
    public int ExtraNegatives { get; init; }
    /// <summary>The sampler of extra negatives, needed when <see cref="ExtraNegatives"/> is positive.</summary>
    public INegativeSampler? Sampler { get; init; }
    /// <summary>Where sampled negatives' features come from, needed when <see cref="ExtraNegatives"/> is positive or <see cref="FullSoftmax"/> is set.</summary>
    public ItemInputs? Catalogue { get; init; }
    /// <summary>
    /// Train against every item of <see cref="Catalogue"/> at each step (a full softmax: one B×N
    /// product) instead of the batch's own items; no sampling, so no logQ correction. Default false.
    /// </summary>
    public bool FullSoftmax { get; init; }

    /// <summary>
    /// If set, the trainer's batches hold each user's training history minus the example
    /// (<see cref="UserInputs.LeaveOneOutGathers"/>) instead of the causal one. Default null.
    /// </summary>
    public UserInputs? LeaveOneOutHistories { get; init; }

    /// <summary>
    /// If set, each batch row stands for its user: the user tower reads their whole training
    /// history and the targets are all of its items against <see cref="Catalogue"/> (a full
    /// multinomial softmax, Mult-DAE's loss); the trainer's rows must be <see cref="UserExamples.Rows"/>. Default null.
    /// </summary>
    public UserExamples? UserExamples { get; init; }

    /// <summary>With <see cref="UserExamples"/>: each user's term is the mean of their items' log-likelihoods (every user weighs the same) instead of their sum. Default false.</summary>
    public bool WeighUsersEqually { get; init; }

    /// <summary>
    /// With <see cref="UserExamples"/>: the share of each user's items held out of their history at
    /// every step (drawn from <see cref="HoldOutGenerator"/>), the held-out ones the only targets;
    /// 0: every item is a target. Default 0.
    /// </summary>
    public float HoldOut { get; init; }

    /// <summary>The generator of <see cref="HoldOut"/>'s draws (saved with checkpoints as <c>holdOut</c>). Default seeded with 0.</summary>
    public Rng HoldOutGenerator { get; init; } = new(0);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, IFeatureGather>? Gathers => UserExamples?.Gathers ?? LeaveOneOutHistories?.LeaveOneOutGathers;

    /// <summary>The recipe the model was built from (saved with it, so the file rebuilds it); null for a model built by hand.</summary>
    public Recipes.ModelRecipe? Recipe { get; init; }

    /// <summary>Rebuilds the model saved at <paramref name="path"/> from the file alone (<see cref="Persistence.TwoTowerModelFile"/>).</summary>
    /// <exception cref="Tandem.IO.TandemFileException">The file is missing, corrupt or not a model file.</exception>
    public static TwoTowerModel Load(string path) => Persistence.TwoTowerModelFile.Load(path);

    /// <summary>Saves the model, and <paramref name="catalogue"/> if given, to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ModelException">The model was built without a recipe.</exception>
    public void Save(string path, EmbeddedCatalogue? catalogue = null) => Persistence.TwoTowerModelFile.Save(path, this, catalogue);

    /// <summary>Training interactions per item id (index = id): logQ and popularity; saved with the model. Default empty.</summary>
    public int[] ItemCounts { get; init; } = [];

    /// <summary>Every trainable parameter: the user tower's, then the item tower's.</summary>
    public IEnumerable<Parameter> Parameters => User.Parameters.Concat(Item.Parameters);

    /// <summary>Every buffer (saved, not trained, e.g. batch norm's running statistics): the user tower's, the item tower's, then the task's.</summary>
    public IEnumerable<StateBuffer> Buffers => User.Buffers.Concat(Item.Buffers).Concat(Task.Buffers);

    /// <summary>Every generator a training step draws from: the towers' dropout, then the sampler's (<c>sampler</c>), then the hold-out's (<c>holdOut</c>).</summary>
    public IEnumerable<(string Name, Rng Rng)> Generators =>
        User.Generators.Concat(Item.Generators).Concat(Sampler is { } s ? [("sampler", s.Generator)] : [])
            .Concat(HoldOut > 0 ? [("holdOut", HoldOutGenerator)] : []);

    /// <summary>The parameters, buffers and generators together: what checkpoints and the best-epoch snapshot keep.</summary>
    public ModelState State => new([.. Parameters], [.. Buffers], [.. Generators]);

    /// <summary>The loss of one batch on <paramref name="tape"/> (training mode).</summary>
    public Variable Loss(Tape tape, Batch batch, long step)
    {
        var input = TowerInput.From(batch);
        int rows = batch.Count, extra = ExtraNegatives;
        var counts = UserExamples is null ? [] : new int[rows];
        var held = UserExamples is { } users && HoldOut > 0 ? users.HoldOut(batch.Rows.AsSpan(0, rows), HoldOut, HoldOutGenerator, input, counts) : default;
        var queries = User.Forward(tape, input, training: true);
        if (FullSoftmax || UserExamples is not null) return CatalogueLoss(tape, batch, input, queries, step, counts, held);
        var positives = Item.Forward(tape, input, training: true);
        candidates.Reset(rows, rows + extra);
        candidates.Step = step;
        input[ItemFeature].Ids.AsSpan(0, rows).CopyTo(candidates.Items);
        batch.Weights.Span.CopyTo(candidates.Weights);
        batch.Labels.Span.CopyTo(candidates.Labels);
        var all = positives;
        if (extra > 0)
        {
            if (Sampler is null || Catalogue is null)
                ModelThrow.Config($"ExtraNegatives is {extra}, but the model has no sampler or catalogue to draw them from.");
            if (extraItems.Length < extra) { extraItems = new int[extra]; extraLogQ = new float[extra]; }
            Sampler.Sample(extraItems.AsSpan(0, extra), extraLogQ.AsSpan(0, extra));
            extraItems.AsSpan(0, extra).CopyTo(candidates.Items.AsSpan(rows));
            // Sampled columns carry their sampler's log q; logQ tweaks fill only the in-batch positives' columns.
            extraLogQ.AsSpan(0, extra).CopyTo(candidates.LogQ.AsSpan(rows));
            var sampled = Item.Forward(tape, Catalogue.Input(extraItems.AsSpan(0, extra)), training: true);
            all = tape.ConcatRows(positives, sampled);
        }
        return Task.Loss(tape, queries, all, candidates);
    }

    /// <summary>
    /// The loss of <paramref name="queries"/> against the whole catalogue, each row's target the
    /// column of its item; with <see cref="UserExamples"/> the columns of all its user's items, or
    /// with <see cref="HoldOut"/> of the <paramref name="counts"/>[r] items <paramref name="held"/> out for row r.
    /// </summary>
    Variable CatalogueLoss(Tape tape, Batch batch, TowerInput input, Variable queries, long step, int[] counts, ReadOnlySpan<int> held)
    {
        if (Catalogue is null) ModelThrow.Config("FullSoftmax needs the catalogue of training items to score against.");
        int rows = batch.Count;
        if (columnOf.Length == 0)
        {
            catalogueItems = [.. Catalogue.Items];
            columnOf = new int[Catalogue.Cardinality];
            Array.Fill(columnOf, -1);
            for (int c = 0; c < catalogueItems.Length; c++) columnOf[catalogueItems[c]] = c;
        }
        var all = Item.Forward(tape, Catalogue.Input(catalogueItems), training: true);
        candidates.Reset(rows, catalogueItems.Length, inBatch: false);
        candidates.Step = step;
        catalogueItems.CopyTo(candidates.Items, 0);
        batch.Weights.Span.CopyTo(candidates.Weights);
        batch.Labels.Span.CopyTo(candidates.Labels);
        if (UserExamples is { } users)
        {
            if (HoldOut == 0)
                for (int r = 0; r < rows; r++) counts[r] = users.Items(batch.Rows[r]).Length;
            var targets = candidates.SetTargetCounts(counts);
            for (int r = 0, at = 0; r < rows; r++)
            {
                var items = HoldOut > 0 ? held.Slice(at, counts[r]) : users.Items(batch.Rows[r]);
                foreach (int item in items) targets[at++] = Column(item);
                if (WeighUsersEqually) candidates.Weights[r] /= Math.Max(1, counts[r]);
            }
        }
        else
        {
            var ids = input[ItemFeature].Ids;
            for (int r = 0; r < rows; r++) candidates.Targets[r] = Column(ids[r]);
        }
        return Task.Loss(tape, queries, all, candidates);
    }

    int Column(int item)
    {
        int c = columnOf[item];
        if (c < 0) ModelThrow.Config($"Item id {item} of a training row is not in the catalogue; a full softmax needs the catalogue of the rows it trains on.");
        return c;
    }

    /// <summary>
    /// Embeddings of a sequence of inputs by <paramref name="tower"/> (evaluation mode, no
    /// gradient): the rows of every input in order, as one [total·Vectors, d] tensor the caller owns.
    /// </summary>
    public static Tensor Embed(EncoderTower tower, IEnumerable<TowerInput> inputs)
    {
        var parts = new List<float[]>();
        int total = 0, d = tower.OutputDimension;
        // A multi-interest tower gives Vectors rows per input row.
        using var tape = new Tape();
        using (tape.NoGrad())
            foreach (var input in inputs)
            {
                var y = tower.Forward(tape, input, training: false);
                parts.Add(y.Value.Span.ToArray());
                total += input.Count * tower.Vectors;
                tape.Reset();
            }
        var result = Tensor.Empty(total, d);
        int at = 0;
        foreach (var p in parts)
        {
            p.CopyTo(result.Span[at..]);
            at += p.Length;
        }
        return result;
    }

    /// <summary>The item tower's embeddings of <paramref name="items"/> (rows in that order), in batches of <paramref name="batchSize"/>.</summary>
    public Tensor EmbedItems(ItemInputs catalogue, IReadOnlyList<int> items, int batchSize = 1024) =>
        Embed(Item, Chunks(items.Count, batchSize).Select(c => catalogue.Input(items.Skip(c.Start).Take(c.Count).ToArray())));

    /// <summary>Consecutive (start, count) chunks of at most <paramref name="size"/> covering 0..<paramref name="total"/>.</summary>
    public static IEnumerable<(int Start, int Count)> Chunks(int total, int size)
    {
        for (int s = 0; s < total; s += size) yield return (s, Math.Min(size, total - s));
    }
}
