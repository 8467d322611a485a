using Tandem.Models.Calibration;
using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// Everything one model version serves with, swapped as one unit on reload: the item index, the
/// item catalogue, the known users, the user tower for raw features, the cold-start list and the
/// calibration. Reference-counted: <see cref="ModelHolder"/> holds one reference and each request
/// one more, so a retired model is disposed only when its last request finishes.
/// </summary>
public sealed class ServingModel : IDisposable
{
    int references = 1;

    /// <summary>Names this model (file name and content hash); cache keys carry it, so vectors of different models never mix.</summary>
    public required string Version { get; init; }
    /// <summary>The items searched; ids are catalogue item ids (and possibly more).</summary>
    public required IVectorIndex Index { get; init; }
    /// <summary>HNSW candidate-list size for searches; 0 uses the index's own.</summary>
    public int EfSearch { get; init; }
    /// <summary>Items with embeddings and attributes.</summary>
    public required ItemCatalog Items { get; init; }
    /// <summary>Users known by id.</summary>
    public required UserTable Users { get; init; }
    /// <summary>The user tower for raw features.</summary>
    public required IUserEncoder Encoder { get; init; }
    /// <summary>Catalogue item ids by training interactions, most first: the cold-start answer.</summary>
    public required long[] Popular { get; init; }
    /// <summary>Each <see cref="Popular"/> item's training interactions over the most popular item's, in (0, 1]: the cold-start score, on a scale MMR can weigh against similarity.</summary>
    public required float[] PopularScores { get; init; }
    /// <summary>The model file's Platt scaling, or null.</summary>
    public PlattScaling? Calibration { get; init; }

    /// <summary>Takes a reference unless the model was already released for good.</summary>
    internal bool TryAcquire()
    {
        for (int n = Volatile.Read(ref references); n > 0; n = Volatile.Read(ref references))
            if (Interlocked.CompareExchange(ref references, n + 1, n) == n) return true;
        return false;
    }

    /// <summary>Drops a reference; the last one disposes the index.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref references) == 0) Index.Dispose();
    }

    /// <summary>Drops the owner's reference (the index is freed once no request uses it).</summary>
    public void Dispose() => Release();
}
