using WeiPian.Engine.Raster;
using WeiPian.Synth;

namespace WeiPian.InferBench;

/// <summary>
/// A synthesised before/after pair held in memory: the synthesiser's own renderer (<see cref="SceneSynthesizer"/>
/// writes the same pixels to GeoTIFF), without the file, so nothing here loads GDAL. Bands B, G, R, NIR as UInt16 DN,
/// 0 where a cloud or its shadow hides the after date.
/// </summary>
internal sealed class RenderedPair
{
    // Rows rendered at once, as the synthesiser renders them: only the changes and clouds near a strip are tested per pixel.
    private const int StripRows = 256;

    // Metres around an outline that shadows and misregistration reach, as in the synthesiser.
    private const double Margin = 12.0;

    private RenderedPair(int width, int height, ushort[][] before, ushort[][] after, int changes)
    {
        Width = width;
        Height = height;
        Before = before;
        After = after;
        Changes = changes;
    }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>The before date: one row-major plane per band, B, G, R, NIR.</summary>
    public ushort[][] Before { get; }

    /// <summary>The after date, laid out like <see cref="Before"/>.</summary>
    public ushort[][] After { get; }

    /// <summary>True changes planted in the scene.</summary>
    public int Changes { get; }

    /// <summary>The band roles of <see cref="Before"/> and <see cref="After"/>, plane by plane.</summary>
    public static IReadOnlyList<BandRole> Bands => BandOrder.GaofenMultispectral;

    /// <summary>Renders the pair of <paramref name="seed"/> at <paramref name="width"/> x <paramref name="height"/> pixels on every core.</summary>
    public static RenderedPair Render(int width, int height, long seed)
    {
        var layout = new Layout(new SynthOptions { Size = width, Height = height, Seed = seed });
        var renderer = new Renderer(layout);
        var plane = (long)width * height;
        ushort[][] before = [new ushort[plane], new ushort[plane], new ushort[plane], new ushort[plane]];
        ushort[][] after = [new ushort[plane], new ushort[plane], new ushort[plane], new ushort[plane]];
        for (var y0 = 0; y0 < height; y0 += StripRows)
        {
            var rows = Math.Min(StripRows, height - y0);
            double s0 = y0 * layout.Gsd - Margin, s1 = (y0 + rows) * layout.Gsd + Margin;
            var changes = layout.Changes.Where(c => c.Outline.MaxS >= s0 && c.Outline.MinS <= s1).ToList();
            var clouds = layout.Clouds.Where(c => c.MaxS >= s0 && c.MinS <= s1).ToList();
            var grid = GridStrip.Scene(layout.Gsd, width, y0, rows);
            Parallel.For(y0, y0 + rows, row =>
            {
                var off = (int)((long)row * width);
                renderer.RenderRow(layout.Before, grid, row, changes, [], Row(before, 0), Row(before, 1), Row(before, 2), Row(before, 3));
                renderer.RenderRow(layout.After, grid, row, changes, clouds, Row(after, 0), Row(after, 1), Row(after, 2), Row(after, 3));
                Span<ushort> Row(ushort[][] date, int band) => date[band].AsSpan(off, width);
            });
        }
        return new RenderedPair(width, height, before, after, layout.Changes.Count);
    }
}
