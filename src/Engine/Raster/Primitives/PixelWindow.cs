namespace WeiPian.Engine.Raster.Primitives;

/// <summary>A rectangle of whole pixels: column <see cref="X"/>, row <see cref="Y"/>, <see cref="Width"/> x <see cref="Height"/>.</summary>
public readonly record struct PixelWindow(int X, int Y, int Width, int Height)
{
    /// <summary>One past the last column.</summary>
    public int Right => X + Width;

    /// <summary>One past the last row.</summary>
    public int Bottom => Y + Height;

    /// <summary>Number of pixels.</summary>
    public long PixelCount => (long)Width * Height;

    /// <summary>True when the window holds no pixel.</summary>
    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>The whole of a width x height raster.</summary>
    public static PixelWindow Full(int width, int height) => new(0, 0, width, height);

    /// <summary>True when <paramref name="other"/> lies wholly inside this window.</summary>
    public bool Contains(PixelWindow other) =>
        other.X >= X && other.Y >= Y && other.Right <= Right && other.Bottom <= Bottom;

    /// <summary>The common part of two windows (empty when they do not meet).</summary>
    public PixelWindow Intersect(PixelWindow other)
    {
        int x0 = Math.Max(X, other.X), y0 = Math.Max(Y, other.Y);
        int x1 = Math.Min(Right, other.Right), y1 = Math.Min(Bottom, other.Bottom);
        return x1 <= x0 || y1 <= y0 ? new PixelWindow(x0, y0, 0, 0) : new PixelWindow(x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>This window moved by (dx, dy).</summary>
    public PixelWindow Translate(int dx, int dy) => this with { X = X + dx, Y = Y + dy };

    /// <inheritdoc />
    public override string ToString() => $"(x={X}, y={Y}, {Width}x{Height})";
}
