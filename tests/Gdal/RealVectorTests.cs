using WeiPian.Engine.Gdal;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Real parcel layers read through OGR: counts, schema, attribute values and geometries, and
/// filters. Expected values come from <c>ogrinfo -al</c> / <c>ogrinfo -sql</c> (GDAL 3.6.2).
/// </summary>
public class RealVectorTests
{
    private static string DutchParcels => TestPaths.Real("parcels", "nl", "brpgewaspercelen_definitief_2023.gpkg");
    private static string Jecam => TestPaths.Real("parcels", "jecam", "BD_JECAM_CIRAD_2023_feb.shp");

    [RealDataFact]
    public void DutchParcels_LayerCrsAndSchema()
    {
        using var ds = VectorDataset.Open(DutchParcels);
        Assert.Equal("GPKG", ds.DriverName);
        Assert.Equal(1, ds.LayerCount);
        var layer = ds.Layer(0);
        Assert.Same(layer, ds.Layer("brp_gewas"));
        Assert.Equal("brp_gewas", layer.Name);
        Assert.Equal(100, layer.FeatureCount);
        Assert.Equal(GeometryKind.Polygon, layer.GeometryType);
        Assert.Equal(28992, layer.SpatialReference?.Epsg);
        Assert.Equal("Amersfoort / RD New", layer.SpatialReference?.Name);
        Assert.Equal(
            [
                new FieldDefinition("category", FieldKind.String, 100),
                new FieldDefinition("gewas", FieldKind.String, 120),
                new FieldDefinition("gewascode", FieldKind.Integer),
                new FieldDefinition("jaar", FieldKind.Integer),
                new FieldDefinition("status", FieldKind.String, 20),
            ],
            layer.Fields);
        var e = layer.Extent;
        Assert.Equal(62457.7406, e.MinX, 4);
        Assert.Equal(346308.542, e.MinY, 4);
        Assert.Equal(252276.3258, e.MaxX, 4);
        Assert.Equal(585260.335, e.MaxY, 4);
    }

    [RealDataFact]
    public void DutchParcels_AttributeValuesAndGeometries()
    {
        using var ds = VectorDataset.Open(DutchParcels);
        var features = ds.Layer(0).Features().ToList();
        Assert.Equal(100, features.Count);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), features.Select(f => f.Fid));

        var first = features[0];
        Assert.Equal("Landschapselement", first["category"]);
        Assert.Equal("Sloot", first["gewas"]);
        Assert.Equal(343L, first["gewascode"]);
        Assert.Equal(2023L, first.GetInt64("jaar"));
        Assert.Equal("Voorgesteld", first.GetString("STATUS")); // case-insensitive fallback
        var ring = Wkb.RingOf(first.Wkb!);
        Assert.Equal(98398.0614, ring[0].X, 1e-9);
        Assert.Equal(456892.335299998, ring[0].Y, 1e-9);
        Assert.Equal(ring[0], ring[^1]);

        var last = features[^1];
        Assert.Equal("Grasland, blijvend", last["gewas"]);
        Assert.Equal(265L, last["gewascode"]);

        Assert.Equal(20, features.Count(f => (string?)f["category"] == "Bouwland"));
        Assert.Equal(33, features.Count(f => (string?)f["category"] == "Grasland"));
        Assert.Equal(47, features.Count(f => (string?)f["category"] == "Landschapselement"));
        Assert.All(features, f =>
        {
            Assert.NotNull(f.Wkb);
            Assert.True(f.Wkb.Length > 9 + 4 * 16, $"feature {f.Fid} has a tiny geometry");
            Assert.Contains(Wkb.TypeOf(f.Wkb), new[] { Wkb.Polygon, Wkb.MultiPolygon });
            Assert.True(Wkb.Area(f.Wkb) > 0, $"feature {f.Fid} has no area");
        });
        Assert.Throws<KeyNotFoundException>(() => first["no_such_field"]);
    }

    [RealDataFact]
    public void DutchParcels_AttributeAndSpatialFilters()
    {
        using var ds = VectorDataset.Open(DutchParcels);
        var layer = ds.Layer(0);
        layer.SetAttributeFilter("gewascode = 343");
        Assert.Equal(43, layer.FeatureCount);
        Assert.All(layer.Features(), f => Assert.Equal(343L, f["gewascode"]));

        layer.SetAttributeFilter(null);
        // ogrinfo -spat 62000 346000 150000 460000: 44 features; with -where "category = 'Grasland'": 12.
        layer.SetSpatialFilter(new BoundingBox(62000, 346000, 150000, 460000));
        Assert.Equal(44, layer.FeatureCount);
        Assert.Equal(44, layer.Features().Count());
        layer.SetAttributeFilter("category = 'Grasland'");
        Assert.Equal(12, layer.Features().Count());

        layer.SetSpatialFilter(null);
        layer.SetAttributeFilter(null);
        Assert.Equal(100, layer.Features().Count());
    }

    /// <summary>
    /// GeoPackage hands the where-clause to SQLite only when features are read, so a bad filter is
    /// accepted by SetAttributeFilter and fails at the first count or read; both must say so.
    /// </summary>
    [RealDataFact]
    public void DutchParcels_BadAttributeFilter_FailsOnCountAndRead_NamingTheFile()
    {
        using var ds = VectorDataset.Open(DutchParcels);
        var layer = ds.Layer(0);
        layer.SetAttributeFilter("gewascode = = 1");
        var e = Assert.Throws<GdalException>(() => layer.FeatureCount);
        Assert.Contains(DutchParcels, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<GdalException>(() => layer.Features().Count());
        Assert.Contains(DutchParcels, e.Message, StringComparison.Ordinal);
        Assert.Contains("gewascode = = 1", e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void JecamShapefile_BadAttributeFilter_FailsAtOnce_NamingTheFileAndFilter()
    {
        // OGR's own SQL parser (Shapefile and most drivers) checks the clause when it is set.
        using var ds = VectorDataset.Open(Jecam);
        var e = Assert.Throws<GdalException>(() => ds.Layer(0).SetAttributeFilter("LandCover = = 'x'"));
        Assert.Contains(Jecam, e.Message, StringComparison.Ordinal);
        Assert.Contains("LandCover = = 'x'", e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void DutchParcels_UnknownLayer_ListsTheLayersThereAre()
    {
        using var ds = VectorDataset.Open(DutchParcels);
        Assert.False(ds.HasLayer("dltb"));
        Assert.True(ds.HasLayer("brp_gewas"));
        var e = Assert.Throws<KeyNotFoundException>(() => ds.Layer("dltb"));
        Assert.Contains("brp_gewas", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Layer(1));
    }

    [RealDataFact]
    public void JecamShapefile_LayerCrsAndSchema()
    {
        using var ds = VectorDataset.Open(Jecam);
        Assert.Equal("ESRI Shapefile", ds.DriverName);
        var layer = ds.Layer(0);
        Assert.Equal("BD_JECAM_CIRAD_2023_feb", layer.Name);
        Assert.Equal(100, layer.FeatureCount);
        Assert.Equal(GeometryKind.Polygon, layer.GeometryType);
        // The .prj is ESRI WKT (GCS_WGS_1984) without an authority; it is identified as EPSG:4326.
        var crs = layer.SpatialReference!;
        Assert.Equal(4326, crs.Epsg);
        Assert.True(crs.IsGeographic);
        Assert.Equal(
            ["Id", "Country", "SiteName", "DataSource", "AcquiDate", "LandCover", "CropType1", "CropType2", "CropType3",
                "SOS", "EOS", "Irrigated", "Intercrop", "Weeding", "Area_ha", "KeyWords"],
            layer.Fields.Select(f => f.Name));
        Assert.Equal(
            [FieldKind.Integer64, FieldKind.String, FieldKind.String, FieldKind.Integer64, FieldKind.Date, FieldKind.String,
                FieldKind.String, FieldKind.String, FieldKind.String, FieldKind.Date, FieldKind.Date, FieldKind.Integer64,
                FieldKind.Integer64, FieldKind.Integer64, FieldKind.Real, FieldKind.String],
            layer.Fields.Select(f => f.Kind));
        Assert.Equal(new FieldDefinition("LandCover", FieldKind.String, 50), layer.Fields[5]);
        Assert.Equal(new FieldDefinition("Area_ha", FieldKind.Real, 11, 3), layer.Fields[14]);
        var e = layer.Extent;
        Assert.Equal(-3.831909, e.MinX, 6);
        Assert.Equal(11.176016, e.MinY, 6);
        Assert.Equal(-3.767542, e.MaxX, 6);
        Assert.Equal(11.273283, e.MaxY, 6);
    }

    [RealDataFact]
    public void JecamShapefile_AttributeValuesAndGeometries()
    {
        using var ds = VectorDataset.Open(Jecam);
        var features = ds.Layer(0).Features().ToList();
        Assert.Equal(100, features.Count);

        var first = features[0];
        Assert.Equal(0, first.Fid);
        Assert.Equal(8218L, first["Id"]);
        Assert.Equal("Burkina Faso", first["Country"]);
        Assert.Equal("Koumbia", first["SiteName"]);
        Assert.Equal("Cropland", first["LandCover"]);
        Assert.Equal("Young fallow", first["CropType1"]);
        Assert.Null(first["CropType2"]);
        Assert.Equal(new DateTime(2015, 10, 10), first["AcquiDate"]);
        Assert.Equal(new DateTime(2015, 5, 1), first["SOS"]);
        Assert.Equal(0.936, first.GetDouble("Area_ha"));
        Assert.Equal("Agricultural land ; Cropland ; Arable land ; Fallow", first["KeyWords"]);
        var ring = Wkb.RingOf(first.Wkb!);
        Assert.Equal(7, ring.Count);
        Assert.Equal(-3.82947295337274, ring[0].X, 1e-13);
        Assert.Equal(11.2167086639075, ring[0].Y, 1e-13);

        var last = features[^1];
        Assert.Equal(99, last.Fid);
        Assert.Equal(8454L, last["Id"]);
        Assert.Equal("Sorghum", last["CropType1"]);
        Assert.Equal(0.711, last["Area_ha"]);

        // ogrinfo -dialect sqlite: LandCover counts, CropType1 counts, SUM(Area_ha) = 56.384.
        Assert.Equal(92, features.Count(f => (string?)f["LandCover"] == "Cropland"));
        Assert.Equal(3, features.Count(f => (string?)f["LandCover"] == "Savannah"));
        Assert.Equal(25, features.Count(f => (string?)f["CropType1"] == "Maize"));
        Assert.Equal(8, features.Count(f => f["CropType1"] is null));
        Assert.Equal(56.384, features.Sum(f => f.GetDouble("Area_ha")!.Value), 9);
        Assert.All(features, f => Assert.Equal(Wkb.Polygon, Wkb.TypeOf(f.Wkb!)));
    }

    [RealDataFact]
    public void JecamShapefile_Filters()
    {
        using var ds = VectorDataset.Open(Jecam);
        var layer = ds.Layer(0);
        layer.SetAttributeFilter("LandCover = 'Cropland' AND CropType1 = 'Maize'");
        Assert.Equal(25, layer.Features().Count());
        layer.SetAttributeFilter(null);
        // ogrinfo -spat -3.832 11.17 -3.80 11.28: 20 features (longitude first).
        layer.SetSpatialFilter(new BoundingBox(-3.832, 11.17, -3.80, 11.28));
        Assert.Equal(20, layer.Features().Count());
    }
}
