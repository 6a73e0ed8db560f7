using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Tests.Masks;

/// <summary>
/// Paints unflagged clouds and their shadows into a 4-band (B, G, R, NIR; DN ≈ 1000 x reflectance) UInt16 scene in
/// place, as real deliveries carry them: bright, white, textured blobs with soft edges that thin out over the ground,
/// and, offset from each, a shadow that keeps about a third of the light in each band (less in NIR), with soft edges too.
/// Pixels with no data (0 in every band) are left as they are.
/// </summary>
internal static class CloudPainter
{
    /// <summary>A cloud: centre and mean radius in pixels, and where its shadow's centre lies relative to it.</summary>
    public sealed record Cloud(double X, double Y, double Radius, double ShadowDx, double ShadowDy);

    /// <summary>What a pixel of <see cref="Paint"/>'s truth is: untouched, cloud, shadow, or touched by less than either.</summary>
    public const byte Clear = 0, Clouded = 1, Shadowed = 2, Faint = 3;

    private static readonly float[] CloudDn = [640, 655, 670, 630];
    private static readonly float[] ShadeFactor = [0.45f, 0.38f, 0.33f, 0.30f];

    /// <summary>Paints <paramref name="clouds"/> into the file; returns the truth: <see cref="Clouded"/> where the cloud's
    /// opacity is at least 0.2, else <see cref="Shadowed"/> where a shadow takes at least half the light, else <see cref="Faint"/>
    /// where either touches the pixel at all.</summary>
    public static byte[] Paint(string path, IReadOnlyList<Cloud> clouds, int seed)
    {
        using var ds = RasterDataset.Open(path, update: true);
        int w = ds.Width, h = ds.Height;
        var bands = new ushort[4][];
        for (var b = 0; b < 4; b++)
        {
            bands[b] = new ushort[w * h];
            ds.Read<ushort>(b + 1, ds.Extent, bands[b]);
        }
        var truth = new byte[w * h];
        var rng = new Random(seed);
        var phases = clouds.Select(_ => (rng.NextDouble() * Math.Tau, rng.NextDouble() * Math.Tau)).ToArray();
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var i = y * w + x;
                if (bands[0][i] == 0 && bands[1][i] == 0 && bands[2][i] == 0 && bands[3][i] == 0) continue;
                double cloud = 0, shade = 0;
                for (var k = 0; k < clouds.Count; k++)
                {
                    var c = clouds[k];
                    cloud = Math.Max(cloud, Opacity(x - c.X, y - c.Y, c.Radius, phases[k]));
                    shade = Math.Max(shade, Opacity(x - c.X - c.ShadowDx, y - c.Y - c.ShadowDy, c.Radius, phases[k]));
                }
                if (cloud <= 0 && shade <= 0) continue;
                var texture = 1 + 0.06 * Math.Sin(x * 0.21 + y * 0.13) * Math.Cos(x * 0.07 - y * 0.17);
                for (var b = 0; b < 4; b++)
                {
                    var v = bands[b][i] * (1 - shade * (1 - ShadeFactor[b]));
                    v = v * (1 - cloud) + CloudDn[b] * texture * cloud;
                    bands[b][i] = (ushort)Math.Clamp(Math.Round(v), 1, 1023);
                }
                truth[i] = cloud >= 0.2 ? Clouded : shade >= 0.5 ? Shadowed : Faint;
            }
        for (var b = 0; b < 4; b++) ds.Write<ushort>(b + 1, ds.Extent, bands[b]);
        return truth;
    }

    // 1 inside the wobbly outline's inner 65 %, falling smoothly to 0 at its edge.
    private static double Opacity(double dx, double dy, double radius, (double A, double B) phase)
    {
        var d = Math.Sqrt(dx * dx + dy * dy);
        if (d > 1.3 * radius) return 0;
        var angle = Math.Atan2(dy, dx);
        var edge = radius * (1 + 0.15 * Math.Sin(3 * angle + phase.A) + 0.08 * Math.Sin(5 * angle + phase.B));
        var t = Math.Clamp((edge - d) / (0.35 * edge), 0, 1);
        return t * t * (3 - 2 * t);
    }
}
