using Tandem.Evaluation.Ranking;
using Tandem.Tensors.Kernels;

namespace Tandem.Evaluation.Baselines;

/// <summary>
/// EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): the item–item weights
/// <c>B = I − P·diag(P)⁻¹</c> with <c>P = (XᵀX + λI)⁻¹</c> (so B's diagonal is zero), and the scores
/// <c>S = X·B = X − (X·P)·diag(P)⁻¹</c>, X the binary user × item training matrix.
/// <para>
/// The inverse is taken of the smaller Gram matrix, in double precision (<see cref="SpdInverse"/>): with
/// fewer items than users, <c>P</c> itself; with fewer users, <c>K = XXᵀ + λI</c>, through Woodbury's
/// <c>P = (I − Xᵀ K⁻¹ X) / λ</c>, which gives <c>X·P = K⁻¹X</c> and <c>P_jj = (1 − x_jᵀ K⁻¹ x_j) / λ</c>
/// (x_j: column j of X) exactly. The products are single-precision <see cref="Gemm"/> calls; the Gram
/// matrices of 0/1 entries are exact in float. Time: n³ for the inverse (n = min(users, items)) plus
/// two products; memory: users × items floats for the scores, and 4 n² doubles while fitting.
/// </para>
/// Items no user trained on score −∞. Thread safety: concurrent <see cref="Score"/> calls are safe.
/// </summary>
public sealed class EaseScorer : IScorer
{
    readonly float[] scores;

    EaseScorer(float[] scores, int userCount, int itemCount) => (this.scores, UserCount, ItemCount) = (scores, userCount, itemCount);

    /// <inheritdoc/>
    public int UserCount { get; }

    /// <inheritdoc/>
    public int ItemCount { get; }

    /// <summary>Fits EASE with L2 weight <paramref name="lambda"/> on <paramref name="training"/> and scores its users.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is not positive and finite.</exception>
    public static EaseScorer Fit(UserItemSets training, double lambda)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (!(lambda > 0 && double.IsFinite(lambda)))
            EvaluationThrow.OutOfRange($"lambda is {lambda}; EASE's L2 weight must be positive and finite, e.g. 300.", nameof(lambda), lambda);
        int users = training.UserCount, items = training.ItemCount;
        var x = new float[(long)users * items];
        for (int u = 0; u < users; u++)
            foreach (int i in training[u]) x[(long)u * items + i] = 1;

        var m = new float[x.Length];
        var diagonal = new double[items];
        if (users < items)
        {
            var inverse = Inverse(x, users, items, lambda, byUsers: true);
            Gemm.Multiply(inverse, x, m, users, items, users);
            for (int u = 0; u < users; u++)
                foreach (int i in training[u]) diagonal[i] += m[(long)u * items + i];
            for (int i = 0; i < items; i++) diagonal[i] = (1 - diagonal[i]) / lambda;
        }
        else
        {
            var inverse = Inverse(x, items, users, lambda, byUsers: false);
            Gemm.Multiply(x, inverse, m, users, items, items);
            for (int i = 0; i < items; i++) diagonal[i] = inverse[(long)i * items + i];
        }
        for (long j = 0; j < m.Length; j++) m[j] = (float)(x[j] - m[j] / diagonal[j % items]);
        TrainedItems.Mask(m, TrainedItems.Of(training));
        return new EaseScorer(m, users, items);
    }

    /// <summary>(G + λI)⁻¹ as floats, G = XXᵀ (<paramref name="byUsers"/>, n = users) or XᵀX (n = items); X is users × items.</summary>
    static float[] Inverse(float[] x, int n, int other, double lambda, bool byUsers)
    {
        var gram = new float[(long)n * n];
        if (byUsers) Gemm.Multiply(x, x, gram, n, n, other, transB: true);
        else Gemm.Multiply(x, x, gram, n, n, other, transA: true);
        var regularised = new double[gram.Length];
        for (long j = 0; j < gram.Length; j++) regularised[j] = gram[j];
        for (int i = 0; i < n; i++) regularised[(long)i * n + i] += lambda;
        var inverse = SpdInverse.Of(regularised, n);
        return Array.ConvertAll(inverse, v => (float)v);
    }

    /// <inheritdoc/>
    public void Score(int firstUser, int userCount, Span<float> scores) =>
        this.scores.AsSpan(firstUser * ItemCount, userCount * ItemCount).CopyTo(scores);
}
