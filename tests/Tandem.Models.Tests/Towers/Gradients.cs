using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Towers;

/// <summary>Gradient checks shared by the tower tests.</summary>
static class Gradients
{
    /// <summary>Asserts that every parameter got a nonzero gradient (sparse ones: touched rows).</summary>
    public static void AssertEveryParameterGetsOne(IEnumerable<Parameter> parameters)
    {
        foreach (var p in parameters)
        {
            bool any = p.IsSparse ? p.SparseGrad!.Count > 0 : p.Grad.Span.ContainsAnyExcept(0f);
            Assert.True(any, $"{p.Name} got no gradient");
        }
    }

    /// <summary>
    /// Compares the analytic gradients already in <paramref name="parameters"/> with central
    /// differences of <paramref name="loss"/> (step 1e-2, float) on about <paramref name="samples"/>
    /// entries of each: |numeric − analytic| &lt; absolute + relative·|analytic|.
    /// </summary>
    public static void AssertMatchFiniteDifferences(IEnumerable<Parameter> parameters, Func<float> loss, int samples, float absolute, float relative)
    {
        foreach (var p in parameters)
        {
            var values = p.Value.Span;
            var grad = p.Grad.Span.ToArray();
            for (int i = 0; i < values.Length; i += Math.Max(1, values.Length / samples))
            {
                float keep = values[i], h = 1e-2f;
                values[i] = keep + h;
                float up = loss();
                values[i] = keep - h;
                float down = loss();
                values[i] = keep;
                float numeric = (up - down) / (2 * h);
                Assert.True(MathF.Abs(numeric - grad[i]) < absolute + relative * MathF.Abs(grad[i]), $"{p.Name}[{i}]: numeric {numeric}, analytic {grad[i]}");
            }
        }
    }
}
