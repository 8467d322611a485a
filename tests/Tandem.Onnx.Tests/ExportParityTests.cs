using Tandem.Tests;
using Google.Protobuf;
using Tandem.Models;
using Tandem.Models.Recipes;
using Tandem.Models.Towers;
using Tandem.Data.Datasets;
using Tandem.Data.Schema;
using Tandem.Pretrained;
using Tandem.Tensors.Autograd;
using Xunit.Abstractions;

namespace Tandem.Onnx.Tests;

/// <summary>
/// Each tower kind, exported and run by ONNX Runtime on real ml-latest-small inputs, gives Tandem's
/// embeddings within 1e-5.
/// </summary>
public class ExportParityTests(ITestOutputHelper output)
{
    const float Tolerance = 1e-5f;
    static MovieLensData MovieLens => MovieLensData.Shared;

    [Fact]
    public void TrainedTowersWithBatchNormAndGeluMatch()
    {
        // One epoch, so the batch norm's running statistics and every table are trained values.
        var towers = new TowerOptions { Hidden = [64], Normalization = Normalization.Batch, Activation = Activation.Gelu, OutputDimension = 32 };
        var recipe = MovieLens.Recipe with
        {
            User = towers,
            Item = towers,
            Training = new() { Epochs = 1, BatchSize = 2048 },
        };
        var (model, _) = MovieLens.Data.Train(recipe);
        AssertBothTowersMatch(model);
    }

    public static TheoryData<string> Variants => ["attention", "gru", "self-attention", "decay", "masked", "gated", "transformer", "first-token", "hierarchy", "parts", "tanh"];

    [Theory]
    [MemberData(nameof(Variants))]
    public void UntrainedVariantsMatch(string variant)
    {
        var towers = new TowerOptions { Hidden = [48], OutputDimension = 24 };
        var recipe = variant switch
        {
            "attention" => MovieLens.Recipe with
            {
                User = towers with { Sequence = new() { Pooling = SequencePooling.Attention }, Normalization = Normalization.Layer },
                Item = towers with { Normalization = Normalization.Layer },
            },
            "gru" => MovieLens.Recipe with
            {
                User = towers with { Features = ["user", "history"], Sequence = new() { Pooling = SequencePooling.Gru } },
                Item = towers,
            },
            "self-attention" => MovieLens.Recipe with
            {
                User = towers with { Features = ["user", "history"], Sequence = new() { Pooling = SequencePooling.SelfAttention, Heads = 4 } },
                Item = towers,
            },
            "transformer" => MovieLens.Recipe with
            {
                User = towers,
                Item = towers with { Features = ["item", "title"], Text = new() { Encoding = TextEncoding.Transformer, Layers = 2, Heads = 4 }, Fusion = new() { MaskMissing = true } },
            },
            "first-token" => MovieLens.Recipe with
            {
                User = towers,
                Item = towers with { Features = ["title"], Text = new() { Encoding = TextEncoding.Transformer, Layers = 1, Pooling = TextPooling.First, FeedForward = 40 } },
            },
            "decay" => MovieLens.Recipe with
            {
                User = towers with { Sequence = new() { TimeDecay = 0.3f }, Hidden = [], L2Normalize = false },
                Item = towers with { Hidden = [32, 32], L2Normalize = false },
            },
            "masked" => MovieLens.Recipe with
            {
                User = towers with { Fusion = new() { MaskMissing = true } },
                Item = towers with { Fusion = new() { MaskMissing = true } },
            },
            "gated" => MovieLens.Recipe with
            {
                User = towers with { Fusion = new() { Kind = FusionKind.Gated } },
                Item = towers with { Fusion = new() { Kind = FusionKind.Gated } },
            },
            "tanh" => MovieLens.Recipe with
            {
                User = towers with { Features = ["history"], Activation = Activation.Tanh, L2Normalize = false },
                Item = towers with { Features = ["item"], Hidden = [], L2Normalize = false },
            },
            "hierarchy" => MovieLens.Recipe with
            {
                User = towers with { Features = ["user", "rating"] },
                Item = towers with { Features = ["item", "item_hash"], Hierarchies = new Dictionary<string, IReadOnlyList<string>> { ["item"] = ["item_hash"] } },
            },
            _ => MovieLens.Recipe with
            {
                User = towers with { Features = ["when", "time", "history"] },
                Item = towers with { Features = ["genres", "title"], Dimensions = new Dictionary<string, int> { ["genres"] = 8 } },
            },
        };
        var data = MovieLens.Data;
        AssertBothTowersMatch(recipe.Build(data.Fitted, data.Items.Counts, data.Items, data.Users), cold: true);
    }

    [Fact]
    public void PosterCnnMatches()
    {
        // Real posters (ml-latest-small-posters), a row without one and a row whose file is not there.
        string folder = Path.Combine(SharedData.Root, "ml-latest-small-posters");
        var posters = Directory.GetFiles(folder, "*.jpg").Order(StringComparer.Ordinal).Take(48).Select(p => Path.GetFileName(p)).ToArray();
        var set = ImageSet.Build(posters, 32, folder);
        var rng = new Random(7);
        var poster = new ImageFeature(new FeatureSpec("poster", "poster", FeatureKind.Image, Tower.Item), set.Store, set.Paths, set.Missing, new ImageCnnOptions(), rng);
        var tower = new EncoderTower(Tower.Item, [poster], new TowerOptions { Hidden = [32], OutputDimension = 16, Fusion = new() { MaskMissing = true } }, rng);
        string[] paths = [.. posters, "", "no-such-poster.jpg"];
        var input = new TowerInput(paths.Length, new() { ["poster"] = new FeatureInput { Texts = paths } });
        // Training-mode passes move the batch norms' running statistics off their initial 0 and 1.
        using (var tape = new Tape())
            for (int i = 0; i < 3; i++)
            {
                tower.Forward(tape, input, training: true);
                tape.Reset();
            }
        AssertMatches(tower, input, "poster.onnx");
    }

    void AssertBothTowersMatch(TwoTowerModel model, bool cold = false)
    {
        var data = MovieLens.Data;
        var users = Enumerable.Range(0, data.Users.UserCount).Where(data.Users.HasTraining).Take(160).ToArray();
        AssertMatches(model.User, Cold(data.Users.Input(users), "user", cold), "user.onnx");
        var items = data.Items.Items.Where((_, i) => i % 41 == 0).ToArray();
        AssertMatches(model.Item, Cold(data.Items.Input(items), model.ItemFeature, cold), "item.onnx");
    }

    /// <summary>
    /// With <paramref name="cold"/>, every third example becomes a cold one: its id unknown (0), and a
    /// user's history empty, so masks, empty bags and zero-length histories are compared too.
    /// </summary>
    static TowerInput Cold(TowerInput input, string feature, bool cold)
    {
        if (cold)
            for (int b = 0; b < input.Count; b += 3)
            {
                input[feature].Ids[b] = 0;
                if (feature == "user") input["history"].Lengths[b] = 0;
            }
        return input;
    }

    void AssertMatches(EncoderTower tower, TowerInput input, string file)
    {
        var expected = TwoTowerModel.Embed(tower, [input]).Span.ToArray();
        string path = Path.Combine(MovieLens.Folder, Guid.NewGuid().ToString("N") + file);
        File.WriteAllBytes(path, OnnxExport.Tower(tower).ToByteArray());
        using var onnx = new OnnxModel(path);
        var feeds = OnnxFeeds.From(tower, input).ToDictionary(f => f.Name, f => (f.Longs ?? (Array)f.Floats!, f.Shape.Select(d => (int)d).ToArray()));
        Assert.Equal(onnx.Inputs.Order(), feeds.Keys.Order());
        var (values, shape) = onnx.Run(feeds);
        Assert.Equal([input.Count, tower.OutputDimension], shape);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - values[i]));
        output.WriteLine($"{file}: {input.Count} rows, largest difference {worst:g3}");
        Assert.True(worst <= Tolerance, $"{file}: largest difference {worst} over {input.Count} rows");
        // Real inputs, not a degenerate case: the embeddings differ from row to row.
        Assert.NotEqual(expected.AsSpan(0, tower.OutputDimension).ToArray(), expected.AsSpan(tower.OutputDimension, tower.OutputDimension).ToArray());
    }
}
