namespace Tandem.Bench;

/// <summary>The benchmarks' tiny option parser: <c>--name value</c> pairs.</summary>
static class Args
{
    public static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
