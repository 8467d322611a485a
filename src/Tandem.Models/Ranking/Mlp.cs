using Tandem.Models.Towers;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Ranking;

/// <summary>Hidden layers (linear → ReLU → dropout), then an optional linear output layer.</summary>
sealed class Mlp
{
    readonly Dense[] hidden;
    readonly Dense? output;
    readonly float dropout;

    /// <summary>Layers named <c>{name}.hidden{l}</c> and <c>{name}.output</c> over <paramref name="inputs"/> values; <paramref name="outputs"/> 0: no output layer.</summary>
    public Mlp(string name, int inputs, IReadOnlyList<int> widths, int outputs, float dropout, Random rng)
    {
        hidden = new Dense[widths.Count];
        for (int l = 0; l < hidden.Length; l++)
        {
            hidden[l] = new Dense($"{name}.hidden{l}", inputs, widths[l], rng);
            inputs = widths[l];
        }
        output = outputs > 0 ? new Dense($"{name}.output", inputs, outputs, rng) : null;
        Width = output?.Outputs ?? inputs;
        this.dropout = dropout;
    }

    /// <summary>Width of the result.</summary>
    public int Width { get; }

    /// <summary>Every layer's weights and biases.</summary>
    public IEnumerable<Parameter> Parameters => hidden.SelectMany(h => h.Parameters).Concat(output?.Parameters ?? []);

    /// <summary>The layers applied to <paramref name="x"/>; dropout draws from <paramref name="rng"/> in training.</summary>
    public Variable Forward(Tape tape, Variable x, Rng rng, bool training)
    {
        foreach (var h in hidden) x = tape.Dropout(tape.Relu(h.Apply(tape, x)), dropout, rng, training);
        return output is null ? x : output.Apply(tape, x);
    }
}
