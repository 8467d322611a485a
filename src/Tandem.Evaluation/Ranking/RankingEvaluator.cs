using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using Tandem.Evaluation.Metrics;
using Kernels = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Evaluation.Ranking;

/// <summary>
/// Full-catalogue ranking evaluation. For every user with held-out items the scorer scores the whole
/// catalogue, the user's excluded (training) items are masked out, and the rest is ranked under one
/// total order: higher score first, equal scores by lower item id. The top K comes from the
/// <see cref="Kernels.TopK(ReadOnlySpan{float}, int, int, Span{float}, Span{int})"/> kernel; each
/// held-out item's rank is 1 + the number of unmasked items ahead of it in that order, counted
/// without sorting. Both use the same order, so a held-out item of rank r ≤ K is exactly the
/// r-th entry of the top K.
/// <para>
/// Users are scored in blocks (<see cref="RankingOptions.BlockUsers"/>) spread over threads; per-user
/// values are kept and summed in user order, so neither the thread count nor the block size changes
/// a result (beyond what the scorer's own rounding does with the block).
/// Memory: <c>threads × BlockUsers × ItemCount</c> scores, 5 doubles per user and one int per held-out item.
/// Time per user: the scorer, plus O(ItemCount) for the top K and O(ItemCount / vector width) per held-out item.
/// Thread safety: each call is independent; the scorer's contract is on <see cref="IScorer.Score"/>.
/// </para>
/// </summary>
public static class RankingEvaluator
{
    // Where each per-user metric sits in a user's slice of the per-user values.
    const int RecallSlot = 0, HitRateSlot = 1, NdcgSlot = 2, MapSlot = 3, MrrSlot = 4, SlotCount = 5;
    const long ScoresPerThread = 4 << 20; // 16 MiB of float scores per thread

    /// <summary>
    /// Ranks the catalogue for every user with items in <paramref name="heldOut"/>, excluding that user's
    /// items in <paramref name="excluded"/>, and reports every metric of <see cref="MetricNames.All"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The scorer and the sets disagree on user or item counts, or a held-out item is also excluded for its user.</exception>
    /// <exception cref="TandemException">No user has held-out items, or the scorer returned a NaN score.</exception>
    public static RankingReport Evaluate(IScorer scorer, UserItemSets excluded, UserItemSets heldOut, RankingOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(excluded);
        ArgumentNullException.ThrowIfNull(heldOut);
        CheckCounts(scorer, excluded, nameof(excluded));
        CheckCounts(scorer, heldOut, nameof(heldOut));
        CheckDisjoint(excluded, heldOut);
        int k = options.K, itemCount = scorer.ItemCount, evaluated = 0, mostHeldOut = 0;
        for (int u = 0; u < heldOut.UserCount; u++)
        {
            int n = heldOut[u].Length;
            if (n > 0) evaluated++;
            mostHeldOut = Math.Max(mostHeldOut, n);
        }
        if (evaluated == 0)
            EvaluationThrow.Input($"None of the {heldOut.UserCount} users has a held-out item; there is nothing to evaluate.");

        var plan = new Plan(scorer, options);
        var perUser = new double[heldOut.UserCount * SlotCount];
        var ranks = new int[heldOut.TotalCount];
        var covered = new bool[itemCount];
        plan.Run(scorer, excluded, user => heldOut[user].Length > 0, mostHeldOut, (worker, user, row) =>
        {
            int selected = worker.Select(row, worker.Top);
            foreach (int item in worker.Top.AsSpan(0, selected)) covered[item] = true;

            var held = heldOut[user];
            var userRanks = worker.Ranks.AsSpan(0, held.Length);
            for (int i = 0; i < held.Length; i++) userRanks[i] = RankCounter.Rank(row, held[i]);
            userRanks.CopyTo(ranks.AsSpan(heldOut.Start(user)));
            userRanks.Sort();
            Debug.Assert(AgreesWithTop(userRanks, held, worker.Top.AsSpan(0, selected)));

            var values = perUser.AsSpan(user * SlotCount, SlotCount);
            values[RecallSlot] = Recall.Core(userRanks, held.Length, k);
            values[HitRateSlot] = HitRate.Core(userRanks, held.Length, k);
            values[NdcgSlot] = Ndcg.Core(userRanks, held.Length, k);
            values[MapSlot] = AveragePrecision.Core(userRanks, held.Length, k);
            values[MrrSlot] = ReciprocalRank.Core(userRanks, held.Length);
        });

        var total = new double[SlotCount];
        for (int u = 0; u < heldOut.UserCount; u++)
            if (heldOut[u].Length > 0)
                for (int m = 0; m < SlotCount; m++) total[m] += perUser[u * SlotCount + m];
        Array.Sort(ranks);
        var metrics = new Dictionary<string, double>
        {
            [MetricNames.Recall(k)] = total[RecallSlot] / evaluated,
            [MetricNames.HitRate(k)] = total[HitRateSlot] / evaluated,
            [MetricNames.Ndcg(k)] = total[NdcgSlot] / evaluated,
            [MetricNames.Map(k)] = total[MapSlot] / evaluated,
            [MetricNames.Mrr] = total[MrrSlot] / evaluated,
            [MetricNames.MeanRank] = RankStatistics.MeanCore(ranks),
            [MetricNames.MedianRank] = RankStatistics.MedianOfSorted(ranks),
            [MetricNames.Coverage(k)] = (double)covered.Count(c => c) / itemCount,
        };
        return new RankingReport
        {
            K = k,
            ItemCount = itemCount,
            UsersEvaluated = evaluated,
            UsersSkipped = heldOut.UserCount - evaluated,
            HeldOutItems = heldOut.TotalCount,
            Metrics = metrics,
        };
    }

    /// <summary>
    /// The top K items of every user, excluding that user's items in <paramref name="excluded"/>:
    /// row-major <c>UserCount × K</c>, best first, padded with -1 when fewer than K items remain.
    /// </summary>
    /// <exception cref="ArgumentException">The scorer and <paramref name="excluded"/> disagree on user or item counts.</exception>
    /// <exception cref="TandemException">The scorer returned a NaN score.</exception>
    public static int[] Recommend(IScorer scorer, UserItemSets excluded, RankingOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(excluded);
        CheckCounts(scorer, excluded, nameof(excluded));
        int k = options.K;
        var top = new int[(long)scorer.UserCount * k];
        Array.Fill(top, -1);
        new Plan(scorer, options).Run(scorer, excluded, _ => true, 0, (worker, user, row) =>
            worker.Select(row, top.AsSpan(user * k, k)));
        return top;
    }

    static bool AgreesWithTop(ReadOnlySpan<int> sortedRanks, ReadOnlySpan<int> held, ReadOnlySpan<int> top)
    {
        foreach (int r in sortedRanks)
            if (r <= top.Length && !held.Contains(top[r - 1])) return false;
        return true;
    }

    static void CheckCounts(IScorer scorer, UserItemSets sets, string source)
    {
        if (sets.UserCount != scorer.UserCount || sets.ItemCount != scorer.ItemCount)
            EvaluationThrow.Argument($"The scorer has {scorer.UserCount} users and {scorer.ItemCount} items but {source} has {sets.UserCount} users and {sets.ItemCount} items; build both from one user and item numbering.", source);
    }

    static void CheckDisjoint(UserItemSets excluded, UserItemSets heldOut)
    {
        for (int u = 0; u < heldOut.UserCount; u++)
        {
            ReadOnlySpan<int> a = excluded[u], b = heldOut[u];
            for (int i = 0, j = 0; i < a.Length && j < b.Length;)
            {
                if (a[i] == b[j])
                    EvaluationThrow.Argument($"Item {a[i]} is both excluded and held out for user {u}; a held-out item must not be in the user's excluded (training) set.", nameof(heldOut));
                if (a[i] < b[j]) i++; else j++;
            }
        }
    }

    /// <summary>Per-thread buffers: one block of scores, a top-K list with its scores and the ranks of one user.</summary>
    sealed class Worker(int blockUsers, int itemCount, int k, int mostHeldOut)
    {
        public readonly float[] Scores = new float[(long)blockUsers * itemCount];
        // A list never holds more than the catalogue, however large K is.
        public readonly int[] Top = new int[Math.Min(k, itemCount)];
        readonly float[] topScores = new float[Math.Min(k, itemCount)];
        public readonly int[] Ranks = new int[mostHeldOut];

        /// <summary>
        /// Writes the best min(K, catalogue) item ids of <paramref name="row"/> to the start of <paramref name="destination"/>,
        /// best first (equal scores by lower id, NaN-masked items never), and returns how many there are.
        /// </summary>
        public int Select(ReadOnlySpan<float> row, Span<int> destination)
        {
            var top = destination[..Top.Length];
            if (top.IsEmpty) return 0;
            Kernels.TopK(row, row.Length, top.Length, topScores, top);
            int padded = top.IndexOf(-1);
            return padded < 0 ? top.Length : padded;
        }
    }

    delegate void UserStep(Worker worker, int user, Span<float> row);

    /// <summary>How users are cut into blocks and spread over threads.</summary>
    sealed class Plan
    {
        readonly int threads, blockUsers, userCount, itemCount, k;

        public Plan(IScorer scorer, RankingOptions options)
        {
            userCount = scorer.UserCount;
            itemCount = scorer.ItemCount;
            k = options.K;
            threads = options.Threads > 0 ? options.Threads : Tandem.Tensors.Threads.Count;
            long byMemory = Math.Max(1, ScoresPerThread / Math.Max(1, itemCount));
            // At least 32 blocks when users allow, for load balance; independent of the thread count so that
            // the automatic blocks, and so any rounding of the scorer, are the same on every machine.
            long byBalance = Math.Max(1, (userCount + 31L) / 32);
            blockUsers = (int)Math.Max(1, Math.Min(userCount, options.BlockUsers > 0 ? options.BlockUsers : Math.Min(byMemory, byBalance)));
            if ((long)blockUsers * itemCount > Array.MaxLength)
                EvaluationThrow.OutOfRange($"BlockUsers is {blockUsers}; {blockUsers} × {itemCount} items exceeds the largest array. Use a smaller block or 0 (automatic).", nameof(options.BlockUsers), blockUsers);
            Blocks = (userCount + blockUsers - 1) / blockUsers;
        }

        public int Blocks { get; }

        /// <summary>Scores each block holding an included user, checks and masks each included row, then calls <paramref name="step"/> on it.</summary>
        public void Run(IScorer scorer, UserItemSets excluded, Func<int, bool> include, int mostHeldOut, UserStep step)
        {
            int next = -1, firstNaNUser = int.MaxValue;
            void Work()
            {
                var worker = new Worker(blockUsers, itemCount, k, mostHeldOut);
                for (int block; (block = Interlocked.Increment(ref next)) < Blocks;)
                {
                    int first = block * blockUsers, count = Math.Min(blockUsers, userCount - first);
                    if (!AnyIncluded(include, first, count)) continue;
                    scorer.Score(first, count, worker.Scores.AsSpan(0, count * itemCount));
                    for (int u = 0; u < count; u++)
                    {
                        int user = first + u;
                        if (!include(user)) continue;
                        var row = worker.Scores.AsSpan(u * itemCount, itemCount);
                        if (TensorPrimitives.IsNaNAny<float>(row))
                        {
                            InterlockedMin(ref firstNaNUser, user);
                            continue;
                        }
                        // NaN marks an excluded item: it fails every comparison, so it is never selected nor
                        // counted ahead of anything, unlike -inf, which a real score may equal.
                        foreach (int item in excluded[user]) row[item] = float.NaN;
                        step(worker, user, row);
                    }
                }
            }

            try
            {
                if (threads == 1 || Blocks == 1) Work();
                else Parallel.For(0, Math.Min(threads, Blocks), new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Work());
            }
            catch (AggregateException e)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            if (firstNaNUser != int.MaxValue)
                EvaluationThrow.InvalidScores($"The scorer gave user {firstNaNUser} a NaN score; check the model or embeddings for NaN before evaluating.");
        }

        static bool AnyIncluded(Func<int, bool> include, int first, int count)
        {
            for (int user = first; user < first + count; user++)
                if (include(user)) return true;
            return false;
        }

        static void InterlockedMin(ref int target, int value)
        {
            for (int seen = Volatile.Read(ref target); value < seen;)
            {
                int was = Interlocked.CompareExchange(ref target, value, seen);
                if (was == seen) return;
                seen = was;
            }
        }
    }
}
