using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// Turns a closed polygon of the class raster into 图斑 records: minimum area, optional simplification, the split at
/// county borders, overlay areas with the survey, a point inside, its longitude and latitude, and the JCBH serial.
/// Serials follow the order polygons close (top to bottom) and, within a polygon, the order of its county pieces, which
/// depend only on the class raster and the survey, so the same input numbers the same.
/// </summary>
internal sealed class TubanAttributes(DetectionRun run, ModelCard card, LandSurvey? survey, DetectionOptions options) : IDisposable
{
    private readonly Dictionary<string, int> _serials = new();
    private readonly double _unit2 = run.Crs.LinearUnitMetres * run.Crs.LinearUnitMetres;
    private readonly double _tolerance = options.SimplifyTolerance / run.Crs.LinearUnitMetres;
    private readonly int _year = (run.AfterDate ?? DateOnly.FromDateTime(DateTime.Today)).Year % 100;
    private readonly string _model = $"{card.Name}@{card.Version}";
    private readonly string _method = $"WeiPian.Engine {typeof(DetectionRun).Assembly.GetName().Version?.ToString(3)} / {card.Name}@{card.Version}";
    private readonly string _qsx = run.BeforeDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "";
    private readonly string _hsx = run.AfterDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "";
    private readonly CoordinateTransform _toGeographic = new(run.Crs, SpatialReference.FromEpsg(4490));

    /// <summary>
    /// The records of <paramref name="p"/>: none when it is smaller than its class's minimum mapping area (judged on the
    /// change as detected, before simplification and splitting), else one per piece in each county it lies in.
    /// </summary>
    public IEnumerable<Tuban> Build(ClassPolygon p)
    {
        var cls = card.Classes[p.Value];
        var area = p.Area * _unit2;
        if (area < options.MinimumAreaFor(cls.Tblx)) yield break;
        Geometry geometry = p.ToPolygon();
        if (_tolerance > 0) geometry = TopologyPreservingSimplifier.Simplify(geometry, _tolerance);
        IReadOnlyList<CountyPiece> pieces = survey is { HasCountyLayer: true } ? survey.SplitByCounty(geometry)
            : geometry is Polygon whole ? [new CountyPiece(null, whole)]
            : [.. Enumerable.Range(0, geometry.NumGeometries).Select(i => new CountyPiece(null, (Polygon)geometry.GetGeometryN(i)))];
        foreach (var piece in pieces)
        {
            // The polygon as detected keeps its exact area, pixel count x pixel area.
            var exact = _tolerance <= 0 && ReferenceEquals(piece.Geometry, geometry);
            yield return Record(p, cls, piece, exact ? area : piece.Geometry.Area * _unit2);
        }
    }

    private Tuban Record(ClassPolygon p, CardClass cls, CountyPiece piece, double area)
    {
        var geometry = piece.Geometry;
        var county = piece.County?.Code ?? options.DefaultCounty;
        var serial = _serials[county] = _serials.GetValueOrDefault(county) + 1;
        var inside = geometry.InteriorPoint;
        var (lon, lat) = _toGeographic.Transform(inside.X, inside.Y);
        // Overlay areas are of the union of the parcels, so they cannot exceed the polygon; the bound also absorbs
        // the last bit of rounding between the pixel-count area and the vector overlay.
        var basic = Math.Min(survey?.BasicFarmlandArea(geometry) * _unit2 ?? 0, area);
        return new Tuban
        {
            Jcbh = string.Create(CultureInfo.InvariantCulture, $"{county}{options.SourceTag}{_year:00}{serial:00000}"),
            Xzqdm = county,
            Xzqmc = piece.County?.Name ?? "",
            Tblx = cls.Tblx ?? "QT",
            Qsx = _qsx,
            Hsx = _hsx,
            Qqjh = run.BeforeId,
            Dqjh = run.AfterId,
            Jcmj = area,
            Jcgdmj = Math.Min(survey?.FarmlandArea(geometry) * _unit2 ?? 0, area),
            Yjjbntmj = basic,
            Sfyn = basic > 0,
            X = inside.X,
            Y = inside.Y,
            Lzb = lon,
            Bzb = lat,
            Zdbh = _model,
            Zdlx = cls.Name,
            Fxfs = _method,
            Confidence = p.PixelCount == 0 ? 0 : p.WeightSum / (100.0 * p.PixelCount),
            ClassId = p.Value,
            ClassName = cls.Name,
            Geometry = geometry,
        };
    }

    public void Dispose() => _toGeographic.Dispose();
}
