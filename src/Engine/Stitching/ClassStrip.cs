using WeiPian.Engine.Kernels;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Stitching;

/// <summary>
/// One strip of the output mosaic: the kept centres of a row of tiles side by side (halos discarded, so
/// neighbouring tiles never overlap and the mosaic has no seams), then masked where the result cannot stand.
/// </summary>
internal sealed class ClassStrip
{
    private readonly TileGrid _grid;

    public ClassStrip(TileGrid grid)
    {
        _grid = grid;
        Classes = new byte[grid.Kept * grid.Width];
        Percent = new byte[grid.Kept * grid.Width];
        Valid = new byte[grid.Kept * grid.Width];
    }

    /// <summary>The strip's window in region pixels.</summary>
    public PixelWindow Window { get; private set; }

    /// <summary>Class per pixel, row-major over <see cref="Window"/>.</summary>
    public byte[] Classes { get; }

    /// <summary>Confidence per pixel in whole percent (0..100), as the class raster and the polygons carry it.</summary>
    public byte[] Percent { get; }

    /// <summary>1 where the result may stand (data in both dates, on farmland when masked), else 0.</summary>
    public byte[] Valid { get; }

    /// <summary>Pixels in the current strip.</summary>
    public int Length => Window.Width * Window.Height;

    /// <summary>Starts strip <paramref name="row"/>: everything valid until masked.</summary>
    public void Begin(int row)
    {
        Window = _grid.Strip(row);
        Valid.AsSpan(0, Length).Fill(1);
    }

    /// <summary>True when the kept centre of tile <paramref name="column"/> holds a pixel that is still <see cref="Valid"/>.</summary>
    public bool AnyValid(int column)
    {
        var core = _grid.Core(column, Window.Y / _grid.Kept);
        for (var r = 0; r < core.Height; r++)
            if (Valid.AsSpan(r * Window.Width + core.X, core.Width).ContainsAnyExcept((byte)0)) return true;
        return false;
    }

    /// <summary>Copies a classified tile's kept centre into place, confidence rounded to whole percent (half to even).</summary>
    /// <returns>Pixels placed for which the model gave no number (confidence 0: every class NaN, or a NaN change logit).</returns>
    public int Place(int column, TileClassifier tile)
    {
        var noNumber = 0;
        var core = _grid.Core(column, Window.Y / _grid.Kept);
        var t = _grid.Tile;
        for (var r = 0; r < core.Height; r++)
        {
            var src = (_grid.Halo + r) * t + _grid.Halo;
            var dst = r * Window.Width + core.X;
            tile.Classes.AsSpan(src, core.Width).CopyTo(Classes.AsSpan(dst, core.Width));
            var confidence = tile.Confidence.AsSpan(src, core.Width);
            var percent = Percent.AsSpan(dst, core.Width);
            for (var i = 0; i < confidence.Length; i++) percent[i] = (byte)Math.Round(confidence[i] * 100);
            noNumber += confidence.Count(0f);
        }
        return noNumber;
    }

    /// <summary>Sets the kept centre of tile <paramref name="column"/> to "no change" with confidence 0: a tile the model did not run.</summary>
    public void NoChange(int column)
    {
        var core = _grid.Core(column, Window.Y / _grid.Kept);
        for (var r = 0; r < core.Height; r++)
        {
            Classes.AsSpan(r * Window.Width + core.X, core.Width).Clear();
            Percent.AsSpan(r * Window.Width + core.X, core.Width).Clear();
        }
    }

    /// <summary>
    /// The masked strip as the class raster stores it: class and confidence where <see cref="Valid"/>, else
    /// <paramref name="notAssessed"/> in both, so "no change" (0) and "no result" differ. Call after <see cref="ApplyMask"/>.
    /// </summary>
    public void MarkNotAssessed(Span<byte> classes, Span<byte> percent, byte notAssessed)
    {
        var valid = Valid.AsSpan(0, Length);
        Classes.AsSpan(0, Length).CopyTo(classes);
        Percent.AsSpan(0, Length).CopyTo(percent);
        for (var i = 0; i < valid.Length; i++)
            if (valid[i] == 0) classes[i] = percent[i] = notAssessed;
    }

    /// <summary>Zeroes class and confidence wherever <see cref="Valid"/> is 0.</summary>
    public void ApplyMask()
    {
        SimdKernels.ApplyMask(Classes.AsSpan(0, Length), Valid.AsSpan(0, Length));
        SimdKernels.ApplyMask(Percent.AsSpan(0, Length), Valid.AsSpan(0, Length));
    }
}
