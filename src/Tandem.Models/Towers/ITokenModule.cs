using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>A feature module that can also give one vector per token, for late interaction.</summary>
public interface ITokenModule : IFeatureModule
{
    /// <summary>
    /// The [tokens, Width] vectors of every token of the batch, example after example, with
    /// example b's tokens in rows <c>Offsets[b]..Offsets[b + 1]</c> (input.Count + 1 offsets).
    /// </summary>
    (Variable Tokens, int[] Offsets) EncodeTokens(Tape tape, TowerInput input, bool training);
}
