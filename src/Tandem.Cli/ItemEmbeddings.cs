using Tandem.Retrieval.Formats;
using Tandem.Models.Persistence;

namespace Tandem.Cli;

/// <summary>The item vectors of a trained model, for <c>tandem index build --model</c>.</summary>
static class ItemEmbeddings
{
    /// <summary>
    /// The item embeddings of the model file's catalogue (each item with a training interaction),
    /// with its position in the catalogue as the index id: the numbering the service and
    /// <c>tandem recommend</c> use, so an index built here can be served beside the model.
    /// </summary>
    public static (VectorSet Vectors, long[] Ids, string Source) Embed(string modelPath)
    {
        var catalogue = TwoTowerModelFile.Catalogue(modelPath);
        var ids = new long[catalogue.ItemKeys.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = i;
        return (new VectorSet(catalogue.ItemVectors, ids.Length, catalogue.Dimension), ids, $" (the item tower of {Path.GetFileName(modelPath)})");
    }
}
