using Tandem.Data.Tables;
using Tandem.Models;
using Tandem.Models.Evaluation;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// What a trained model is served with, besides its weights (see <see cref="ServingModel.Build"/>):
/// the catalogue items (the item tower's input, ids, interaction counts for the cold-start list,
/// display fields) and the users known by id (the user tower's input, ids, items already seen).
/// Items are numbered by their catalogue position ("row"), which is what <see cref="Seen"/> holds.
/// </summary>
public sealed record ServingData
{
    /// <summary>The item tower's input for every item the model can embed.</summary>
    public required ItemCatalogue Items { get; init; }
    /// <summary>The model item ids (<see cref="ItemCatalogue.Items"/>) served, in catalogue order.</summary>
    public required IReadOnlyList<int> CatalogueItems { get; init; }
    /// <summary>Each catalogue item's external id (any string, e.g. <c>tt0114709</c> or <c>318</c>).</summary>
    public required IReadOnlyList<string> ItemIds { get; init; }
    /// <summary>Each catalogue item's training interactions: the most first are the cold-start answer.</summary>
    public required IReadOnlyList<float> Interactions { get; init; }
    /// <summary>The user tower's input for every user.</summary>
    public required UserCatalogue Users { get; init; }
    /// <summary>The user codes (<see cref="UserCatalogue"/> numbering) of the users known by id.</summary>
    public required IReadOnlyList<int> UserCodes { get; init; }
    /// <summary>Each known user's external id.</summary>
    public required IReadOnlyList<string> UserIds { get; init; }
    /// <summary>Each known user's items (catalogue rows), left out of their recommendations by default.</summary>
    public required IReadOnlyList<int[]> Seen { get; init; }
    /// <summary>The items' display fields (<see cref="ItemFields.Read(string, Tandem.Data.Schema.FeatureSchema)"/>), or null.</summary>
    public ItemFields? Fields { get; init; }

    /// <summary>
    /// The data of a training split as evaluation numbers it: the catalogue is
    /// <paramref name="holdout"/>'s (items with a training interaction, in its order), the users are
    /// those with a training interaction, each having seen their training items.
    /// </summary>
    public static ServingData FromHoldout(Holdout holdout, ItemCatalogue items, UserCatalogue users, KeyDictionary userKeys, ItemFields? fields = null)
    {
        var catalogue = holdout.CatalogueItems;
        int[] known = [.. Enumerable.Range(0, users.UserCount).Where(users.HasTraining)];
        return new ServingData
        {
            Items = items,
            CatalogueItems = catalogue,
            ItemIds = [.. catalogue.Select(holdout.KeyOf)],
            Interactions = holdout.TrainCounts[..catalogue.Count],
            Users = users,
            UserCodes = known,
            UserIds = [.. known.Select(u => userKeys[u])],
            Seen = [.. known.Select(u => holdout.Excluded[u].ToArray())],
            Fields = fields,
        };
    }
}
