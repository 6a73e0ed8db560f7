using System.Globalization;
using NetTopologySuite.Geometries;
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
/// <param name="crs">The CRS of the polygons, projected.</param>
/// <param name="beforeDate">前时相 date (QSX).</param>
/// <param name="afterDate">后时相 date (HSX, and the year in JCBH).</param>
/// <param name="beforeId">Before scene id (QQJH).</param>
/// <param name="afterId">After scene id (DQJH).</param>
/// <param name="card">The model's card: class names, TBLX codes, minimum areas.</param>
/// <param name="survey">The land survey for overlay areas and counties, or null.</param>
/// <param name="options">Minimum areas, simplification, source tag, default county.</param>
internal sealed class TubanAttributes(SpatialReference crs, DateOnly beforeDate, DateOnly afterDate, string beforeId, string afterId,
    ModelCard card, LandSurvey? survey, DetectionOptions options) : IDisposable
{
    private readonly Dictionary<string, int> _serials = new();
    private readonly TubanSite _site = new(crs, survey);
    private readonly double _tolerance = options.SimplifyTolerance / crs.LinearUnitMetres;
    // JCBH's year is always the after date's: the year the change was seen, not the year it was processed.
    private readonly int _year = afterDate.Year % 100;
    private readonly string _model = $"{card.Name}@{card.Version}";
    private readonly string _method = $"WeiPian.Engine {typeof(TubanAttributes).Assembly.GetName().Version?.ToString(3)} / {card.Name}@{card.Version}";
    private readonly string _qsx = beforeDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    private readonly string _hsx = afterDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="p"/> reaches its class's minimum mapping area (judged on the change as
    /// detected, before simplification and splitting).</summary>
    public bool Keeps(ClassPolygon p) => p.Area * _site.SquareMetresPerUnit >= _minimumArea[p.Value];

    // Per class id: the user's, else the card's, else the DOMAIN minimum area (DetectionOptions.MinimumAreaFor).
    private readonly double[] _minimumArea = [.. card.Classes.Select(options.MinimumAreaFor)];

    /// <summary>Whether polygons are simplified: they then go through <see cref="CoverageSimplification"/> first.</summary>
    public bool Simplifies => _tolerance > 0;

    /// <summary>The simplification tolerance in map units.</summary>
    public double Tolerance => _tolerance;

    /// <summary>
    /// The records of <paramref name="p"/> (kept by <see cref="Keeps"/>) with <paramref name="geometry"/>: the polygon
    /// as detected, or as simplified with its neighbours; one record per piece in each county it lies in.
    /// </summary>
    public IEnumerable<Tuban> Build(ClassPolygon p, Geometry geometry)
    {
        var cls = card.Classes[p.Value];
        var area = p.Area * _site.SquareMetresPerUnit;
        IReadOnlyList<CountyPiece> pieces = survey is { HasCountyLayer: true } ? survey.SplitByCounty(geometry)
            : geometry is Polygon whole ? [new CountyPiece(null, whole)]
            : [.. Enumerable.Range(0, geometry.NumGeometries).Select(i => new CountyPiece(null, (Polygon)geometry.GetGeometryN(i)))];
        foreach (var piece in pieces)
        {
            // The polygon as detected keeps its exact area, pixel count x pixel area.
            var exact = _tolerance <= 0 && ReferenceEquals(piece.Geometry, geometry);
            yield return Record(p, cls, piece, exact ? area : piece.Geometry.Area * _site.SquareMetresPerUnit);
        }
    }

    private Tuban Record(ClassPolygon p, CardClass cls, CountyPiece piece, double area)
    {
        var county = piece.County?.Code ?? options.DefaultCounty;
        var serial = _serials[county] = _serials.GetValueOrDefault(county) + 1;
        var record = new Tuban
        {
            Jcbh = string.Create(CultureInfo.InvariantCulture, $"{county}{options.SourceTag}{_year:00}{serial:00000}"),
            Xzqdm = county,
            Tblx = cls.Tblx ?? "QT",
            Qsx = _qsx,
            Hsx = _hsx,
            Qqjh = beforeId,
            Dqjh = afterId,
            Zdbh = _model,
            Zdlx = cls.Name,
            Fxfs = _method,
            Confidence = p.PixelCount == 0 ? 0 : p.WeightSum / (100.0 * p.PixelCount),
            ClassId = p.Value,
            ClassName = cls.Name,
            Geometry = piece.Geometry,
        };
        return _site.Place(record, area, piece.County);
    }

    public void Dispose() => _site.Dispose();
}
