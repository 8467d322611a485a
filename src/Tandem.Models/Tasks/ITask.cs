using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tasks;

/// <summary>
/// Owns a model's loss (TFRS): takes the query embeddings (B × d), the candidate embeddings
/// (N × d, the first B the rows' positives) and what is known about the batch, and returns a
/// scalar loss on the tape. Towers never see it. Not thread-safe (tweaks may keep state).
/// </summary>
public interface ITask
{
    /// <summary>The loss of one batch.</summary>
    Variable Loss(Tape tape, Variable queries, Variable candidates, CandidateBatch batch);

    /// <summary>State the loss keeps between steps (e.g. streaming frequency counters), saved with the model; none by default.</summary>
    IReadOnlyList<StateBuffer> Buffers => [];
}
