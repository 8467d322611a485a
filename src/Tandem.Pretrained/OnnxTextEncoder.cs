using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Tandem.Data.Text;
using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>How a text model's per-token outputs become one vector.</summary>
public enum TokenPooling
{
    /// <summary>The mean over the real (unpadded) tokens: sentence-transformers' default (all-MiniLM-L6-v2).</summary>
    Mean,
    /// <summary>The first token, <c>[CLS]</c> (Snowflake Arctic-embed).</summary>
    First,
}

/// <summary>
/// Embeds texts with an ONNX text model and its WordPiece vocabulary: each text becomes
/// <c>[CLS] pieces [SEP]</c> (at most <see cref="MaxTokens"/>; a longer text is truncated, and
/// <see cref="Truncated"/> is raised once per encoder), padded per batch with <c>[PAD]</c>;
/// the model gets <c>input_ids</c>, <c>attention_mask</c> and, if it asks, zero
/// <c>token_type_ids</c> (int64 [batch, tokens]). A [batch, d] output is the embedding; a
/// [batch, tokens, d] one is pooled (<see cref="Pooling"/>); then optionally scaled to unit length. Thread-safe.
/// </summary>
public sealed class OnnxTextEncoder(OnnxModel model, WordPieceTextTokenizer tokenizer, int maxTokens = 128,
    TokenPooling pooling = TokenPooling.Mean, bool normalize = false)
{
    int warned;

    /// <summary>The model.</summary>
    public OnnxModel Model { get; } = model;
    /// <summary>The tokenizer.</summary>
    public WordPieceTextTokenizer Tokenizer { get; } = tokenizer;
    /// <summary>Longest token sequence fed to the model.</summary>
    public int MaxTokens { get; } = maxTokens;
    /// <summary>How token outputs are pooled.</summary>
    public TokenPooling Pooling { get; } = pooling;
    /// <summary>Whether each embedding is scaled to unit length.</summary>
    public bool Normalize { get; } = normalize;

    /// <summary>Raised (once per encoder) with a one-line note when the first text longer than <see cref="MaxTokens"/> is truncated.</summary>
    public event Action<string>? Truncated;

    /// <summary>The [texts.Count, d] embeddings of <paramref name="texts"/>, <paramref name="batchSize"/> at a time on <see cref="Threads.Count"/> threads; the caller owns the tensor.</summary>
    /// <exception cref="PretrainedException">The model fails or gives an output of an unexpected shape.</exception>
    public Tensor Embed(IReadOnlyList<string> texts, int batchSize = 64, IProgress<int>? progress = null, CancellationToken cancel = default) =>
        Batches.Run(texts.Count, batchSize, (start, n) => Batch(Enumerable.Range(start, n).Select(i => texts[i]).ToArray()), progress, cancel);

    /// <summary>The token ids of <paramref name="text"/> as the model sees them (unpadded).</summary>
    public int[] Ids(string text)
    {
        var ids = Tokenizer.Ids(text, MaxTokens + 1);
        if (ids.Length <= MaxTokens) return ids;
        if (Interlocked.Exchange(ref warned, 1) == 0)
            Truncated?.Invoke($"{Model.Path}: texts longer than {MaxTokens} tokens are truncated to {MaxTokens} (the first: \"{Preview(text)}\")");
        return Tokenizer.Ids(text, MaxTokens);
    }

    static string Preview(string text) => text.Length <= 60 ? text : text[..60] + "…";

    float[] Batch(string[] texts)
    {
        var ids = texts.Select(Ids).ToArray();
        int n = texts.Length, width = ids.Max(i => i.Length);
        var inputIds = new long[n * width];
        var mask = new long[n * width];
        Array.Fill(inputIds, Tokenizer.PaddingId);
        for (int b = 0; b < n; b++)
            for (int t = 0; t < ids[b].Length; t++)
            {
                inputIds[b * width + t] = ids[b][t];
                mask[b * width + t] = 1;
            }
        int[] shape = [n, width];
        var (values, outShape) = Model.Run(new Dictionary<string, (Array, int[])>
        {
            ["input_ids"] = (inputIds, shape),
            ["attention_mask"] = (mask, shape),
            ["token_type_ids"] = (new long[n * width], shape),
        });
        if (outShape.Length == 3 && outShape[0] == n && outShape[1] == width)
            values = Pool(values, ids, width, outShape[2]);
        else if (outShape.Length != 2 || outShape[0] != n)
            PretrainedThrow.Input($"{Model.Path}: output '{Model.Output}' has shape [{string.Join(", ", outShape)}]; a text encoder gives [batch, d] or [batch, tokens, d]");
        if (Normalize) UnitRows(values, n);
        return values;
    }

    /// <summary>Per text, the mean over its real tokens or its first token.</summary>
    float[] Pool(float[] values, int[][] ids, int width, int d)
    {
        var pooled = new float[ids.Length * d];
        for (int b = 0; b < ids.Length; b++)
        {
            var row = pooled.AsSpan(b * d, d);
            int tokens = Pooling == TokenPooling.First ? 1 : ids[b].Length;
            for (int t = 0; t < tokens; t++)
            {
                var token = values.AsSpan((b * width + t) * d, d);
                for (int c = 0; c < d; c++) row[c] += token[c];
            }
            for (int c = 0; c < d; c++) row[c] /= tokens;
        }
        return pooled;
    }

    static void UnitRows(float[] values, int rows)
    {
        int d = values.Length / rows;
        for (int b = 0; b < rows; b++)
        {
            var row = values.AsSpan(b * d, d);
            float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(row));
            if (norm > 0) TensorPrimitives.Divide(row, norm, row);
        }
    }
}
