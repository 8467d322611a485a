using System.Globalization;
using Tandem.Retrieval.Formats;

namespace Tandem.Cli;

/// <summary>The item vectors of a trained model, for <c>tandem index build --model</c>.</summary>
static class ItemEmbeddings
{
    /// <summary>
    /// Every catalogue item (each item with a training interaction, whose features are therefore
    /// known) through the model's item tower, with its item id as the index id.
    /// </summary>
    /// <exception cref="CliException">An item id is not an integer (index ids are 64-bit integers).</exception>
    public static (VectorSet Vectors, long[] Ids, string Source) Embed(string modelPath, string? dataDir)
    {
        var (session, model, _) = MovieLensSession.LoadModel(modelPath, dataDir);
        using (session)
        {
            var items = session.Items.Items;
            var ids = new long[items.Count];
            for (int i = 0; i < ids.Length; i++)
            {
                string key = session.ItemVocabulary.Token(items[i])!;
                if (!long.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out ids[i]))
                    CliThrow.Input($"{modelPath}: item id \"{key}\" is not an integer, and index ids are 64-bit integers; embed the items yourself and build from --vectors with your own numbering");
            }
            using var vectors = model.EmbedItems(session.Items, items);
            int d = model.Item.OutputDimension;
            return (new VectorSet(vectors.Span[..(ids.Length * d)].ToArray(), ids.Length, d), ids, $" (the item tower of {Path.GetFileName(modelPath)})");
        }
    }
}
