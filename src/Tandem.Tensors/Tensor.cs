using System.Diagnostics;

namespace Tandem.Tensors;

/// <summary>
/// A dense float32 tensor, row-major and contiguous. The buffer is rented from
/// <see cref="TensorPool"/>; <see cref="Dispose"/> on the owner returns it. Views
/// (<see cref="Slice"/>, <see cref="Row"/>, <see cref="Reshape"/>) share the owner's buffer
/// and must not outlive it.
/// </summary>
public sealed class Tensor : IDisposable
{
    float[]? buffer;
    readonly int offset;
    readonly bool owner;
    readonly int[] shape;
    readonly int[] strides;

    Tensor(float[] buffer, int offset, int[] shape, bool owner)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.shape = shape;
        this.owner = owner;
        Length = Product(shape);
        strides = new int[shape.Length];
        for (int i = shape.Length - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        var t = Empty(shape);
        t.Span.Clear();
        return t;
    }

    /// <summary>A tensor whose contents are undefined; for outputs a kernel overwrites.</summary>
    public static Tensor Empty(params int[] shape)
    {
        int length = Product(shape);
        return new Tensor(TensorPool.Rent(length), 0, (int[])shape.Clone(), owner: true);
    }

    /// <summary>A tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor From(ReadOnlySpan<float> values, params int[] shape)
    {
        if (values.Length != Product(shape))
            throw new ArgumentException($"{values.Length} values do not fill shape [{string.Join(", ", shape)}].", nameof(values));
        var t = Empty(shape);
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>Dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <summary>Elements to skip per step along each dimension (row-major, contiguous).</summary>
    public ReadOnlySpan<int> Strides => strides;

    /// <summary>Number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Size of the first dimension (1 for a scalar).</summary>
    public int Rows => shape.Length == 0 ? 1 : shape[0];

    /// <summary>Elements per row: the product of all dimensions but the first.</summary>
    public int Cols => shape.Length == 0 ? 1 : shape[0] == 0 ? Product(shape.AsSpan(1)) : Length / shape[0];

    /// <summary>The elements in row-major order.</summary>
    public Span<float> Span => Buffer.AsSpan(offset, Length);

    /// <summary>The backing array (possibly longer than <see cref="Length"/>) and where this tensor starts in it.</summary>
    public float[] Buffer => buffer ?? throw new ObjectDisposedException(nameof(Tensor));

    /// <summary>Start of this tensor inside <see cref="Buffer"/>.</summary>
    public int Offset => offset;

    /// <summary>Element access by row-major position.</summary>
    public ref float this[int index]
    {
        get
        {
            Debug.Assert((uint)index < (uint)Length);
            return ref Buffer[offset + index];
        }
    }

    /// <summary>Element access for a matrix.</summary>
    public ref float this[int row, int col]
    {
        get
        {
            Debug.Assert(Rank == 2 && (uint)row < (uint)shape[0] && (uint)col < (uint)shape[1]);
            return ref Buffer[offset + row * strides[0] + col];
        }
    }

    /// <summary>Row <paramref name="index"/> as a span.</summary>
    public Span<float> RowSpan(int index) => Buffer.AsSpan(offset + index * Cols, Cols);

    /// <summary>A view of rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>, sharing this buffer.</summary>
    public Tensor Slice(int start, int count)
    {
        if ((uint)start > (uint)Rows || (uint)count > (uint)(Rows - start))
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows {start}..{start + count} are outside a tensor of {Rows} rows.");
        var viewShape = (int[])shape.Clone();
        viewShape[0] = count;
        return new Tensor(Buffer, offset + start * Cols, viewShape, owner: false);
    }

    /// <summary>Row <paramref name="index"/> as a view with the remaining dimensions.</summary>
    public Tensor Row(int index)
    {
        if ((uint)index >= (uint)Rows)
            throw new ArgumentOutOfRangeException(nameof(index), $"Row {index} is outside a tensor of {Rows} rows.");
        return new Tensor(Buffer, offset + index * Cols, shape[1..], owner: false);
    }

    /// <summary>The same elements under another shape; one dimension may be -1 and is inferred.</summary>
    public Tensor Reshape(params int[] newShape)
    {
        newShape = (int[])newShape.Clone();
        int inferred = Array.IndexOf(newShape, -1);
        if (inferred >= 0)
        {
            newShape[inferred] = 1;
            int known = Product(newShape);
            newShape[inferred] = known == 0 ? 0 : Length / known;
        }
        if (Product(newShape) != Length)
            throw new ArgumentException($"Cannot reshape [{string.Join(", ", shape)}] into [{string.Join(", ", newShape)}].", nameof(newShape));
        return new Tensor(Buffer, offset, newShape, owner: false);
    }

    /// <summary>A new tensor (owning its buffer) with the same shape and values.</summary>
    public Tensor Clone() => From(Span, shape);

    /// <summary>Whether <paramref name="other"/> has the same shape.</summary>
    public bool SameShape(Tensor other) => shape.AsSpan().SequenceEqual(other.shape);

    /// <summary>Returns the buffer to the pool if this tensor owns it; views only detach.</summary>
    public void Dispose()
    {
        if (buffer is null) return;
        if (owner) TensorPool.Return(buffer);
        buffer = null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor[{string.Join(", ", shape)}]";

    static int Product(ReadOnlySpan<int> dims)
    {
        long n = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(dims), d, "A dimension cannot be negative.");
            n *= d;
        }
        if (n > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(dims), n, "Tensor is larger than the largest array.");
        return (int)n;
    }
}
