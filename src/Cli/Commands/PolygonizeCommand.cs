using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Vector;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian polygonize RASTER OUT</c>: the stand-alone polygoniser, like gdal_polygonize.</summary>
internal static class PolygonizeCommand
{
    public static Command Create()
    {
        var raster = new Argument<string>("raster") { Description = "Class raster (any GDAL raster; integer values 0..255)" };
        var output = new Argument<string>("out") { Description = "Vector file: .gpkg (default), .shp or .geojson" };
        var band = new Option<int>("--band") { Description = "Band to polygonise", DefaultValueFactory = _ => 1 };
        var connectivity = new Option<int>("--connectivity") { Description = "4 (edges) or 8 (edges and corners)", DefaultValueFactory = _ => 4 };
        var format = new Option<string?>("--format") { Description = "OGR driver: GPKG, \"ESRI Shapefile\" or GeoJSON (default: from OUT's extension)" };
        var command = new Command("polygonize",
            "One polygon per connected region of equal value, field 'value', masked pixels (nodata) skipped, in the raster's CRS; written atomically.")
        {
            raster, output, band, connectivity, format,
        };
        command.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(raster)!;
            var bandNumber = parse.GetValue(band);
            var options = new PolygonizeOptions
            {
                Band = bandNumber,
                Connectivity = parse.GetValue(connectivity) switch
                {
                    4 => PixelConnectivity.Four,
                    8 => PixelConnectivity.Eight,
                    var c => throw new InputException($"--connectivity {c}: use 4 or 8."),
                },
                Driver = parse.GetValue(format) switch
                {
                    null => null,
                    var f when f.Equals("GPKG", StringComparison.OrdinalIgnoreCase) => "GPKG",
                    var f when f.Equals("ESRI Shapefile", StringComparison.OrdinalIgnoreCase) => "ESRI Shapefile",
                    var f when f.Equals("GeoJSON", StringComparison.OrdinalIgnoreCase) => "GeoJSON",
                    var f => throw new InputException($"--format {f}: use GPKG, \"ESRI Shapefile\" or GeoJSON."),
                },
            };
            var r = RasterPolygonizer.Run(path, parse.GetValue(output)!, options, cancellationToken: ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.Polygons} polygon(s), {r.Vertices} vertices, to {r.Path} in {r.Elapsed.TotalSeconds:0.00} s ({r.Pixels / 1e6 / Math.Max(r.Elapsed.TotalSeconds, 1e-9):0.0} Mpx/s)"));
            return Task.FromResult(0);
        });
        return command;
    }
}
