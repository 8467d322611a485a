using Tandem.Data.Schema;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// A timestamp (context) feature: the sum of an hour-of-day embedding, a day-of-week embedding
/// and a projection of the event's age, for whichever of those parts the feature encodes
/// (<see cref="FeatureSpec.Parts"/>; the encoder names them <c>{name}.hour_of_day</c>,
/// <c>{name}.day_of_week</c>, <c>{name}.age</c>). Summing keeps the width at one embedding.
/// </summary>
public sealed class TimestampEmbedding : IFeatureModule
{
    readonly IdEmbedding? hour, day;
    readonly NumericProjection? age;

    /// <summary>Tables and projection of width <paramref name="dimension"/> for <paramref name="spec"/>'s parts.</summary>
    /// <exception cref="ModelException">The feature encodes no part.</exception>
    public TimestampEmbedding(FeatureSpec spec, int dimension, Random rng, bool sparse = true, float std = 0.1f)
    {
        if (spec.Parts == TimestampParts.None) ModelThrow.Config($"Timestamp feature '{spec.Name}' encodes no part; set \"parts\" to hour_of_day, day_of_week and/or age.");
        Spec = spec;
        Width = dimension;
        if (spec.Parts.HasFlag(TimestampParts.HourOfDay)) hour = new IdEmbedding(spec with { Name = spec.Name + ".hour_of_day" }, 24, dimension, rng, sparse, std);
        if (spec.Parts.HasFlag(TimestampParts.DayOfWeek)) day = new IdEmbedding(spec with { Name = spec.Name + ".day_of_week" }, 7, dimension, rng, sparse, std);
        if (spec.Parts.HasFlag(TimestampParts.Age)) age = new NumericProjection(spec with { Name = spec.Name + ".age" }, 1, dimension, rng);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <inheritdoc/>
    public int Width { get; }
    /// <summary>The parts encoded (null where the feature does not encode one).</summary>
    internal (IdEmbedding? Hour, IdEmbedding? Day, NumericProjection? Age) Parts => (hour, day, age);
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters =>
        [.. hour?.Parameters ?? [], .. day?.Parameters ?? [], .. age?.Parameters ?? []];

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        Variable? sum = null;
        foreach (IFeatureModule? part in (IFeatureModule?[])[hour, day, age])
            if (part is not null)
            {
                var x = part.Encode(tape, input, training);
                sum = sum is null ? x : tape.Add(sum, x);
            }
        return sum!;
    }
}
