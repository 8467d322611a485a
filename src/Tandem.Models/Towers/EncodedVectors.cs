using Tandem.Data.Schema;
using Tandem.Tensors;

namespace Tandem.Models.Towers;

/// <summary>
/// The vectors a frozen pretrained encoder gave each distinct value of a feature: row i of
/// <see cref="Vectors"/> is the embedding of <see cref="Keys"/>[i] (a text, or an image path as the
/// data writes it); <see cref="Present"/>[i] is false where the value had nothing to encode (an
/// undecodable image when images are masked), and that row is zeros.
/// </summary>
/// <param name="Keys">The values, in row order.</param>
/// <param name="Vectors">[Keys.Count, d]; owned by the module built over it.</param>
/// <param name="Present">Whether each row was encoded.</param>
public sealed record EncodedVectors(IReadOnlyList<string> Keys, Tensor Vectors, bool[] Present);

/// <summary>
/// Embeds the distinct <paramref name="values"/> of <paramref name="feature"/> with the encoder
/// named <paramref name="encoder"/> (a factory string such as <c>minilm</c> or <c>resnet18</c>);
/// <paramref name="folder"/> is where the feature's relative image paths (and a cache) live.
/// <c>Tandem.Pretrained</c>'s <c>FeatureCache</c> is the implementation (ONNX Runtime lives there).
/// </summary>
public delegate EncodedVectors ContentEncoder(FeatureSpec feature, string encoder, IReadOnlyList<string> values, string folder);
