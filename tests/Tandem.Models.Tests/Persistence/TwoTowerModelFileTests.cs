using Tandem.IO;
using Tandem.Models.Persistence;
using Tandem.Models.Training;
using Tandem.Tests;

namespace Tandem.Models.Tests.Persistence;

public sealed class TwoTowerModelFileTests : IDisposable
{
    readonly StatefulModel s = new();
    readonly TempDirectory dir = new();

    public void Dispose()
    {
        s.Dispose();
        dir.Dispose();
    }

    [Fact]
    public void ABatchNormModelReloadsWithItsBuffersAndScoresBitForBit()
    {
        var model = s.Build();
        new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.01f, Seed = 3 }).Fit(model, s.Data, s.Split.Train);
        var buffers = model.Buffers.ToList();
        Assert.Equal(["user.norm0.mean", "user.norm0.var", "item.norm0.mean", "item.norm0.var", "task.logq.last_seen", "task.logq.gap"], buffers.Select(b => b.Name));
        // Trained statistics, not the initial mean 0 and variance 1.
        Assert.All(buffers[..4], b => Assert.True(b.Value.Span.ContainsAnyExcept(b.Name.EndsWith(".mean", StringComparison.Ordinal) ? 0f : 1f), b.Name));

        string path = dir.File("model.tandem");
        model.Save(path);
        var loaded = TwoTowerModel.Load(path);
        Assert.Equal(buffers.Select(b => StatefulModel.Bits(b.Value.Span)), loaded.Buffers.Select(b => StatefulModel.Bits(b.Value.Span)));
        Assert.Equal(s.Scores(model), s.Scores(loaded));

        // The same parameters without the statistics score differently: the buffers matter.
        var parametersOnly = s.Build();
        using (var reader = TandemFileReader.Open(path, TandemFileKind.Model)) ParameterSections.Read(reader, parametersOnly.Parameters);
        Assert.NotEqual(s.Scores(model), s.Scores(parametersOnly));
    }

    [Fact]
    public void AFileWithoutTheModelsBuffersIsRefused()
    {
        string path = dir.File("old.tandem");
        s.Build().Save(path);
        // As written before buffers were saved: every section but the buffers.
        var writer = new TandemFileWriter(TandemFileKind.Model);
        using (var reader = TandemFileReader.Open(path, TandemFileKind.Model))
            foreach (var section in reader.Sections.Where(x => !x.Name.StartsWith("buffer/", StringComparison.Ordinal)))
            {
                byte[] bytes = reader.ReadBytes(section.Name, section.Kind);
                writer.Add(section.Name, section.Kind, stream => stream.Write(bytes));
            }
        writer.Save(path);
        var e = Assert.Throws<TandemFileException>(() => TwoTowerModel.Load(path));
        Assert.Equal($"{path}: buffer 'user.norm0.mean' of the model is not in the file; the file was saved from a different model or configuration", e.Message);
    }
}
