using Tandem.Data.Text;
using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>
/// Embeds texts with an ONNX text model and its WordPiece vocabulary: each text becomes
/// <c>[CLS] pieces [SEP]</c> (at most <see cref="MaxTokens"/>), padded per batch with <c>[PAD]</c>;
/// the model gets <c>input_ids</c>, <c>attention_mask</c> and, if it asks, zero
/// <c>token_type_ids</c> (int64 [batch, tokens]). A [batch, d] output is the embedding; a
/// [batch, tokens, d] one is mean-pooled over the unpadded tokens. Thread-safe.
/// </summary>
public sealed class OnnxTextEncoder(OnnxModel model, WordPieceTextTokenizer tokenizer, int maxTokens = 128)
{
    /// <summary>The model.</summary>
    public OnnxModel Model { get; } = model;
    /// <summary>The tokenizer.</summary>
    public WordPieceTextTokenizer Tokenizer { get; } = tokenizer;
    /// <summary>Longest token sequence fed to the model.</summary>
    public int MaxTokens { get; } = maxTokens;

    /// <summary>The [texts.Count, d] embeddings of <paramref name="texts"/>, <paramref name="batchSize"/> at a time; the caller owns the tensor.</summary>
    public Tensor Embed(IReadOnlyList<string> texts, int batchSize = 64, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var rows = new List<float[]>();
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            cancel.ThrowIfCancellationRequested();
            rows.Add(Batch(texts.Skip(start).Take(batchSize).ToArray()));
            progress?.Report(Math.Min(texts.Count, start + batchSize));
        }
        return Rows.Stack(rows, texts.Count);
    }

    /// <summary>The token ids of <paramref name="text"/> as the model sees them (unpadded).</summary>
    public int[] Ids(string text) => Tokenizer.Ids(text, MaxTokens);

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
        if (outShape.Length == 2) return values;
        if (outShape.Length != 3 || outShape[0] != n || outShape[1] != width)
            PretrainedThrow.Input($"{Model.Path}: output '{Model.Output}' has shape [{string.Join(", ", outShape)}]; a text encoder gives [batch, d] or [batch, tokens, d]");
        // Mean over the unpadded tokens.
        int d = outShape[2];
        var pooled = new float[n * d];
        for (int b = 0; b < n; b++)
        {
            for (int t = 0; t < ids[b].Length; t++)
                for (int c = 0; c < d; c++) pooled[b * d + c] += values[(b * width + t) * d + c];
            for (int c = 0; c < d; c++) pooled[b * d + c] /= ids[b].Length;
        }
        return pooled;
    }
}
