using Tandem.IO;
using Tandem.Models.Persistence;
using Tandem.Models.Ranking;
using Tandem.Models.Towers;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Models.Reranking;

/// <summary>
/// One query of a re-ranker's training or validation set: row <paramref name="Query"/> of the query features, the first
/// stage's candidates (rows of the candidate features) with their first-stage scores, and the index in
/// <paramref name="Candidates"/> of the relevant one (-1 when the first stage missed it).
/// </summary>
public sealed record RerankQuery(int Query, int[] Candidates, float[] Priors, int Positive);

/// <summary>
/// The last, slowest stage of a cascade: a small network that reads a query and a candidate together instead of
/// comparing two separately made vectors. A pair's input is the query's features, the candidate's, and a learned
/// interaction (their projections multiplied element-wise); an MLP maps it to a correction added to the first stage's
/// score times a learned weight, so the encoder starts from the first stage's ranking. Trained listwise: each query's
/// positive against hard negatives drawn from the first stage's own top candidates, the epoch kept by validation MRR.
/// Not thread-safe.
/// </summary>
public sealed class CrossEncoder
{
    const string Section = "cross-encoder";
    readonly Parameter queryProjection, candidateProjection, priorWeight;
    readonly Mlp mlp;
    readonly Rng rng;

    /// <summary>An untrained encoder of pairs of <paramref name="queryWidth"/>- and <paramref name="candidateWidth"/>-wide features; <paramref name="model"/> names what made them (checked on load).</summary>
    /// <exception cref="ModelException">A width or option is out of range.</exception>
    public CrossEncoder(int queryWidth, int candidateWidth, CrossEncoderOptions options, string model = "")
    {
        if (queryWidth < 1 || candidateWidth < 1) throw new ModelException($"A cross-encoder needs positive feature widths, got {queryWidth} and {candidateWidth}.");
        if (options.Interaction < 1 || options.Hidden.Any(h => h < 1) || options.Negatives < 1 || options.Epochs < 1 || options.BatchSize < 1 || !(options.LearningRate > 0))
            throw new ModelException("Cross-encoder options out of range: interaction, hidden widths, negatives, epochs and batchSize must be at least 1, learningRate above 0.");
        (QueryWidth, CandidateWidth, Options, Model) = (queryWidth, candidateWidth, options, model);
        var random = new Random(options.Seed);
        queryProjection = Init.Uniform("crossencoder.query", queryWidth, random, queryWidth, options.Interaction);
        candidateProjection = Init.Uniform("crossencoder.candidate", candidateWidth, random, candidateWidth, options.Interaction);
        priorWeight = Init.Fill("crossencoder.prior", options.PriorWeight, 1, 1);
        mlp = new Mlp("crossencoder.mlp", queryWidth + candidateWidth + options.Interaction, options.Hidden, 1, options.Dropout, random);
        rng = new Rng(options.Seed + 1);
    }

    /// <summary>Width of a query's features.</summary>
    public int QueryWidth { get; }
    /// <summary>Width of a candidate's features.</summary>
    public int CandidateWidth { get; }
    /// <summary>The architecture and training settings.</summary>
    public CrossEncoderOptions Options { get; }
    /// <summary>What made the features (e.g. the two-tower model's file name); empty when not set.</summary>
    public string Model { get; }

    IEnumerable<Parameter> Parameters => [queryProjection, candidateProjection, priorWeight, .. mlp.Parameters];

    /// <summary>[pairs, 1] logits of pairs whose query rows, candidate rows and first-stage scores are given.</summary>
    Variable Logits(Tape tape, Variable queries, Variable candidates, Variable priors, bool training)
    {
        var interaction = tape.Multiply(tape.MatMul(queries, queryProjection), tape.MatMul(candidates, candidateProjection));
        var correction = mlp.Forward(tape, tape.Concat(queries, candidates, interaction), rng, training);
        return tape.Add(correction, tape.MatMul(priors, priorWeight));
    }

    /// <summary>
    /// <c>scores[i]</c> for the query against candidate i (row i of <paramref name="candidates"/>, first-stage score
    /// <c>priors[i]</c>); higher is better.
    /// </summary>
    /// <exception cref="ArgumentException">A length disagrees with the widths.</exception>
    public void Score(ReadOnlySpan<float> query, ReadOnlySpan<float> candidates, ReadOnlySpan<float> priors, Span<float> scores)
    {
        int n = priors.Length;
        if (query.Length != QueryWidth || candidates.Length != n * CandidateWidth || scores.Length != n)
            throw new ArgumentException($"The cross-encoder scores a {QueryWidth}-wide query against n {CandidateWidth}-wide candidates with n priors and n scores; got {query.Length}, {candidates.Length}, {n} and {scores.Length}.");
        if (n == 0) return;
        var repeated = new float[n * QueryWidth];
        for (int i = 0; i < n; i++) query.CopyTo(repeated.AsSpan(i * QueryWidth));
        using var tape = new Tape();
        using var _ = tape.NoGrad();
        var logits = Logits(tape, tape.Constant(repeated, n, QueryWidth), tape.Constant(candidates, n, CandidateWidth), tape.Constant(priors, n, 1), training: false);
        logits.Value.Span.CopyTo(scores);
    }

    /// <summary>
    /// Trains on <paramref name="train"/> (queries whose positive the first stage missed take it in place of its last
    /// candidate), keeping the epoch with the best MRR on <paramref name="validation"/>; returns each epoch's validation MRR.
    /// <paramref name="queries"/> and <paramref name="candidates"/> are the feature rows the sets index.
    /// </summary>
    /// <exception cref="ModelException">No training query has two candidates.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public IReadOnlyList<double> Train(float[] queries, float[] candidates, IReadOnlyList<RerankQuery> train, IReadOnlyList<RerankQuery> validation, CancellationToken cancel = default)
    {
        var usable = train.Where(q => q.Candidates.Length >= 2).Select(WithPositive).ToArray();
        if (usable.Length == 0) throw new ModelException("The cross-encoder has no training query with at least two first-stage candidates.");
        int group = 1 + Options.Negatives;
        var state = new ModelState([.. Parameters], [], []);
        using var adam = new Adam(Parameters, Options.LearningRate);
        using var tape = new Tape();
        var history = new List<double>();
        ModelSnapshot? best = null;
        double bestMrr = double.NegativeInfinity;
        int sinceBest = 0;
        try
        {
            for (int epoch = 0; epoch < Options.Epochs; epoch++)
            {
                rng.Shuffle(usable);
                for (int start = 0; start < usable.Length; start += Options.BatchSize)
                {
                    cancel.ThrowIfCancellationRequested();
                    var batch = usable.AsSpan(start, Math.Min(Options.BatchSize, usable.Length - start));
                    var (q, c, p) = Groups(queries, candidates, batch, group);
                    tape.Reset();
                    adam.ZeroGrad();
                    var logits = Logits(tape, tape.Constant(q, batch.Length * group, QueryWidth), tape.Constant(c, batch.Length * group, CandidateWidth),
                        tape.Constant(p, batch.Length * group, 1), training: true);
                    var loss = tape.SoftmaxCrossEntropy(tape.Reshape(logits, batch.Length, group), new int[batch.Length]);
                    tape.Backward(loss);
                    adam.Step();
                }
                double mrr = Mrr(queries, candidates, validation);
                history.Add(mrr);
                if (mrr > bestMrr)
                {
                    (bestMrr, sinceBest) = (mrr, 0);
                    best?.Dispose();
                    best = ModelSnapshot.Of(state);
                }
                else if (Options.Patience > 0 && ++sinceBest >= Options.Patience) break;
            }
            best?.CopyTo(state);
        }
        finally
        {
            best?.Dispose();
        }
        return history;
    }

    static RerankQuery WithPositive(RerankQuery q) => q.Positive >= 0 ? q : q with { Positive = q.Candidates.Length - 1 };

    /// <summary>Each query's positive (slot 0) and <c>group - 1</c> negatives drawn from its other candidates (with replacement when there are too few).</summary>
    (float[] Queries, float[] Candidates, float[] Priors) Groups(float[] queries, float[] candidates, ReadOnlySpan<RerankQuery> batch, int group)
    {
        var q = new float[batch.Length * group * QueryWidth];
        var c = new float[batch.Length * group * CandidateWidth];
        var p = new float[batch.Length * group];
        var others = new List<int>();
        for (int b = 0; b < batch.Length; b++)
        {
            var query = batch[b];
            others.Clear();
            for (int i = 0; i < query.Candidates.Length; i++) if (i != query.Positive) others.Add(i);
            for (int g = 0; g < group; g++)
            {
                int pick;
                if (g == 0) pick = query.Positive;
                else if (others.Count >= group - 1) { int j = rng.Next(g - 1, others.Count); (others[g - 1], others[j]) = (others[j], others[g - 1]); pick = others[g - 1]; }
                else pick = others[rng.Next(others.Count)];
                int row = b * group + g;
                queries.AsSpan(query.Query * QueryWidth, QueryWidth).CopyTo(q.AsSpan(row * QueryWidth));
                candidates.AsSpan(query.Candidates[pick] * CandidateWidth, CandidateWidth).CopyTo(c.AsSpan(row * CandidateWidth));
                p[row] = query.Priors[pick];
            }
        }
        return (q, c, p);
    }

    /// <summary>
    /// The candidates of <paramref name="query"/> in this encoder's order, best first (indices into its candidates);
    /// ties keep the first stage's order.
    /// </summary>
    public int[] Rerank(float[] queries, float[] candidates, RerankQuery query)
    {
        int n = query.Candidates.Length;
        var rows = new float[n * CandidateWidth];
        for (int i = 0; i < n; i++) candidates.AsSpan(query.Candidates[i] * CandidateWidth, CandidateWidth).CopyTo(rows.AsSpan(i * CandidateWidth));
        var scores = new float[n];
        Score(queries.AsSpan(query.Query * QueryWidth, QueryWidth), rows, query.Priors, scores);
        return [.. Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i)];
    }

    /// <summary>Mean reciprocal rank of the positive after re-ranking, over the queries whose positive the first stage found.</summary>
    public double Mrr(float[] queries, float[] candidates, IReadOnlyList<RerankQuery> set)
    {
        var found = set.Where(q => q.Positive >= 0).ToArray();
        return found.Length == 0 ? 0 : found.Average(q => 1.0 / (Array.IndexOf(Rerank(queries, candidates, q), q.Positive) + 1));
    }

    sealed record Header(int QueryWidth, int CandidateWidth, string Model, CrossEncoderOptions Options);

    /// <summary>Saves the encoder (its widths, model name, options and parameters) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="TandemFileException">The file cannot be written; a previous file is left as it was.</exception>
    public void Save(string path)
    {
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddJson(Section, new Header(QueryWidth, CandidateWidth, Model, Options));
        ParameterSections.Write(writer, Parameters);
        writer.Save(path);
    }

    /// <summary>
    /// Loads an encoder saved by <see cref="Save"/>; with <paramref name="queryWidth"/>, <paramref name="candidateWidth"/> or
    /// <paramref name="model"/> set, one built for other features is refused with an error naming the file.
    /// </summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt, not a cross-encoder, or built for other features.</exception>
    public static CrossEncoder Load(string path, int? queryWidth = null, int? candidateWidth = null, string? model = null)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        if (!reader.Contains(Section)) FileThrow.File(path, "it is a model file but not a cross-encoder; train one with `tandem rerank train`");
        var header = reader.ReadJson<Header>(Section);
        if (queryWidth is { } q && q != header.QueryWidth || candidateWidth is { } c && c != header.CandidateWidth)
            FileThrow.Mismatch(path, $"the cross-encoder reads {header.QueryWidth}-wide queries and {header.CandidateWidth}-wide candidates but was given {queryWidth}- and {candidateWidth}-wide ones");
        if (model is not null && model != header.Model)
            FileThrow.Mismatch(path, $"the cross-encoder was trained on the features of model '{header.Model}', not '{model}'");
        var encoder = new CrossEncoder(header.QueryWidth, header.CandidateWidth, header.Options, header.Model);
        ParameterSections.Read(reader, encoder.Parameters);
        return encoder;
    }
}
