using Tandem.Tests;
using Tandem.Data.Datasets;

namespace Tandem.Data.Tests.Datasets;

public class ImageCaptionsTests
{
    [Fact]
    public void TheFlickrLayoutIsReadByNameOrFolder()
    {
        var byName = ImageCaptions.Load(Flickr8k.Name, SharedData.Root);
        var byFolder = ImageCaptions.Load(byName.Directory);
        Assert.Equal(1000, byFolder.Images.Count);
        Assert.Equal(byName.Images, byFolder.Images);
    }

    [Fact]
    public void TheCocoLayoutKeepsPhotosWithAFileAndACaption()
    {
        string dir = TestData.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "annotations"));
        Directory.CreateDirectory(Path.Combine(dir, "train2014"));
        File.WriteAllText(Path.Combine(dir, "train2014", "a.jpg"), "");
        File.WriteAllText(Path.Combine(dir, "train2014", "c.jpg"), "");
        File.WriteAllText(Path.Combine(dir, "annotations", "captions_train2014.json"), """
            { "images": [ { "id": 1, "file_name": "a.jpg" }, { "id": 2, "file_name": "b.jpg" }, { "id": 3, "file_name": "c.jpg" } ],
              "annotations": [ { "image_id": 1, "caption": " A cat . " }, { "image_id": 2, "caption": "No file." }, { "image_id": 1, "caption": "Another." } ] }
            """);
        var data = ImageCaptions.Load(dir);
        // b.jpg has no file and c.jpg no caption: only a.jpg is left, with both its captions trimmed.
        Assert.Equal([Path.Combine("train2014", "a.jpg")], data.Images);
        Assert.Equal(["A cat .", "Another."], data.Captions[0]);
        Assert.Equal(Path.Combine(dir, "train2014", "a.jpg"), data.ImagePath(0));
    }

    [Theory]
    [InlineData("""{ "images": [] }""", "need an array \"annotations\"")]
    [InlineData("""{ "images": [ { "id": "x", "file_name": "a.jpg" } ], "annotations": [] }""", "lacks the number field \"id\"")]
    [InlineData("""{ "images": [ """, "not COCO captions JSON (line 1")]
    [InlineData("""{ "images": [], "annotations": [] }""", "no image has both a file and a caption")]
    public void MalformedCocoCaptionsNameTheFile(string json, string message)
    {
        string dir = TestData.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "annotations"));
        string file = Path.Combine(dir, "annotations", "captions_val.json");
        File.WriteAllText(file, json);
        var e = Assert.Throws<DataException>(() => ImageCaptions.Load(dir));
        Assert.Contains(file, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AFolderOfNeitherLayoutSaysWhatItLooksFor() =>
        Assert.Contains("neither captions.txt (Flickr8k layout) nor annotations/captions_*.json (COCO layout)",
            Assert.Throws<DataException>(() => ImageCaptions.Load(TestData.TempDir())).Message);
}
