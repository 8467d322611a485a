using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.Encoders;

public class EncoderTests
{
    // Six interactions; rows 0-3 are the training split, rows 4-5 are held out and hold unseen values.
    const string Interactions =
        "user,item,ts,price,city,tags,note,emb\n" +
        "u1,a,0,1,paris,x|y,hello,\"1 2\"\n" +        // Thursday 1970-01-01 00:00 UTC
        "u1,b,90000,3,paris,y,,\"3 4\"\n" +           // Friday 01:00 (86,400 + 3,600)
        "u2,a,180000,5,rome,,hi,\"5 6\"\n" +          // Saturday 02:00
        "u2,c,259200,,paris,x|x|z,,\"7 8\"\n" +        // Sunday 00:00, price missing
        "u3,d,345600,100,oslo,w,,\"9 10\"\n" +
        "u1,a,432000,-2,rome,y,,\"11 12\"\n";
    static readonly int[] Train = [0, 1, 2, 3];

    static (InteractionLog Log, FittedFeatures Fitted, EncodedData Data) Fit(SchemaBuilder builder)
    {
        var schema = builder.Interactions(user: "user", item: "item", timestamp: "ts").Build();
        var log = InteractionLog.Load(schema, TestData.File("i.csv", Interactions));
        var fitted = FittedFeatures.Fit(log, Train);
        return (log, fitted, fitted.Encode(log, Train));
    }

    static BatchFeature Gather(EncodedData data, string name, params int[] rows)
    {
        var batch = data.CreateBatch();
        data.Fill(batch, rows);
        return batch[name];
    }

    [Fact]
    public void VocabularyKeepsValuesSeenMinCountTimesAndMapsTheRestToZero()
    {
        var (_, fitted, data) = Fit(new SchemaBuilder().Categorical("city", "city", Tower.Context, minCount: 2).Id("item", "item", Tower.Item));
        // Training cities: paris ×3, rome ×1 → only paris reaches min count 2.
        var city = (CategoricalEncoder)fitted["city"];
        Assert.Equal(2, city.Cardinality);
        Assert.Equal(1, city.Encode("paris"));
        Assert.Equal(0, city.Encode("rome"));
        Assert.Equal(0, city.Encode("never seen"));
        Assert.Equal([1, 1, 0, 1, 0, 0], Gather(data, "city", 0, 1, 2, 3, 4, 5).Ids[..6]);
        // Items in training: a ×2, b, c → ids by count then ordinal: a=1, b=2, c=3; d was only in test.
        var item = (CategoricalEncoder)fitted["item"];
        Assert.Equal(["a", "b", "c"], Enumerable.Range(1, 3).Select(i => item.Vocabulary!.Token(i)));
        Assert.Equal([1, 2, 1, 3, 0, 1], Gather(data, "item", 0, 1, 2, 3, 4, 5).Ids[..6]);
    }

    [Fact]
    public void HashingIsStableAndInRange()
    {
        var (_, fitted, data) = Fit(new SchemaBuilder().Categorical("city", "city", Tower.Context, hashBuckets: 7));
        var city = (CategoricalEncoder)fitted["city"];
        Assert.Null(city.Vocabulary);
        Assert.Equal(7, city.Cardinality);
        var ids = Gather(data, "city", 0, 1, 2, 3, 4, 5).Ids[..6];
        Assert.All(ids, id => Assert.InRange(id, 0, 6));
        Assert.Equal(ids[0], ids[1]); // paris, paris
        Assert.Equal(ids[2], ids[5]); // rome, rome
        // FNV-1a is fixed: the bucket of "paris" never changes across processes or machines.
        Assert.Equal((int)(Fnv1a("paris") % 7), city.Encode("paris"));
    }

    static uint Fnv1a(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) { h = (h ^ (byte)c) * 16777619; h = (h ^ (byte)(c >> 8)) * 16777619; }
        return h;
    }

    [Fact]
    public void MultiCategoricalGivesBagsWithOffsets()
    {
        var (_, fitted, data) = Fit(new SchemaBuilder().MultiCategorical("tags", "tags", Tower.Context, pooling: Pooling.Sum));
        // Training tags: x ×3 (x|y, x|x|z), y ×2, z ×1 → x=1, y=2, z=3; w is unseen.
        var f = Gather(data, "tags", 0, 2, 3, 4);
        Assert.Equal([0, 2, 2, 5, 6], f.Offsets[..5]);
        Assert.Equal([1, 2, 1, 1, 3, 0], f.Ids[..6]);
        Assert.Equal(6, f.IdCount);
        Assert.Equal(Pooling.Sum, f.Spec.Pooling);
        Assert.Equal(4, ((CategoricalEncoder)fitted["tags"]).Cardinality);
    }

    [Fact]
    public void ZScoreUsesTrainingStatisticsAndImputesTheMean()
    {
        var (_, fitted, data) = Fit(new SchemaBuilder().Numeric("price", "price", Tower.Context, NumericTransform.ZScore, MissingPolicy.ImputeMean));
        var price = (NumericEncoder)fitted["price"];
        // Training prices 1, 3, 5 (row 3 is missing): mean 3, population std sqrt(8/3).
        Assert.Equal(3, price.Mean, 12);
        Assert.Equal(Math.Sqrt(8.0 / 3), price.Std, 12);
        var values = Gather(data, "price", 0, 1, 2, 3, 4).Values!.Span.ToArray();
        double s = Math.Sqrt(8.0 / 3);
        Assert.Equal([(float)(-2 / s), 0f, (float)(2 / s), 0f, (float)(97 / s)], values);
    }

    [Fact]
    public void Log1pAndMinMax()
    {
        var (_, fitted, data) = Fit(new SchemaBuilder()
            .Numeric("log", "price", Tower.Context, NumericTransform.Log1p, MissingPolicy.ImputeMean)
            .Numeric("mm", "price", Tower.Context, NumericTransform.MinMax, MissingPolicy.ImputeMean));
        // log1p(max(x, 0)): 1 → ln 2; -2 → 0; missing → ln(1 + mean 3) = ln 4.
        Assert.Equal([MathF.Log(2), MathF.Log(4), 0f], Gather(data, "log", 0, 3, 5).Values!.Span.ToArray());
        // min 1, max 5: 3 → 0.5; 100 → clamped 1; -2 → clamped 0.
        Assert.Equal([0.5f, 1f, 0f], Gather(data, "mm", 1, 4, 5).Values!.Span.ToArray());
    }

    [Fact]
    public void QuantileBinsAreIds()
    {
        var (_, fitted, data) = Fit(new SchemaBuilder().Numeric("q", "price", Tower.Context, NumericTransform.Quantile, MissingPolicy.ImputeMean, bins: 3));
        var q = (NumericEncoder)fitted["q"];
        // Sorted training sample [1, 3, 5]; edges at positions 3·1/3 = 1 and 3·2/3 = 2 → 3 and 5.
        Assert.Equal([3.0, 5.0], q.Edges);
        Assert.Equal(3, q.Cardinality);
        // 1 → bin 0; 3 → 1; 5 → 2; missing → mean 3 → 1; 100 → 2; -2 → 0.
        Assert.Equal([0, 1, 2, 1, 2, 0], Gather(data, "q", 0, 1, 2, 3, 4, 5).Ids[..6]);
    }

    [Fact]
    public void TimestampGivesHourDayAndAge()
    {
        var (_, fitted, data) = Fit(new SchemaBuilder().Timestamp("time", "ts"));
        Assert.Equal(259_200, ((TimestampEncoder)fitted["time"]).Reference);
        // 0 → Thu 00h; 90,000 → Fri 01h; 180,000 → Sat 02h; 259,200 → Sun 00h.
        Assert.Equal([0, 1, 2, 0], Gather(data, "time.hour_of_day", 0, 1, 2, 3).Ids[..4]);
        Assert.Equal([4, 5, 6, 0], Gather(data, "time.day_of_week", 0, 1, 2, 3).Ids[..4]);
        // Age: 259,200 s = 3 days before the reference → ln 4; the reference itself and later → 0.
        Assert.Equal([MathF.Log(4), 0f, 0f], Gather(data, "time.age", 0, 3, 5).Values!.Span.ToArray());
        Assert.Equal(3, TimestampEncoder.DayOfWeek(-1)); // 1969-12-31 23:59:59 was a Wednesday
        Assert.Equal(23, TimestampEncoder.HourOfDay(-1));
    }

    [Fact]
    public void TextIsTokenisedAndVectorsPassThrough()
    {
        var (_, _, data) = Fit(new SchemaBuilder().Text("note", "note", Tower.Context).Vector("emb", "emb", Tower.Context, 2));
        // Training notes "hello", "", "hi", "": each word once, so ordinal order: hello 1, hi 2.
        var note = Gather(data, "note", 0, 1, 2);
        Assert.Equal([1, 0, 1], note.Lengths[..3]);
        Assert.Equal([0, 1, 2], note.Offsets[..3]);
        Assert.Equal([1, 2], note.Ids[..note.IdCount]);
        Assert.Equal([5f, 6f, 11f, 12f], Gather(data, "emb", 2, 5).Values!.Span.ToArray());
    }

    [Fact]
    public void SideTableFeaturesJoinByKeyAndMissingRowsGetTheMissingValue()
    {
        var schema = new SchemaBuilder()
            .Interactions(user: "user", item: "item")
            .Categorical("color", "color", Tower.Item)
            .Numeric("age", "age", Tower.User, missing: MissingPolicy.ImputeMean)
            .Build();
        string interactions = TestData.File("r.csv", "user,item\nu1,a\nu2,b\nu1,c\n");
        string items = TestData.File("items.csv", "item,color\nb,blue\na,red\nz,green\n");
        string users = TestData.File("users.csv", "user,age\nu1,20\nu2,40\n");
        var log = InteractionLog.Load(schema, interactions, users, items);
        var fitted = FittedFeatures.Fit(log, [0, 1, 2]);
        var data = fitted.Encode(log, [0, 1, 2]);
        // Colors over training examples: red (a), blue (b); item c has no row → id 0.
        Assert.Equal(3, ((CategoricalEncoder)fitted["color"]).Cardinality);
        var color = (CategoricalEncoder)fitted["color"];
        Assert.Equal([color.Encode("red"), color.Encode("blue"), 0], Gather(data, "color", 0, 1, 2).Ids[..3]);
        // Ages per example 20, 40, 20: mean 80/3, std sqrt(800/9).
        var age = (NumericEncoder)fitted["age"];
        Assert.Equal(80.0 / 3, age.Mean, 12);
    }

    [Fact]
    public void EveryEncoderRoundTripsThroughAStream()
    {
        var (log, fitted, _) = Fit(new SchemaBuilder()
            .Id("item", "item", Tower.Item)
            .Categorical("hashed", "city", Tower.Context, hashBuckets: 11)
            .MultiCategorical("tags", "tags", Tower.Context)
            .Numeric("z", "price", Tower.Context, NumericTransform.ZScore, MissingPolicy.ImputeMean)
            .Numeric("q", "price", Tower.Context, NumericTransform.Quantile, MissingPolicy.ImputeMean, bins: 3)
            .Timestamp("time", "ts")
            .Sequence("history", "item", maxLength: 3)
            .Text("note", "note", Tower.Context)
            .Vector("emb", "emb", Tower.Context, 2));
        foreach (var encoder in fitted.Encoders)
        {
            var stream = new MemoryStream();
            encoder.Save(stream);
            stream.Position = 0;
            var loaded = FeatureEncoder.Load(encoder.Spec, stream);
            Assert.Equal(stream.Length, stream.Position);
            var again = new MemoryStream();
            loaded.Save(again);
            Assert.Equal(stream.ToArray(), again.ToArray());
        }
        var all = new MemoryStream();
        fitted.Save(all);
        all.Position = 0;
        var reloaded = FittedFeatures.Load(all, log.Schema);
        int[] everything = [0, 1, 2, 3, 4, 5];
        var before = fitted.Encode(log, Train);
        var after = reloaded.Encode(log, Train);
        var b1 = before.CreateBatch();
        var b2 = after.CreateBatch();
        before.Fill(b1, everything);
        after.Fill(b2, everything);
        foreach (var f in b1.Features)
        {
            var g = b2[f.Name];
            Assert.Equal(f.Ids[..f.IdCount], g.Ids[..g.IdCount]);
            Assert.Equal(f.Values?.Span.ToArray(), g.Values?.Span.ToArray());
        }
    }

    [Fact]
    public void CorruptFittedStateIsRejected()
    {
        var (log, fitted, _) = Fit(new SchemaBuilder().Id("item", "item", Tower.Item));
        var stream = new MemoryStream();
        fitted.Save(stream);
        var bytes = stream.ToArray();
        bytes[20] ^= 1;
        var e = Assert.Throws<DataException>(() => FittedFeatures.Load(new MemoryStream(bytes), log.Schema));
        Assert.Equal("the stream is not a valid Tandem fitted-state stream: checksum mismatch", e.Message);
        bytes[0] ^= 1;
        e = Assert.Throws<DataException>(() => FittedFeatures.Load(new MemoryStream(bytes), log.Schema));
        Assert.Equal("the stream is not a valid Tandem fitted-state stream: wrong magic number", e.Message);
        var other = new SchemaBuilder().Interactions(user: "user", item: "item", timestamp: "ts").Categorical("item", "item", Tower.Item).Build();
        e = Assert.Throws<DataException>(() => FittedFeatures.Load(new MemoryStream(stream.ToArray()), other));
        Assert.Equal("the stream is not a valid Tandem fitted-state stream: feature 0 is 'item' (Id), but the schema declares 'item' (Categorical)", e.Message);
    }

    [Fact]
    public void WeightsByRatingAndRecency()
    {
        var schema = new SchemaBuilder().Interactions(user: "u", item: "i", timestamp: "t", rating: "r")
            .Weighting(new Weighting(WeightingKind.Recency, HalfLifeDays: 1)).Build();
        var log = InteractionLog.Load(schema, TestData.File("r.csv", "u,i,t,r\na,x,0,5\na,y,86400,4\nb,x,172800,3\n"));
        var data = FittedFeatures.Fit(log, [0, 1, 2]).Encode(log, [0, 1, 2]);
        // Reference 172,800 s: ages 2, 1, 0 days with a one-day half-life → 1/4, 1/2, 1.
        Assert.Equal([0.25f, 0.5f, 1f], data.Weights);
        Assert.Equal([1f, 1f, 1f], data.Labels);
        Assert.Equal([5f, 4f, 3f], ExampleTargets.Weights(log, new Weighting(WeightingKind.Rating), 0));
    }
}
