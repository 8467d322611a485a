using System.Diagnostics;
using System.Numerics.Tensors;
using Tandem.Models.CrossModal;
using Tandem.Models.Reranking;
using Tandem.Models.Towers;

namespace Tandem.Experiments;

/// <summary>
/// One seed's cross-encoder stage on flickr8k-1k, caption → image: the two-tower metrics on the test photos, the same
/// after the cross-encoder re-ranks each caption's top <paramref name="Top"/> photos (ranks below the top are the
/// two-tower's), the share of test captions whose photo the first stage put in its top, the re-ranking time per caption
/// (one thread), and the epochs run with the validation MRR of the one kept.
/// </summary>
public sealed record Flickr8kRerankRun(int Top, CrossModalMetrics TwoTower, CrossModalMetrics Reranked, double FirstStageRecall, double MillisecondsPerQuery, int Epochs, double ValidationMrr);

/// <summary>
/// The cross-encoder as the last stage over a trained caption–photo model (issue 16): its query features are a caption's
/// tower vector (and its pretrained encoder's vector, when the model has one), its candidate features a photo's; hard
/// negatives are the photos the two-tower model ranks highest for a training caption among the training photos; the
/// epoch is chosen on the validation photos (ranked among themselves), and the test photos are ranked once.
/// </summary>
public static class Flickr8kRerank
{
    /// <summary>Trains a cross-encoder on <paramref name="model"/>'s retrievals for <paramref name="seed"/>'s split and measures it on the test photos.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    public static Flickr8kRerankRun Run(CrossModalModel model, Flickr8kInputs inputs, int seed, int top, CrossEncoderOptions options, CancellationToken cancel = default)
    {
        var data = inputs.Data;
        var (train, validation, test) = data.Split(seed);
        var captions = data.Captions.SelectMany(c => c).ToArray();
        var owner = data.Captions.SelectMany((c, photo) => Enumerable.Repeat(photo, c.Length)).ToArray();
        var towerCaptions = model.EmbedCaptions(captions);
        var towerPhotos = model.EmbedPhotos([.. Enumerable.Range(0, data.Images.Count)]);
        int d = towerPhotos.Length / data.Images.Count;
        var queries = Features(towerCaptions, d, inputs.Captions, captions);
        var candidates = Features(towerPhotos, d, inputs.Photos, data.Images);
        int queryWidth = queries.Length / captions.Length, candidateWidth = candidates.Length / data.Images.Count;

        List<RerankQuery> Queries(int[] photos, out List<int> ranks)
        {
            var set = new List<RerankQuery>();
            ranks = [];
            var inSplit = photos.ToHashSet();
            var scores = new float[photos.Length];
            for (int c = 0; c < captions.Length; c++)
            {
                if (!inSplit.Contains(owner[c])) continue;
                var caption = towerCaptions.AsSpan(c * d, d);
                for (int i = 0; i < photos.Length; i++) scores[i] = TensorPrimitives.Dot(caption, towerPhotos.AsSpan(photos[i] * d, d));
                int own = Array.IndexOf(photos, owner[c]);
                ranks.Add(CrossModalMetrics.Ranks(scores, [own])[0]);
                var best = Enumerable.Range(0, photos.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(top).ToArray();
                set.Add(new RerankQuery(c, [.. best.Select(i => photos[i])], [.. best.Select(i => scores[i])], Array.IndexOf(best, own)));
            }
            return set;
        }

        var trainSet = Queries(train, out _);
        var validationSet = Queries(validation, out _);
        var testSet = Queries(test, out var firstRanks);
        var encoder = new CrossEncoder(queryWidth, candidateWidth, options with { Seed = seed });
        var history = encoder.Train(queries, candidates, trainSet, validationSet, cancel);

        var reranked = new List<int[]>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < testSet.Count; i++)
        {
            var query = testSet[i];
            reranked.Add([query.Positive >= 0 ? Array.IndexOf(encoder.Rerank(queries, candidates, query), query.Positive) + 1 : firstRanks[i]]);
        }
        double ms = clock.Elapsed.TotalMilliseconds / testSet.Count;
        return new Flickr8kRerankRun(top, CrossModalMetrics.FromRanks([.. firstRanks.Select(r => new[] { r })]), CrossModalMetrics.FromRanks(reranked),
            testSet.Count(q => q.Positive >= 0) / (double)testSet.Count, ms, history.Count, history.Max());
    }

    /// <summary>Each row's tower vector followed by its pretrained encoder's vector (when there is one).</summary>
    static float[] Features(float[] tower, int d, EncodedVectors? pretrained, IReadOnlyList<string> keys)
    {
        if (pretrained is null) return tower;
        int width = pretrained.Vectors.Cols;
        var row = pretrained.Keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i, StringComparer.Ordinal);
        var features = new float[keys.Count * (d + width)];
        for (int i = 0; i < keys.Count; i++)
        {
            tower.AsSpan(i * d, d).CopyTo(features.AsSpan(i * (d + width)));
            pretrained.Vectors.RowSpan(row[keys[i]]).CopyTo(features.AsSpan(i * (d + width) + d));
        }
        return features;
    }
}
