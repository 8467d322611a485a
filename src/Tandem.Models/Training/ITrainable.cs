using Tandem.Data.Batching;
using Tandem.Models.Persistence;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Training;

/// <summary>
/// What <see cref="Trainer"/> trains: a model that computes one batch's loss and exposes the state
/// training changes (parameters, buffers, generators), so checkpoints and early stopping work for
/// any model alike: the two-tower <see cref="TwoTowerModel"/> and the CTR <see cref="Ranking.Ranker"/>.
/// </summary>
public interface ITrainable
{
    /// <summary>The parameters, buffers and generators: what checkpoints and the best-epoch snapshot keep.</summary>
    ModelState State { get; }

    /// <summary>The loss of one batch on <paramref name="tape"/> (training mode); <paramref name="step"/> counts optimizer steps.</summary>
    Variable Loss(Tape tape, Batch batch, long step);

    /// <summary>Features the batches gather otherwise than from their encoded values (e.g. leave-one-out histories); null: none.</summary>
    IReadOnlyDictionary<string, IFeatureGather>? Gathers => null;
}
