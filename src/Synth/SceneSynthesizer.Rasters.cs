using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Synth;

public static partial class SceneSynthesizer
{
    /// <summary>Where the rasters go (temporary names); the cloud truth is null for a clear sky, the third date null without it.</summary>
    private sealed record RasterPaths(string Before, string After, string Truth, string? AfterClouds, (string Path, string TruthPath, string SceneId)? Third);

    /// <summary>Renders and writes the rasters strip by strip; returns the 8-bit stretches it used (null for other depths).</summary>
    private static (DnStretch? Before, DnStretch? After) WriteRasters(SynthOptions o, Layout layout, SceneFrame frame, DateGrid afterGrid, RasterPaths paths,
        string beforeId, string afterId, IProgress<double>? progress, CancellationToken ct)
    {
        using var grid = DateGrid.Scene(frame, layout);
        int w = grid.Width, h = grid.Height, wa = afterGrid.Width, ha = afterGrid.Height;
        using var b = CreateScene(paths.Before, grid, layout.Before, beforeId);
        using var a = CreateScene(paths.After, afterGrid, layout.After, afterId);
        using var t = CreateClassRaster(paths.Truth, grid, "change class");
        using var ac = paths.AfterClouds is { } cloudPath ? CreateClassRaster(cloudPath, afterGrid, "cloud truth: 1 cloud, 2 cloud shadow") : null;
        using var n = paths.Third is { } x ? CreateScene(x.Path, grid, layout.Newest!, x.SceneId) : null;
        using var nt = paths.Third is { } y ? CreateClassRaster(y.TruthPath, grid, "change class still standing on the newest date") : null;

        var renderer = new Renderer(layout);
        var stretchB = layout.Before.BitDepth == 8 ? DnStretch.Measure(renderer, layout, layout.Before, grid, []) : null;
        var stretchA = layout.After.BitDepth == 8 ? DnStretch.Measure(renderer, layout, layout.After, afterGrid, layout.Clouds) : null;
        var stretchN = n is not null && layout.Newest!.BitDepth == 8 ? DnStretch.Measure(renderer, layout, layout.Newest, grid, layout.NewestClouds) : null;
        var strip = Math.Min(o.StripRows, Math.Max(h, ha));
        var bufB = new ushort[4 * strip * w];
        var bufA = new ushort[4 * strip * wa];
        var bufT = new byte[strip * w];
        var bufC = ac is null ? [] : new byte[strip * wa];
        var bufN = n is null ? [] : new ushort[4 * strip * w];
        var bufNT = n is null ? [] : new byte[strip * w];
        var bytes = new byte[4 * strip * Math.Max(w, wa)];
        var margin = 12.0;   // metres: shadows and misregistration reach this far outside an outline
        for (var y0 = 0; y0 < Math.Max(h, ha); y0 += strip)
        {
            ct.ThrowIfCancellationRequested();
            var rows = Math.Max(0, Math.Min(strip, h - y0));
            var rowsA = Math.Max(0, Math.Min(strip, ha - y0));
            var g = grid.Strip(y0, Math.Max(rows, 1));
            var ga = afterGrid.Strip(y0, Math.Max(rowsA, 1));
            var changes = Near(layout.Changes, c => (c.Outline.MinS, c.Outline.MaxS), g, margin);
            var changesA = Near(layout.Changes, c => (c.Outline.MinS, c.Outline.MaxS), ga, margin);
            var clouds = Near(layout.Clouds, c => (c.MinS, c.MaxS), ga, margin);
            var newestClouds = Near(layout.NewestClouds, c => (c.MinS, c.MaxS), g, margin);
            int plane = rows * w, planeA = rowsA * wa;
            Parallel.For(0, Math.Max(rows, rowsA), new ParallelOptions { CancellationToken = ct }, r =>
            {
                var row = y0 + r;
                if (r < rowsA)
                {
                    var offA = r * wa;
                    renderer.RenderRow(layout.After, ga, row, changesA, clouds,
                        bufA.AsSpan(offA, wa), bufA.AsSpan(planeA + offA, wa), bufA.AsSpan(2 * planeA + offA, wa), bufA.AsSpan(3 * planeA + offA, wa));
                    if (ac is not null) renderer.CloudRow(layout.After, ga, row, clouds, bufC.AsSpan(offA, wa));
                }
                if (r >= rows) return;
                var off = r * w;
                renderer.RenderRow(layout.Before, g, row, changes, [],
                    bufB.AsSpan(off, w), bufB.AsSpan(plane + off, w), bufB.AsSpan(2 * plane + off, w), bufB.AsSpan(3 * plane + off, w));
                renderer.TruthRow(row, changes, bufT.AsSpan(off, w));
                if (n is null) return;
                renderer.RenderRow(layout.Newest!, g, row, changes, newestClouds,
                    bufN.AsSpan(off, w), bufN.AsSpan(plane + off, w), bufN.AsSpan(2 * plane + off, w), bufN.AsSpan(3 * plane + off, w));
                renderer.NewestTruthRow(row, changes, bufNT.AsSpan(off, w));
            });
            if (rows > 0)
            {
                var window = new PixelWindow(0, y0, w, rows);
                WriteScene(b, window, bufB.AsSpan(0, 4 * plane), stretchB, bytes);
                t.Write<byte>(1, window, bufT.AsSpan(0, plane));
                if (n is not null) WriteScene(n, window, bufN.AsSpan(0, 4 * plane), stretchN, bytes);
                nt?.Write<byte>(1, window, bufNT.AsSpan(0, plane));
            }
            if (rowsA > 0)
            {
                var windowA = new PixelWindow(0, y0, wa, rowsA);
                WriteScene(a, windowA, bufA.AsSpan(0, 4 * planeA), stretchA, bytes);
                ac?.Write<byte>(1, windowA, bufC.AsSpan(0, planeA));
            }
            // Whole tile rows are complete: hand them to the file now so the block cache stays small.
            b.FlushCache();
            a.FlushCache();
            t.FlushCache();
            ac?.FlushCache();
            n?.FlushCache();
            nt?.FlushCache();
            progress?.Report((double)(y0 + Math.Max(rows, rowsA)) / Math.Max(h, ha));
        }
        return (stretchB, stretchA);
    }

    /// <summary>The objects whose south extent meets the strip's ground (with a margin), in their order.</summary>
    private static List<T> Near<T>(List<T> objects, Func<T, (double MinS, double MaxS)> extent, GridStrip strip, double margin) =>
        objects.Where(x => extent(x) is var (lo, hi) && hi >= strip.MinS - margin && lo <= strip.MaxS + margin).ToList();

    // 8-bit dates go through their stretch; the rest are written as rendered.
    private static void WriteScene(RasterDataset ds, PixelWindow window, ReadOnlySpan<ushort> dn, DnStretch? stretch, byte[] bytes)
    {
        if (stretch is null)
        {
            ds.WriteBands(window, dn);
            return;
        }
        var plane = window.Width * window.Height;
        var target = bytes.AsSpan(0, dn.Length);
        for (var band = 0; band < 4; band++) stretch.Apply(band, dn.Slice(band * plane, plane), target.Slice(band * plane, plane));
        ds.WriteBands<byte>(window, target);
    }

    private static RasterDataset CreateClassRaster(string path, DateGrid grid, string description)
    {
        var ds = RasterDataset.CreateGeoTiff(path, grid.Width, grid.Height, 1, RasterDataType.Byte, Tiff);
        ds.GeoTransform = grid.Transform;
        ds.SpatialReference = grid.Crs;
        ds.SetBandDescription(1, description);
        return ds;
    }

    private static RasterDataset CreateScene(string path, DateGrid grid, DateLook look, string sceneId)
    {
        var type = look.BitDepth == 8 ? RasterDataType.Byte : RasterDataType.UInt16;
        var ds = RasterDataset.CreateGeoTiff(path, grid.Width, grid.Height, 4, type, Tiff);
        ds.GeoTransform = grid.Transform;
        ds.SpatialReference = grid.Crs;
        string[] names = ["B", "G", "R", "NIR"];
        ColorInterpretation[] colours = [ColorInterpretation.Blue, ColorInterpretation.Green, ColorInterpretation.Red, ColorInterpretation.Undefined];
        for (var band = 1; band <= 4; band++)
        {
            ds.SetNoData(band, 0);
            ds.SetBandDescription(band, names[band - 1]);
            ds.SetColorInterpretation(band, colours[band - 1]);
        }
        ds.SetMetadataItem("TIFFTAG_DATETIME", string.Create(CultureInfo.InvariantCulture, $"{look.Date.Year:0000}:{look.Date.Month:00}:{look.Date.Day:00} 10:30:00"));
        ds.SetMetadataItem("ACQUISITION_DATE", look.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        ds.SetMetadataItem("SCENE_ID", sceneId);
        ds.SetMetadataItem("SENSOR", look.Sensor.IsNative ? "GF2-PMS (synthetic)" : $"{look.Sensor.Name} (synthetic)");
        return ds;
    }
}
