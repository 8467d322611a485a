using Tandem.Data.Images;

namespace Tandem.Data.Tests.Images;

public class BilinearTests
{
    static readonly ImageOptions Raw = new() { Size = 4, Mean = [0, 0, 0], Std = [1, 1, 1] };

    [Fact]
    public void UpsamplingInterpolatesBetweenPixelCentres()
    {
        // A 2x1 image, red 0 then 255 (green and blue 0); resized to 4x4 with half-pixel centres the
        // output columns sit at source x = (o + 0.5)·2/4 - 0.5 = -0.25 → 0, 0.25, 0.75, 1.25 → 1 (clamped):
        // red/255 = 0, 0.25, 0.75, 1.
        byte[] rgb = [0, 0, 0, 255, 0, 0];
        var y = new float[Raw.Length];
        Bilinear.Resize(rgb, 2, 1, Raw, y);
        float[] red = [0, 0.25f, 0.75f, 1];
        for (int row = 0; row < 4; row++)
            for (int x = 0; x < 4; x++) Assert.Equal(red[x], y[row * 4 + x], 5);
        Assert.All(y[16..], v => Assert.Equal(0, v)); // green and blue planes
    }

    [Fact]
    public void SameSizeKeepsPixelsAndNormalisesPerChannel()
    {
        var options = new ImageOptions { Size = 2, Mean = [0.5f, 0.25f, 0], Std = [0.5f, 0.25f, 2] };
        byte[] rgb = [255, 0, 51, 0, 255, 102, 255, 255, 0, 0, 0, 255];
        var y = new float[options.Length];
        Bilinear.Resize(rgb, 2, 2, options, y);
        // red (1, 0, 1, 0) → (v - 0.5)/0.5 = (1, -1, 1, -1); green (0, 1, 1, 0) → (v - 0.25)/0.25 = (-1, 3, 3, -1);
        // blue (0.2, 0.4, 0, 1) → v/2 = (0.1, 0.2, 0, 0.5)
        float[] expected = [1, -1, 1, -1, -1, 3, 3, -1, 0.1f, 0.2f, 0, 0.5f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y[i], 5);
    }

    [Fact]
    public void ABufferTooSmallForTheImageIsRejected()
    {
        var y = new float[Raw.Length];
        Assert.Contains("2x2 RGB", Assert.Throws<ArgumentException>(() => Bilinear.Resize(new byte[5], 2, 2, Raw, y)).Message);
    }
}
