namespace Tandem.Tensors.Optimizers;

/// <summary>The update of each table row, for <see cref="FusedUpdate.RunRows"/>: the same for every row, or per row (Adam's bias correction by the row's own step count).</summary>
interface IRowUpdates<TOp> where TOp : struct, IFusedUpdate
{
    /// <summary>The update of table row <paramref name="row"/>.</summary>
    TOp ForRow(int row);
}

/// <summary>One update for every row.</summary>
readonly struct SameUpdate<TOp>(TOp op) : IRowUpdates<TOp> where TOp : struct, IFusedUpdate
{
    public TOp ForRow(int row) => op;
}
