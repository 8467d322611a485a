using Tandem.Cluster.Shards;

namespace Tandem.Cluster.Training;

/// <summary>One example of the simulation: a user row, an item row and a 0/1 label.</summary>
public readonly record struct Click(int User, int Item, float Label);

/// <summary>
/// The parameters of a logistic matrix factorisation, <c>p(click) = σ(Σ_j u_j · w_j · v_j)</c>: a user
/// table and an item table (sparse: a step touches few rows) and a dense per-dimension weight <c>w</c>,
/// the shapes data-parallel training treats differently (docs/scale-out.md).
/// </summary>
public sealed class FactorModel(int users, int items, int dimension, int seed)
{
    /// <summary>Width of every row.</summary>
    public int Dimension { get; } = dimension;
    /// <summary>User rows, row-major.</summary>
    public float[] Users { get; } = Init(users * dimension, seed);
    /// <summary>Item rows, row-major.</summary>
    public float[] Items { get; } = Init(items * dimension, seed + 1);
    /// <summary>The dense weight, shared by every example.</summary>
    public float[] Dense { get; } = [.. Enumerable.Repeat(1f, dimension)];

    static float[] Init(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f)];
    }

    /// <summary>The gradients of one example's log loss: into the user row, the item row (length d each) and the dense weight (added).</summary>
    public void Gradient(Click click, ReadOnlySpan<float> user, ReadOnlySpan<float> item, Span<float> userGrad, Span<float> itemGrad, Span<float> denseGrad)
    {
        float logit = 0;
        for (int j = 0; j < Dimension; j++) logit += user[j] * Dense[j] * item[j];
        float error = 1 / (1 + MathF.Exp(-logit)) - click.Label; // d(log loss)/d(logit)
        for (int j = 0; j < Dimension; j++)
        {
            userGrad[j] = error * Dense[j] * item[j];
            itemGrad[j] = error * Dense[j] * user[j];
            denseGrad[j] += error * user[j] * item[j];
        }
    }
}

/// <summary>
/// Single-machine simulation of one data-parallel step, unsharded and sharded, so the two can be compared:
/// W workers each hold a batch; the step's update is SGD with the gradients summed over workers (sparse
/// rows) and averaged over workers (dense).
/// </summary>
public static class ShardedTraining
{
    /// <summary>The reference: every worker's row gradients added straight into the full tables, worker by worker.</summary>
    public static void UnshardedStep(FactorModel model, Click[][] batches, float rate)
    {
        int d = model.Dimension;
        var (userGrad, itemGrad) = (new float[d], new float[d]);
        var dense = new float[d];
        var userSums = new Dictionary<int, float[]>();
        var itemSums = new Dictionary<int, float[]>();
        foreach (var batch in batches)
        {
            foreach (var click in batch)
            {
                model.Gradient(click, model.Users.AsSpan(click.User * d, d), model.Items.AsSpan(click.Item * d, d), userGrad, itemGrad, dense);
                Accumulate(userSums, click.User, userGrad);
                Accumulate(itemSums, click.Item, itemGrad);
            }
        }
        Apply(model.Users, userSums, d, rate);
        Apply(model.Items, itemSums, d, rate);
        for (int j = 0; j < d; j++) model.Dense[j] -= rate * dense[j] / batches.Length;
    }

    /// <summary>
    /// The sharded step: each worker pulls the rows its batch touches from their owner shards (by
    /// <see cref="ShardRouting"/>), computes gradients locally and pushes (row, gradient) to the owners;
    /// each owner sums what every worker pushed, in worker order, and applies SGD to its rows. The dense
    /// gradient is all-reduced (a ring summing in worker order) and averaged, and every worker applies it.
    /// </summary>
    public static void ShardedStep(FactorModel model, Click[][] batches, int shards, float rate)
    {
        int d = model.Dimension;
        // Owners: the table rows each shard holds (here views of the one model's arrays, owned by id hash).
        var userPushes = new Dictionary<int, float[]>[shards];
        var itemPushes = new Dictionary<int, float[]>[shards];
        for (int s = 0; s < shards; s++) (userPushes[s], itemPushes[s]) = ([], []);
        var workerDense = new float[batches.Length][];
        for (int w = 0; w < batches.Length; w++)
        {
            // Pull: a private copy of every touched row, as fetched from its owner before the step.
            var users = batches[w].Select(c => c.User).Distinct().ToDictionary(u => u, u => model.Users.AsSpan(u * d, d).ToArray());
            var items = batches[w].Select(c => c.Item).Distinct().ToDictionary(i => i, i => model.Items.AsSpan(i * d, d).ToArray());
            var (userGrad, itemGrad) = (new float[d], new float[d]);
            workerDense[w] = new float[d];
            var userLocal = new Dictionary<int, float[]>();
            var itemLocal = new Dictionary<int, float[]>();
            foreach (var click in batches[w])
            {
                model.Gradient(click, users[click.User], items[click.Item], userGrad, itemGrad, workerDense[w]);
                Accumulate(userLocal, click.User, userGrad);
                Accumulate(itemLocal, click.Item, itemGrad);
            }
            // Push: each row's gradient to its owner, which adds it to what earlier workers sent.
            foreach (var (row, grad) in userLocal) Accumulate(userPushes[ShardRouting.ShardOf(row, shards)], row, grad);
            foreach (var (row, grad) in itemLocal) Accumulate(itemPushes[ShardRouting.ShardOf(row, shards)], row, grad);
        }
        for (int s = 0; s < shards; s++)
        {
            Apply(model.Users, userPushes[s], d, rate);
            Apply(model.Items, itemPushes[s], d, rate);
        }
        var reduced = new float[d];
        foreach (var dense in workerDense)
            for (int j = 0; j < d; j++) reduced[j] += dense[j];
        for (int j = 0; j < d; j++) model.Dense[j] -= rate * reduced[j] / batches.Length;
    }

    static void Accumulate(Dictionary<int, float[]> sums, int row, ReadOnlySpan<float> grad)
    {
        if (!sums.TryGetValue(row, out var sum)) sums[row] = sum = new float[grad.Length];
        for (int j = 0; j < grad.Length; j++) sum[j] += grad[j];
    }

    static void Apply(float[] table, Dictionary<int, float[]> sums, int d, float rate)
    {
        foreach (var (row, grad) in sums)
            for (int j = 0; j < d; j++) table[row * d + j] -= rate * grad[j];
    }
}
