using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Gdal;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Raster;

/// <summary>
/// A VRT that is its own source failed only when its pixels were read, with GDAL's "Recursion detected" (or a
/// complaint about the dataset pool) and no word of which file loops: it is refused at open, naming the chain.
/// </summary>
public class VrtSourceTests
{
    private static string Vrt(string source, bool relative) => $"""
        <VRTDataset rasterXSize="8" rasterYSize="8">
          <GeoTransform>499000, 0.8, 0, 3301000, 0, -0.8</GeoTransform>
          <VRTRasterBand dataType="UInt16" band="1">
            <SimpleSource><SourceFilename relativeToVRT="{(relative ? 1 : 0)}">{source}</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
          </VRTRasterBand>
        </VRTDataset>
        """;

    [Fact]
    public void AVrtNamingItself_IsRefusedAtOpen()
    {
        using var dir = new TempDir();
        var self = dir.File("self.vrt");
        File.WriteAllText(self, Vrt("self.vrt", relative: true));
        var e = Assert.Throws<PixelGridException>(() => Scene.Open(self));
        Assert.Equal($"'{self}' is a VRT that is its own source ('{self}' -> '{self}'); a VRT cannot read itself.", e.Message);
    }

    [Fact]
    public void TwoVrtsNamingEachOther_AreRefused_NamingTheLoop()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.vrt"), Vrt(dir.File("b.vrt"), relative: false));
        File.WriteAllText(dir.File("b.vrt"), Vrt("a.vrt", relative: true));
        var e = Assert.Throws<PixelGridException>(() => Scene.Open(dir.File("a.vrt")));
        Assert.Contains($"('{dir.File("a.vrt")}' -> '{dir.File("b.vrt")}' -> '{dir.File("a.vrt")}')", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoVrtsSharingOneSource_AreNoLoop()
    {
        using var dir = new TempDir();
        var tif = RasterFixtures.WriteCoded(dir, "band.tif", 8, 8, 1);
        File.WriteAllText(dir.File("inner.vrt"), Vrt(tif, relative: false));
        File.WriteAllText(dir.File("outer.vrt"), Vrt("inner.vrt", relative: true).Replace("</VRTRasterBand>",
            "</VRTRasterBand><VRTRasterBand dataType=\"UInt16\" band=\"2\"><SimpleSource><SourceFilename relativeToVRT=\"1\">inner.vrt</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand>"));
        using var scene = Scene.Open(dir.File("outer.vrt"));
        Assert.Equal(2, scene.BandCount);
    }
}
