using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian info FILE...</c>: what the engine sees in a raster or vector file.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Rasters, vector files or Shapefile folders, models (.onnx)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("info",
            "Describe rasters (grid, CRS, bands, nodata, descriptions), vector sources (layers, fields, counts; a Shapefile folder as --survey takes it) " +
            "and models (card, graph inputs and outputs); a file that cannot be read is one line on stderr, the others are still described, exit 2.")
        { files };
        command.SetAction(parse =>
        {
            var failed = 0;
            foreach (var f in parse.GetValue(files)!)
            {
                // Described into a buffer first, so a file that fails half-way leaves only its one line.
                var text = new StringWriter();
                try
                {
                    Describe(f, text);
                    Console.Out.Write(text.ToString());
                }
                // The errors the CLI reports as bad input (CliErrors), here per file.
                catch (Exception e) when (e is InputException or IOException or UnauthorizedAccessException or ArgumentException
                    or FormatException or InvalidOperationException or NotSupportedException or KeyNotFoundException)
                {
                    failed++;
                    var message = e.Message.ReplaceLineEndings(" ");
                    Console.Error.WriteLine(message.Contains(f, StringComparison.Ordinal) || message.Contains(Path.GetFullPath(f), StringComparison.Ordinal)
                        ? $"weipian: {message}" : $"weipian: '{f}': {message}");
                }
            }
            return failed > 0 ? 2 : 0;
        });
        return command;
    }

    internal static void Describe(string path, TextWriter o)
    {
        if (LooksLikeVector(path) || Directory.Exists(path)) { DescribeVector(path, o); return; }
        if (Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase)) { DescribeModel(path, o); return; }
        using var scene = Scene.Open(path);
        using var raster = RasterDataset.Open(path);
        o.WriteLine($"{path}");
        o.WriteLine(Inv($"  size        {scene.Width} x {scene.Height} px, {scene.BandCount} band(s) of {scene.DataType}"));
        o.WriteLine(Inv($"  pixel size  {scene.Grid.PixelSizeX} x {scene.Grid.PixelSizeY}"));
        var b = scene.Grid.Bounds;
        o.WriteLine(Inv($"  bounds      x {b.MinX:0.###} .. {b.MaxX:0.###}, y {b.MinY:0.###} .. {b.MaxY:0.###}"));
        o.WriteLine($"  CRS         {scene.Grid.Crs?.ToString() ?? "(none)"}");
        for (var i = 0; i < scene.BandCount; i++)
        {
            var description = raster.BandDescription(i + 1);
            o.WriteLine(Inv($"  band {i + 1}      {BandOrder.ShortName(scene.BandRoles[i]),-5} nodata {scene.NoData[i]?.ToString(CultureInfo.InvariantCulture) ?? "none"}") +
                (description.Length > 0 ? $"  \"{description}\"" : ""));
        }
    }

    private static void DescribeModel(string path, TextWriter o)
    {
        var m = ChangeModel.Inspect(path);
        var card = m.Card;
        o.WriteLine($"{path} (ONNX model)");
        var where = (m.Embedded, m.Sidecar) switch
        {
            (true, null) => $"embedded ('{ModelCard.MetadataKey}' metadata)",
            (true, { } side) => $"embedded ('{ModelCard.MetadataKey}' metadata); the sidecar {side} says the same",
            (false, { } side) => $"sidecar {side}",
            _ => "none",
        };
        o.WriteLine($"  card        {where}");
        o.WriteLine($"  model       {card.Name} {card.Version}{(card.Description.Length > 0 ? $": {card.Description}" : "")}");
        var input = card.Input;
        o.WriteLine(Inv($"  input       {input.Form.ToString().ToLowerInvariant()} {string.Join(", ", input.Names)}; bands {BandOrder.Format(input.Bands)}; tile {input.Tile}{(input.Form == InputForm.Blocks ? $" in {input.Block} x {input.Block} blocks" : "")}, halo {input.Halo}, batch {(input.Batch > 0 ? input.Batch.ToString(CultureInfo.InvariantCulture) : "dynamic")}; gsd {(input.Gsd is { } gsd ? $"{gsd} m" : "any")}"));
        var scaling = input.Scaling;
        var r = scaling.Radiometry;
        o.WriteLine(Inv($"  scaling     min {string.Join(",", scaling.Min)}, max {string.Join(",", scaling.Max)}, mean {string.Join(",", scaling.Mean)}, std {string.Join(",", scaling.Std)}"));
        o.WriteLine(Inv($"  radiometry  {r.BitDepth}-bit ({(r.BitDepthStated ? "input.bitDepth" : "from scaling.max; the card states no bitDepth")}), mode {CardRadiometry.Name(r.Mode)}, percentiles {r.PercentileLow}-{r.PercentileHigh}"));
        if (r.ReferenceBefore is { } rb && r.ReferenceAfter is { } ra)
            o.WriteLine(Inv($"  reference   before low {string.Join(",", rb.Low)}, high {string.Join(",", rb.High)}; after low {string.Join(",", ra.Low)}, high {string.Join(",", ra.High)}"));
        var output = card.Output;
        o.WriteLine(Inv($"  output      {output.Name}, {output.Form.ToString().ToLowerInvariant()}{(output.Threshold is { } t ? $", threshold {t}, change class {output.ChangeClass}" : "")}"));
        o.WriteLine($"  classes     {string.Join("; ", card.Classes)}");
        o.WriteLine($"  graph in    {string.Join(", ", m.Inputs)}");
        o.WriteLine($"  graph out   {string.Join(", ", m.Outputs)}");
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
