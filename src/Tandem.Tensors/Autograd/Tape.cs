using System.Buffers;

namespace Tandem.Tensors.Autograd;

/// <summary>
/// Records the ops of one forward pass so <see cref="Backward"/> can replay their gradient
/// rules in reverse. The tape owns every variable an op returns and every tensor a rule saved;
/// <see cref="Reset"/> returns their buffers to <see cref="TensorPool"/>, so a training loop
/// that resets the tape each step rents the same buffers step after step.
/// Ops are extension methods in <see cref="Ops"/>: <c>tape.MatMul(x, w)</c>.
/// Not thread-safe: one tape per thread.
/// </summary>
public sealed class Tape : IDisposable
{
    readonly record struct Step(Variable Output, Action Backward);

    readonly List<Step> records = [];
    readonly List<Variable> owned = [];
    readonly List<Tensor> saved = [];
    readonly List<int[]> savedInts = [];
    int noGradDepth;

    /// <summary>Whether ops are being recorded (false inside <see cref="NoGrad"/>).</summary>
    public bool IsRecording => noGradDepth == 0;

    /// <summary>Number of ops recorded since the last <see cref="Reset"/>.</summary>
    public int Count => records.Count;

    /// <summary>
    /// A scope under which ops compute values but record nothing and produce variables that
    /// do not require gradients: <c>using (tape.NoGrad()) { ... }</c>. Scopes nest.
    /// </summary>
    public NoGradScope NoGrad()
    {
        noGradDepth++;
        return new NoGradScope(this);
    }

    /// <summary>
    /// Adds d<paramref name="loss"/>/dv into the gradient of every variable that requires one
    /// and that <paramref name="loss"/> depends on. Leaves accumulate across calls;
    /// intermediates' gradients are recomputed by each call.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="loss"/> is not a single value or does not require a gradient.</exception>
    public void Backward(Variable loss)
    {
        if (loss.Value.Length != 1)
            throw new ArgumentException($"Backward needs a scalar loss, got {loss.Value}; reduce it with Sum or Mean first.", nameof(loss));
        if (!loss.RequiresGrad)
            throw new ArgumentException("The loss does not depend on anything that requires a gradient (was it computed under NoGrad?).", nameof(loss));
        // Intermediates restart from nothing so a second call adds to leaves exactly once more.
        foreach (var record in records) record.Output.ReleaseGrad();
        loss.GradForWrite(out bool accumulate);
        if (accumulate) loss.Grad.Span[0] += 1;
        else loss.Grad.Span[0] = 1;
        for (int i = records.Count - 1; i >= 0; i--)
            if (records[i].Output.HasGrad) records[i].Backward();
    }

    /// <summary>Returns every buffer the tape owns to the pool and forgets the recorded ops.</summary>
    public void Reset()
    {
        foreach (var v in owned) v.Dispose();
        foreach (var t in saved) t.Dispose();
        foreach (var a in savedInts) ArrayPool<int>.Shared.Return(a);
        owned.Clear();
        saved.Clear();
        savedInts.Clear();
        records.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => Reset();

    /// <summary>A variable the tape owns over <paramref name="value"/>; requires a gradient when recording and any input does.</summary>
    internal Variable Output(Tensor value, bool anyInputRequiresGrad)
    {
        var v = new Variable(value, anyInputRequiresGrad && IsRecording);
        owned.Add(v);
        return v;
    }

    /// <summary>
    /// A constant input (no gradient) holding a copy of <paramref name="values"/> in a pooled
    /// buffer the tape owns until <see cref="Reset"/>: the way to feed a batch each step.
    /// </summary>
    /// <exception cref="ArgumentException">The values do not fill the shape.</exception>
    public Variable Constant(ReadOnlySpan<float> values, params int[] shape) => Constant(Tensor.From(values, shape));

    /// <summary>A constant (no gradient) the tape owns over <paramref name="value"/>.</summary>
    internal Variable Constant(Tensor value) => Output(value, false);

    /// <summary>Registers <paramref name="backward"/> to run when <paramref name="output"/> has a gradient.</summary>
    internal void Record(Variable output, Action backward)
    {
        if (output.RequiresGrad) records.Add(new Step(output, backward));
    }

    /// <summary>A pooled tensor kept until <see cref="Reset"/>, for values a backward rule needs.</summary>
    internal Tensor Save(params int[] shape)
    {
        var t = Tensor.Empty(shape);
        saved.Add(t);
        return t;
    }

    /// <summary>A copy of <paramref name="values"/> kept until <see cref="Reset"/>.</summary>
    internal ReadOnlyMemory<int> Save(ReadOnlySpan<int> values)
    {
        var a = ArrayPool<int>.Shared.Rent(values.Length);
        values.CopyTo(a);
        savedInts.Add(a);
        return a.AsMemory(0, values.Length);
    }

    internal void EndNoGrad() => noGradDepth--;

    /// <summary>Ends a <see cref="NoGrad"/> scope when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        readonly Tape tape;

        internal NoGradScope(Tape tape) => this.tape = tape;

        /// <summary>Resumes recording (unless an outer scope is still open).</summary>
        public void Dispose() => tape.EndNoGrad();
    }
}
