using System.CommandLine;
using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian info FILE...</c>: what the engine sees in a raster or vector file.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Raster or vector files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("info", "Describe rasters (grid, CRS, bands, nodata) and vector sources (layers, fields, counts).") { files };
        command.SetAction(parse =>
        {
            foreach (var f in parse.GetValue(files)!) Describe(f, Console.Out);
            return 0;
        });
        return command;
    }

    internal static void Describe(string path, TextWriter o)
    {
        if (LooksLikeVector(path)) { DescribeVector(path, o); return; }
        using var scene = Scene.Open(path);
        o.WriteLine($"{path}");
        o.WriteLine(Inv($"  size        {scene.Width} x {scene.Height} px, {scene.BandCount} band(s) of {scene.DataType}"));
        o.WriteLine(Inv($"  pixel size  {scene.Grid.PixelSizeX} x {scene.Grid.PixelSizeY}"));
        var b = scene.Grid.Bounds;
        o.WriteLine(Inv($"  bounds      x {b.MinX:0.###} .. {b.MaxX:0.###}, y {b.MinY:0.###} .. {b.MaxY:0.###}"));
        o.WriteLine($"  CRS         {scene.Grid.Crs?.ToString() ?? "(none)"}");
        for (var i = 0; i < scene.BandCount; i++)
            o.WriteLine(Inv($"  band {i + 1}      {BandRoles.ShortName(scene.BandRoles[i]),-5} nodata {scene.NoData[i]?.ToString(CultureInfo.InvariantCulture) ?? "none"}"));
    }

    private static void DescribeVector(string path, TextWriter o)
    {
        using var ds = VectorDataset.Open(path);
        o.WriteLine($"{path} ({ds.DriverName})");
        foreach (var layer in ds.Layers)
        {
            o.WriteLine(Inv($"  layer {layer.Name}: {layer.FeatureCount} feature(s), {layer.GeometryType}, {layer.SpatialReference?.ToString() ?? "no CRS"}"));
            o.WriteLine($"    fields: {string.Join(", ", layer.Fields.Select(f => $"{f.Name}:{f.Kind}"))}");
        }
    }

    private static bool LooksLikeVector(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".gpkg" or ".shp" or ".geojson" or ".json" or ".gdb" or ".fgb" or ".dbf";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
