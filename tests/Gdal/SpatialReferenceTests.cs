using System.Text.RegularExpressions;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// CRSs through OSR: EPSG import, identification of WKT without an authority, equality, and
/// coordinate transforms in GIS axis order (x = easting/longitude), checked against gdaltransform.
/// </summary>
public partial class SpatialReferenceTests
{
    [Fact]
    public void FromEpsg4546_IsCgcs2000GaussKrugerCm111()
    {
        // EPSG:4534..4554 are CGCS2000 3-degree GK zones CM 75E..135E without zone prefix: 4546 is CM 111E.
        var crs = SpatialReference.FromEpsg(4546);
        Assert.Equal(4546, crs.Epsg);
        Assert.True(crs.IsProjected);
        Assert.False(crs.IsGeographic);
        Assert.Equal("CGCS2000 / 3-degree Gauss-Kruger CM 111E", crs.Name);
        Assert.Contains("CGCS2000", crs.Name, StringComparison.Ordinal);
        Assert.Equal(1.0, crs.LinearUnitMetres);
        Assert.Contains("PARAMETER[\"central_meridian\",111]", crs.Wkt, StringComparison.Ordinal);
        Assert.Equal("EPSG:4546 (CGCS2000 / 3-degree Gauss-Kruger CM 111E)", crs.ToString());
    }

    [Fact]
    public void FromEpsg4547_IsCgcs2000GaussKrugerCm114()
    {
        var crs = SpatialReference.FromEpsg(4547);
        Assert.Equal("CGCS2000 / 3-degree Gauss-Kruger CM 114E", crs.Name);
        Assert.Contains("PARAMETER[\"central_meridian\",114]", crs.Wkt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4326, "WGS 84")]
    [InlineData(4490, "China Geodetic Coordinate System 2000")]
    public void FromEpsg_GeographicCrs(int epsg, string name)
    {
        var crs = SpatialReference.FromEpsg(epsg);
        Assert.Equal(epsg, crs.Epsg);
        Assert.True(crs.IsGeographic);
        Assert.False(crs.IsProjected);
        Assert.Equal(name, crs.Name);
    }

    [Theory]
    [InlineData(4546)]
    [InlineData(4547)]
    [InlineData(4490)]
    [InlineData(4326)]
    [InlineData(32618)]
    [InlineData(28992)]
    public void Parse_WktWithoutAuthority_IdentifiesItsEpsg(int epsg)
    {
        var wkt = AuthorityNode().Replace(SpatialReference.FromEpsg(epsg).Wkt, "");
        Assert.DoesNotContain("AUTHORITY", wkt, StringComparison.Ordinal);
        var crs = SpatialReference.Parse(wkt);
        Assert.Equal(epsg, crs.Epsg);
        Assert.True(crs.IsSame(SpatialReference.FromEpsg(epsg)));
    }

    [Fact]
    public void Parse_EsriPrjOfWgs84_IsIdentifiedAs4326()
    {
        const string prj = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]]," +
                           "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";
        var crs = SpatialReference.Parse(prj);
        Assert.Equal(4326, crs.Epsg);
        Assert.True(crs.IsGeographic);
    }

    [Theory]
    [InlineData("EPSG:4546", 4546)]
    [InlineData("epsg:4326", 4326)]
    [InlineData("WGS84", 4326)]
    public void Parse_UserInput(string definition, int epsg) => Assert.Equal(epsg, SpatialReference.Parse(definition).Epsg);

    [Fact]
    public void Parse_ProjStringThatMatchesSeveralCrss_HasNoEpsg()
    {
        // A GRS80 transverse Mercator at 114E: CGCS2000, but also several other GRS80 datums; OSR
        // gives no confident match, so no EPSG code is claimed.
        var crs = SpatialReference.Parse("+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs");
        Assert.Null(crs.Epsg);
        Assert.True(crs.IsProjected);
    }

    [Fact]
    public void IsSame_ComparesTheCrsNotTheText()
    {
        var epsg = SpatialReference.FromEpsg(4546);
        var stripped = SpatialReference.Parse(AuthorityNode().Replace(epsg.Wkt, ""));
        Assert.True(epsg.IsSame(stripped));
        Assert.True(epsg.Equals(stripped));
        Assert.False(epsg.IsSame(SpatialReference.FromEpsg(4547)));
        Assert.False(epsg.IsSame(SpatialReference.FromEpsg(4490)));
        Assert.False(SpatialReference.FromEpsg(4326).IsSame(SpatialReference.FromEpsg(4490)));
    }

    [Fact]
    public void IsSame_MatchesACrsWithoutEpsg_AndEqualCrssHashAlike()
    {
        // OSR matches this PROJ string to EPSG:32618 with 70% confidence only (its name is "unknown"),
        // so it gets no EPSG code, yet it is the same CRS.
        var proj = SpatialReference.Parse("+proj=utm +zone=18 +datum=WGS84 +units=m +no_defs");
        var epsg = SpatialReference.FromEpsg(32618);
        Assert.Null(proj.Epsg);
        Assert.True(proj.IsSame(epsg));
        Assert.Equal(epsg, proj);
        Assert.Equal(epsg.GetHashCode(), proj.GetHashCode());
        Assert.Single(new HashSet<SpatialReference> { epsg, proj });
    }

    [Fact]
    public void UnknownEpsgCode_ThrowsNamingTheCode()
    {
        var e = Assert.Throws<GdalException>(() => SpatialReference.FromEpsg(999_999));
        Assert.Contains("EPSG:999999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_ThrowsNamingTheInput()
    {
        var e = Assert.Throws<GdalException>(() => SpatialReference.Parse("not a coordinate system"));
        Assert.Contains("not a coordinate system", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SpatialReference.Parse(" "));
    }

    // gdaltransform -s_srs EPSG:4546 -t_srs EPSG:4490 -output_xy  <<< "500000 3300000"  ->  111 29.8185545173954
    // gdaltransform -s_srs EPSG:4547 -t_srs EPSG:4490 -output_xy  <<< "500000 3300000"  ->  114 29.8185545173954
    [Theory]
    [InlineData(4546, 111.0)]
    [InlineData(4547, 114.0)]
    public void Transform_GaussKrugerToCgcs2000Geographic_IsLongitudeLatitude(int epsg, double centralMeridian)
    {
        using var t = new CoordinateTransform(SpatialReference.FromEpsg(epsg), SpatialReference.FromEpsg(4490));
        var (lon, lat) = t.Transform(500_000, 3_300_000);
        Assert.Equal(centralMeridian, lon, 9);
        Assert.Equal(29.8185545173954, lat, 9);
    }

    [Fact]
    public void Transform_RoundTripsManyPointsInPlace()
    {
        var gk = SpatialReference.FromEpsg(4547);
        var geo = SpatialReference.FromEpsg(4490);
        double[] x = [500_000, 400_000, 612_345.6];
        double[] y = [3_300_000, 2_500_000, 4_000_000.25];
        var x0 = x.ToArray();
        var y0 = y.ToArray();
        using (var forward = new CoordinateTransform(gk, geo)) forward.Transform(x, y);
        Assert.All(x, lon => Assert.InRange(lon, 112, 116)); // near CM 114E
        Assert.All(y, lat => Assert.InRange(lat, 22, 37));
        using (var back = new CoordinateTransform(geo, gk)) back.Transform(x, y);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.Equal(x0[i], x[i], 6);
            Assert.Equal(y0[i], y[i], 6);
        }
    }

    [Fact]
    public void Transform_Wgs84IsAlsoLongitudeFirst()
    {
        using var t = new CoordinateTransform(SpatialReference.FromEpsg(4326), SpatialReference.FromEpsg(32618));
        // gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32618 -output_xy <<< "-75 25"  ->  500000 2764947.74747836
        var (e, n) = t.Transform(-75, 25);
        Assert.Equal(500_000, e, 3);
        Assert.Equal(2_764_947.74747836, n, 3);
    }

    [Fact]
    public void Transform_MismatchedSpans_AreRefused()
    {
        using var t = new CoordinateTransform(SpatialReference.FromEpsg(4547), SpatialReference.FromEpsg(4490));
        Assert.Throws<ArgumentException>(() => t.Transform(new double[2], new double[3]));
    }

    [GeneratedRegex(@",AUTHORITY\[""EPSG"",""\d+""\]")]
    private static partial Regex AuthorityNode();
}
