using K = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>
    /// <c>y = a + b</c>, where <paramref name="b"/> has the shape of <paramref name="a"/> or is one
    /// row of <c>a.Cols</c> values added to every row (a bias).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> is neither the same shape nor a row.</exception>
    public static Variable Add(this Tape tape, Variable a, Variable b) => Binary(tape, a, b, BinaryOp.Add);

    /// <summary><c>y = a - b</c>, with <paramref name="b"/> the same shape or a broadcast row, as in <see cref="Add"/>.</summary>
    public static Variable Subtract(this Tape tape, Variable a, Variable b) => Binary(tape, a, b, BinaryOp.Subtract);

    /// <summary><c>y = a ⊙ b</c>, with <paramref name="b"/> the same shape or a broadcast row, as in <see cref="Add"/>.</summary>
    public static Variable Multiply(this Tape tape, Variable a, Variable b) => Binary(tape, a, b, BinaryOp.Multiply);

    enum BinaryOp { Add, Subtract, Multiply }

    static Variable Binary(Tape tape, Variable a, Variable b, BinaryOp op)
    {
        bool row = !a.Value.SameShape(b.Value);
        if (row && b.Value.Length != a.Cols)
            AutogradThrow.Shape(op.ToString(), $"b {b.Value} must have the shape of a {a.Value} or be one row of {a.Cols} values.");
        int cols = row ? b.Value.Length : a.Value.Length;
        var y = tape.Output(Like(a), a.RequiresGrad || b.RequiresGrad);
        var av = a.Value.Span;
        var bv = b.Value.Span;
        var yv = y.Value.Span;
        if (op == BinaryOp.Add && row) K.AddBias(av, bv, yv);
        else
            for (int r = 0; r < av.Length; r += cols)
                Apply(op, av.Slice(r, cols), bv, yv.Slice(r, cols));

        tape.Record(y, () =>
        {
            var dy = y.Grad.Span;
            if (a.RequiresGrad)
            {
                using var da = new GradSink(a);
                if (op == BinaryOp.Multiply)
                    for (int r = 0; r < dy.Length; r += cols) K.Multiply(dy.Slice(r, cols), b.Value.Span, da.Span.Slice(r, cols));
                else dy.CopyTo(da.Span);
            }
            if (b.RequiresGrad)
            {
                using var db = new GradSink(b);
                if (op == BinaryOp.Multiply && !row) K.Multiply(dy, a.Value.Span, db.Span);
                else if (op == BinaryOp.Multiply)
                {
                    // db = Σ_rows dy ⊙ a
                    using var prod = Like(a);
                    K.Multiply(dy, a.Value.Span, prod.Span);
                    K.SumColumns(prod.Span, cols, db.Span);
                }
                else
                {
                    if (row) K.SumColumns(dy, cols, db.Span);
                    else dy.CopyTo(db.Span);
                    if (op == BinaryOp.Subtract) K.Scale(db.Span, -1f, db.Span);
                }
            }
        });
        return y;
    }

    static void Apply(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: K.Add(a, b, y); break;
            case BinaryOp.Subtract: K.Subtract(a, b, y); break;
            default: K.Multiply(a, b, y); break;
        }
    }

    /// <summary><c>y = max(x, 0)</c>.</summary>
    public static Variable Relu(this Tape tape, Variable x)
    {
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.Relu(x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.ReluBackward(x.Value.Span, y.Grad.Span, dx.Span);
        });
        return y;
    }

    /// <summary><c>y = GELU(x)</c>, tanh approximation.</summary>
    public static Variable Gelu(this Tape tape, Variable x)
    {
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.Gelu(x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.GeluBackward(x.Value.Span, y.Grad.Span, dx.Span);
        });
        return y;
    }

    /// <summary><c>y = 1 / (1 + e^-x)</c>.</summary>
    public static Variable Sigmoid(this Tape tape, Variable x)
    {
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.Sigmoid(x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            // dx = dy·(y - y²)
            using var dx = new GradSink(x);
            var yv = y.Value.Span;
            K.Multiply(yv, yv, dx.Span);
            K.Subtract(yv, dx.Span, dx.Span);
            K.Multiply(dx.Span, y.Grad.Span, dx.Span);
        });
        return y;
    }

    /// <summary><c>y = tanh(x)</c>.</summary>
    public static Variable Tanh(this Tape tape, Variable x)
    {
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.Tanh(x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            // dx = dy - dy·y²
            using var dx = new GradSink(x);
            var yv = y.Value.Span;
            K.Multiply(yv, yv, dx.Span);
            K.Multiply(dx.Span, y.Grad.Span, dx.Span);
            K.Subtract(y.Grad.Span, dx.Span, dx.Span);
        });
        return y;
    }

    /// <summary><c>y = e^x</c>.</summary>
    public static Variable Exp(this Tape tape, Variable x)
    {
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.Exp(x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.Multiply(y.Grad.Span, y.Value.Span, dx.Span);
        });
        return y;
    }

    /// <summary><c>y = ln x</c>.</summary>
    public static Variable Log(this Tape tape, Variable x)
    {
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.Log(x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            System.Numerics.Tensors.TensorPrimitives.Divide(y.Grad.Span, x.Value.Span, dx.Span);
        });
        return y;
    }

    /// <summary>
    /// Inverted dropout: in training each element is zeroed with probability <paramref name="p"/>
    /// and survivors are scaled by 1/(1-p), so eval (<paramref name="training"/> false, or p = 0)
    /// is the identity and returns <paramref name="x"/> itself. Masks come from <paramref name="rng"/>,
    /// so a seeded generator reproduces them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public static Variable Dropout(this Tape tape, Variable x, float p, Random rng, bool training = true)
    {
        if (!(p >= 0 && p < 1)) AutogradThrow.Value(nameof(Dropout), nameof(p), $"p = {p} must be in [0, 1).");
        if (!training || p == 0) return x;
        var mask = tape.Save(x.Value.Shape.ToArray());
        var m = mask.Span;
        float keep = 1 / (1 - p);
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextSingle() < p ? 0 : keep;
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.Multiply(x.Value.Span, m, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.Multiply(y.Grad.Span, mask.Span, dx.Span);
        });
        return y;
    }
}
