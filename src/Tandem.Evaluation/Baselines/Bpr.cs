using System.Numerics.Tensors;
using Tandem.Evaluation.Ranking;
using Tandem.Tensors;

namespace Tandem.Evaluation.Baselines;

/// <summary>Options of <see cref="Bpr"/>. <c>new BprOptions()</c> gives the documented defaults.</summary>
public readonly record struct BprOptions
{
    /// <summary>Creates the defaults.</summary>
    public BprOptions() { }
    /// <summary>Factor width d (each item also has a bias). Default 64.</summary>
    public int Dimension { get; init; } = 64;
    /// <summary>SGD step size. Default 0.05.</summary>
    public float LearningRate { get; init; } = 0.05f;
    /// <summary>L2 weight on the factors and biases a step touches. Default 0.01 (0.001 overfits by epoch 10 on ml-latest-small's validation slice).</summary>
    public float Regularisation { get; init; } = 0.01f;
    /// <summary>Seed of the initialisation and of the sampled (user, positive, negative) triples. Default 42.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>
/// BPR matrix factorisation (Rendle et al. 2009): <c>score(u, i) = p_u · q_i + b_i</c>, trained by SGD on
/// the pairwise loss <c>−log σ(score(u, i) − score(u, j))</c> for a training pair (u, i) drawn uniformly
/// and a negative j drawn uniformly from the trained items u has not interacted with. One
/// <see cref="Epoch"/> draws as many triples as there are training pairs. Factors start as N(0, 0.1²)
/// (Box–Muller over <see cref="Rng"/>), biases at 0; the whole run is a function of the seed.
/// Items no user trained on score −∞. Not thread-safe: train and score from one thread at a time.
/// </summary>
public sealed class Bpr
{
    readonly UserItemSets training;
    readonly BprOptions options;
    readonly Rng rng;
    readonly int[] pairUsers;
    readonly int[] trainedItems;
    readonly bool[] trained;
    readonly int width;
    // Users: d factors then a constant 1; items: d factors then the bias. So score = one inner product of width d + 1.
    readonly float[] users, items;

    /// <summary>A model initialised for <paramref name="training"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is below 1, or the learning rate or regularisation is negative or not finite.</exception>
    public Bpr(UserItemSets training, BprOptions options)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (options.Dimension < 1) EvaluationThrow.OutOfRange($"Dimension is {options.Dimension}; it must be at least 1.", nameof(options.Dimension), options.Dimension);
        if (!(options.LearningRate > 0 && float.IsFinite(options.LearningRate)))
            EvaluationThrow.OutOfRange($"LearningRate is {options.LearningRate}; it must be positive and finite.", nameof(options.LearningRate), options.LearningRate);
        if (!(options.Regularisation >= 0 && float.IsFinite(options.Regularisation)))
            EvaluationThrow.OutOfRange($"Regularisation is {options.Regularisation}; it must be zero or positive and finite.", nameof(options.Regularisation), options.Regularisation);
        this.training = training;
        this.options = options;
        rng = new Rng(options.Seed);
        pairUsers = new int[training.TotalCount];
        for (int u = 0; u < training.UserCount; u++) pairUsers.AsSpan(training.Start(u), training[u].Length).Fill(u);
        trained = TrainedItems.Of(training);
        trainedItems = [.. Enumerable.Range(0, training.ItemCount).Where(i => trained[i])];
        width = options.Dimension + 1;
        users = new float[training.UserCount * width];
        items = new float[training.ItemCount * width];
        for (int u = 0; u < training.UserCount; u++)
        {
            Normal(users.AsSpan(u * width, options.Dimension));
            users[u * width + options.Dimension] = 1;
        }
        for (int i = 0; i < training.ItemCount; i++) Normal(items.AsSpan(i * width, options.Dimension));
    }

    /// <summary>Epochs trained so far.</summary>
    public int Epochs { get; private set; }

    /// <summary>One pass of SGD: as many sampled triples as training pairs.</summary>
    public void Epoch()
    {
        int d = options.Dimension;
        float lr = options.LearningRate, reg = options.Regularisation;
        var difference = new float[width];
        var user = new float[width];
        for (int step = 0; step < pairUsers.Length; step++)
        {
            int pair = rng.Next(pairUsers.Length), u = pairUsers[pair];
            var seen = training[u];
            int positive = seen[pair - training.Start(u)];
            if (seen.Length == trainedItems.Length) continue; // no negative to draw
            int negative;
            do negative = trainedItems[rng.Next(trainedItems.Length)];
            while (seen.BinarySearch(negative) >= 0);

            var p = users.AsSpan(u * width, width);
            var qi = items.AsSpan(positive * width, width);
            var qj = items.AsSpan(negative * width, width);
            TensorPrimitives.Subtract(qi, qj, difference);
            float g = 1 / (1 + MathF.Exp(TensorPrimitives.Dot<float>(p, difference))); // σ(−x): the loss's gradient scale
            p.CopyTo(user);
            // p += lr (g (q_i − q_j) − reg p); the constant 1 at the end is not a parameter.
            TensorPrimitives.Multiply(p[..d], 1 - lr * reg, p[..d]);
            TensorPrimitives.MultiplyAdd(difference[..d], lr * g, p[..d], p[..d]);
            Step(qi, user, g, lr, reg);
            Step(qj, user, -g, lr, reg);
        }
        Epochs++;
    }

    /// <summary>q += lr (g · user − reg · q), the bias included (user's last entry is 1).</summary>
    static void Step(Span<float> q, ReadOnlySpan<float> user, float g, float lr, float reg)
    {
        TensorPrimitives.Multiply(q, 1 - lr * reg, q);
        TensorPrimitives.MultiplyAdd(user, lr * g, q, q);
    }

    /// <summary>Scores of the training users under the current factors (a snapshot: later epochs do not change it).</summary>
    public IScorer Scorer()
    {
        var scorer = new EmbeddingScorer(users.ToArray(), items.ToArray(), width);
        return new DelegateScorer(scorer.UserCount, scorer.ItemCount, (user, row) =>
        {
            scorer.Score(user, 1, row);
            TrainedItems.Mask(row, trained);
        });
    }

    void Normal(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = 0.1f * Rng.Gaussian(rng);
    }
}
