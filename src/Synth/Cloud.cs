using System.Numerics;

namespace WeiPian.Synth;

/// <summary>
/// A cumulus cloud and its shadow on the ground, in scene-local metres. The outline is a wobbly circle: radius
/// <c>r (0.7 + 0.6 noise(angle))</c>, drawn as 36 vertices; the shadow is the same outline moved away from the sun.
/// Painted clouds fade from opaque in the core to thin haze at the edge, all inside the outline, so the outlines are
/// exactly the pixels a cloud or its shadow touches (what <c>after_clouds.tif</c> records).
/// </summary>
internal sealed class Cloud
{
    private const int Vertices = 36;

    // Bright and white: thick cumulus tops reflect about two thirds of the light in every band, a little less in NIR.
    private static readonly Vector4 Top = new(0.66f, 0.67f, 0.68f, 0.63f);

    private readonly double _radius;
    private readonly uint _seed;
    private readonly double _shadowE, _shadowS;

    private Cloud(double centreE, double centreS, double radius, uint seed, double shadowE, double shadowS)
    {
        CentreE = centreE;
        CentreS = centreS;
        _radius = radius;
        _seed = seed;
        _shadowE = shadowE;
        _shadowS = shadowS;
        Body = Shape.Wobbly(centreE, centreS, radius, Vertices, 0.7, 0.6, 2, 20, seed);
        Shadow = Body.Translate(shadowE, shadowS);
        MinS = Math.Min(Body.MinS, Shadow.MinS);
        MaxS = Math.Max(Body.MaxS, Shadow.MaxS);
    }

    /// <summary>The cloud's outline.</summary>
    public Shape Body { get; }

    /// <summary>Its shadow's outline.</summary>
    public Shape Shadow { get; }

    public double CentreE { get; }
    public double CentreS { get; }
    public double MinS { get; }
    public double MaxS { get; }

    /// <summary>
    /// A cloud of mean radius about <paramref name="r"/> (between 0.7 r and 1.3 r) and its shadow north-west of it
    /// (morning sun from the south-east), 40 to 110 m away. Draws the seed, then the shadow offset.
    /// </summary>
    public static Cloud Draw(Rng rng, double ce, double cs, double r)
    {
        var seed = (uint)rng.NextUInt64();
        var offset = rng.Uniform(40, 110);
        return new Cloud(ce, cs, r, seed, -0.75 * offset, -0.65 * offset);
    }

    /// <summary>Whether the cloud or its shadow covers the point.</summary>
    public bool Covers(double e, double s) => Body.Contains(e, s) || Shadow.Contains(e, s);

    /// <summary>1 where the cloud covers the point, 2 where only its shadow does, else 0.</summary>
    public byte Class(double e, double s) => Body.Contains(e, s) ? (byte)1 : Shadow.Contains(e, s) ? (byte)2 : (byte)0;

    /// <summary>
    /// The ground as seen through the cloud and its shadow: a blend towards white by the cloud's opacity (thin haze at
    /// its edge, opaque in the core, lumpy), the shadowed ground darkened in all bands by up to 65 %.
    /// </summary>
    public Vector4 Paint(double e, double s, Vector4 ground)
    {
        if (Body.Contains(e, s))
        {
            var a = Opacity(e - CentreE, s - CentreS);
            var lumps = 0.9f + 0.15f * Hash.Fractal(e / 15, s / 15, _seed);
            return Spectra.Lerp(ground, Top * lumps, a);
        }
        if (Shadow.Contains(e, s))
            return ground * (1 - 0.65f * Opacity(e - _shadowE - CentreE, s - _shadowS - CentreS));
        return ground;
    }

    // 0.15 (thin haze) at the outline, rising smoothly to 1 over the outer 40 % of the radius, patchy at the edge.
    private float Opacity(double de, double ds)
    {
        var t = Math.Atan2(ds, de);
        var rr = _radius * (0.7 + 0.6 * Hash.Value(Math.Cos(t) * 2 + 20, Math.Sin(t) * 2 + 20, _seed));
        var depth = (float)Math.Clamp((1 - Math.Sqrt(de * de + ds * ds) / rr) / 0.4, 0, 1);
        var smooth = depth * depth * (3 - 2 * depth);
        var patch = 0.75f + 0.25f * Hash.Value(de / 9 + 50, ds / 9 + 50, _seed ^ 0x3C1Du);
        return 0.15f + 0.85f * smooth * (smooth < 1 ? patch : 1);
    }
}
