using Tandem.Models.Towers;

namespace Tandem.Serving;

/// <summary>
/// A user's raw features after validation and encoding: the tower's input, and <see cref="Key"/>,
/// a hash of exactly that input. Two requests the tower cannot tell apart share a key, and the key
/// is 32 hex digits however large the request was, so caches keyed by it stay bounded.
/// </summary>
/// <param name="Input">What the user tower reads (one example).</param>
/// <param name="Key">XxHash128 of the encoded input, in hex.</param>
public sealed record EncodedUser(TowerInput Input, string Key);
