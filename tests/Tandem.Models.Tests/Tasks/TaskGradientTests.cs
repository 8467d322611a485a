using Tandem.Models.Tasks;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Tasks;

/// <summary>The tasks compose gradient-checked ops; these check the composition end to end by central differences.</summary>
public class TaskGradientTests
{
    static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    static void Check(Func<ITask> make, int[] items, int[]? targets = null)
    {
        int b = targets?.Length ?? items.Length, n = items.Length, d = 3;
        var q = Random(b * d, 1);
        var c = Random(n * d, 2);
        float Loss(float[] qv, out float[]? grad)
        {
            using var tape = new Tape();
            var qVar = new Variable(Tandem.Tensors.Tensor.From(qv, b, d), requiresGrad: true);
            var batch = new CandidateBatch();
            batch.Reset(b, n, inBatch: targets is null);
            items.CopyTo(batch.Items, 0);
            targets?.CopyTo(batch.Targets, 0);
            batch.Weights[0] = 2; // a weighted row too
            var loss = make().Loss(tape, qVar, tape.Constant(c, n, d), batch);
            tape.Backward(loss);
            grad = qVar.Grad.Span.ToArray();
            return loss.Value[0];
        }
        Loss(q, out var analytic);
        const float h = 1e-2f;
        for (int i = 0; i < q.Length; i++)
        {
            var plus = (float[])q.Clone();
            var minus = (float[])q.Clone();
            plus[i] += h;
            minus[i] -= h;
            float numeric = (Loss(plus, out _) - Loss(minus, out _)) / (2 * h);
            Assert.True(MathF.Abs(numeric - analytic![i]) < 2e-2f * MathF.Max(1, MathF.Abs(numeric)), $"d loss / d q[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    static readonly int[] Items = [1, 2, 1, 3];

    [Fact]
    public void RetrievalWithLogQAndHits() =>
        Check(() => new RetrievalTask(new RetrievalOptions { Temperature = 0.5f }, new LogQFromCounts([0, 3, 1, 2]), new RemoveAccidentalHits()), Items);

    [Fact]
    public void SymmetricRetrieval() =>
        Check(() => new RetrievalTask(new RetrievalOptions { Temperature = 0.5f, Symmetric = true }, new RemoveAccidentalHits()), Items);

    [Fact]
    public void CatalogueRetrieval() =>
        // Five catalogue items, three rows whose targets are not their own columns.
        Check(() => new RetrievalTask(new RetrievalOptions { Temperature = 0.5f }, new HardNegatives(3)), [1, 2, 3, 4, 5], [4, 0, 2]);

    [Theory]
    [InlineData(RankingLoss.Bpr)]
    [InlineData(RankingLoss.Hinge)]
    [InlineData(RankingLoss.SampledBce)]
    [InlineData(RankingLoss.LabelBce)]
    public void RankingLosses(RankingLoss kind) =>
        Check(() => new RankingLossTask(kind, temperature: 0.5f, margin: 0.3f, new RemoveAccidentalHits()), Items);
}
