using CsCheck;

namespace Tandem.Retrieval.Tests;

/// <summary>
/// <see cref="IdBitmap"/> against a set as the model (CsCheck): after any sequence of sets and clears
/// (ids across word boundaries, clears outside the bitmap), it allows exactly the ids the set holds.
/// </summary>
public class IdBitmapPropertyTests
{
    [Fact]
    public void AllowsExactlyTheIdsSetAndNotCleared()
    {
        var operations = Gen.Select(Gen.Bool, Gen.Int[-3, 200]).Array[0, 300];
        Gen.Select(Gen.Int[0, 190], operations).Sample((capacity, ops) =>
        {
            var bitmap = new IdBitmap(capacity);
            var model = new HashSet<long>();
            foreach (var (set, id) in ops)
            {
                if (set && id >= 0 && id < capacity)
                {
                    bitmap.Set(id);
                    model.Add(id);
                }
                else if (set) Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.Set(id));
                else
                {
                    bitmap.Clear(id);
                    model.Remove(id);
                }
            }
            for (long id = -3; id <= capacity + 64; id++) Assert.Equal(model.Contains(id), bitmap.Allows(id));
        }, iter: 500);
    }
}
