using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>The user tower applied to raw features. Implementations must be safe from several threads.</summary>
public interface IUserEncoder
{
    /// <summary>The names of the features the tower reads.</summary>
    IReadOnlyList<string> Features { get; }

    /// <summary>The features whose values are item ids (histories): items a user has seen.</summary>
    IReadOnlyList<string> ItemFeatures { get; }

    /// <summary>Validates and encodes a user given by id and/or raw features and context; cheap (lookups only), so it runs before any cache.</summary>
    /// <exception cref="RequestException">A feature is unknown to the tower, null, too long, or holds an unknown value.</exception>
    EncodedUser Encode(string? user, RawFeatures? features, RawFeatures? context);

    /// <summary>The embedding of an encoded user.</summary>
    float[] Embed(EncodedUser user);
}
