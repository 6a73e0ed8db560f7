using System.Globalization;
using NetTopologySuite.IO;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// Writes recheck results, one feature per earlier polygon with its geometry, under a temporary name renamed into place
/// when complete. Field names are at most 10 characters so a Shapefile keeps them.
/// </summary>
/// <remarks>
/// Fields: JCBH, XZQDM, TBLX, ZDLX (the earlier polygon's); QSX, HSX (its dates); CKSX (reference date), ZXSX and ZXJH
/// (newest date and scene id); JCMJ (m²); pixels; obscured, changed, then share_&lt;TBLX&gt; per change class of the
/// model, restored (model no change), veg, cultivated, water, back, ndvi, margin_chg (all shares 0..1, null where not
/// measured); verdict (restored, partly restored, not restored, cannot tell), ZGZT (已整改, 部分整改, 未整改, 无法判断),
/// basis (model or indices), ZDBH (model name@version or "indices").
/// </remarks>
internal static class RecheckWriter
{
    /// <summary>The layer name in GeoPackage and FileGDB outputs.</summary>
    public const string LayerName = "recheck";

    /// <summary>The fields, in order, for a model's classes (none when judging by indices).</summary>
    public static IReadOnlyList<FieldDefinition> Fields(ModelCard? card)
    {
        var fields = new List<FieldDefinition>
        {
            new("JCBH", FieldKind.String, 30), new("XZQDM", FieldKind.String, 12), new("TBLX", FieldKind.String, 8),
            new("ZDLX", FieldKind.String, 40), new("QSX", FieldKind.String, 8), new("HSX", FieldKind.String, 8),
            new("CKSX", FieldKind.String, 8), new("ZXSX", FieldKind.String, 8), new("ZXJH", FieldKind.String, 80),
            new("JCMJ", FieldKind.Real, 18, 2), new("pixels", FieldKind.Integer64), new("obscured", FieldKind.Real, 8, 4),
            new("changed", FieldKind.Real, 8, 4),
        };
        if (card is not null) fields.AddRange(card.Classes.Skip(1).Select(c => new FieldDefinition(ShareField(c), FieldKind.Real, 8, 4)));
        fields.AddRange(
        [
            new("restored", FieldKind.Real, 8, 4), new("veg", FieldKind.Real, 8, 4), new("cultivated", FieldKind.Real, 8, 4),
            new("water", FieldKind.Real, 8, 4), new("back", FieldKind.Real, 8, 4), new("ndvi", FieldKind.Real, 8, 4),
            new("margin_chg", FieldKind.Real, 8, 4), new("verdict", FieldKind.String, 16), new("ZGZT", FieldKind.String, 12),
            new("basis", FieldKind.String, 8), new("ZDBH", FieldKind.String, 60),
        ]);
        return fields;
    }

    /// <summary>The share field of a class: share_ and its TBLX (share_c and its id when it has none), at most 10 characters.</summary>
    public static string ShareField(CardClass c)
    {
        var code = c.Tblx is { Length: > 0 } t ? t : "c" + c.Id.ToString(CultureInfo.InvariantCulture);
        var name = "share_" + new string(code.Where(char.IsAsciiLetterOrDigit).ToArray());
        return name.Length <= 10 ? name : name[..10];
    }

    /// <summary>An open writer on a temporary output next to <paramref name="path"/> (format from its extension, as for 图斑).</summary>
    /// <param name="path">The final path: .gpkg (default), .shp (GBK text), .geojson.</param>
    /// <param name="crs">The CRS of the polygons.</param>
    /// <param name="card">The model's card (its classes give the share fields); null when judging by indices.</param>
    public static Sink Create(string path, SpatialReference crs, ModelCard? card)
    {
        var format = TubanWriter.FormatOf(path);
        var output = VectorOutput.Create(path, TubanWriter.Driver(format));
        try
        {
            return new Sink(output, crs, format, card);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>A recheck output being written.</summary>
    public sealed class Sink : IDisposable
    {
        private readonly VectorOutput _output;
        private readonly VectorLayer _layer;
        private readonly VectorTransaction _transaction;
        private readonly ModelCard? _card;
        private readonly WKBWriter _wkb = new(ByteOrder.LittleEndian, handleSRID: false, emitZ: false);
        private bool _closed;

        internal Sink(VectorOutput output, SpatialReference crs, TubanFormat format, ModelCard? card)
        {
            _output = output;
            _card = card;
            var options = format == TubanFormat.Shapefile ? new[] { "ENCODING=GBK" } : Array.Empty<string>();
            _layer = output.Dataset.CreateLayer(output.LayerName(LayerName), GeometryKind.MultiPolygon, crs, Fields(card), options);
            _transaction = output.Dataset.BeginTransaction();
        }

        /// <summary>Results written so far.</summary>
        public int Count { get; private set; }

        /// <summary>Writes one result.</summary>
        public void Add(RecheckResult r)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var p = r.Polygon;
            var values = new List<object?>
            {
                p.Jcbh, p.Xzqdm, p.Tblx, p.ClassName, p.Qsx, p.Hsx, r.ReferenceDate, r.NewestDate, r.NewestId,
                Math.Round(r.Area, 2), r.Pixels, Share(r.ObscuredShare), Share(r.ChangedShare),
            };
            if (_card is not null)
                foreach (var c in _card.Classes.Skip(1))
                    values.Add(r.ClassShares.FirstOrDefault(s => s.ClassId == c.Id) is { } s ? Share(s.Share) : null);
            values.AddRange(
            [
                Share(r.ModelRestoredShare), Share(r.VegetationShare), Share(r.CultivatedShare), Share(r.WaterShare), Share(r.BackShare),
                Share(r.MeanNdvi), Share(r.MarginChangedShare), RecheckVerdicts.Name(r.Verdict), RecheckVerdicts.ChineseName(r.Verdict),
                r.Basis == RecheckBasis.Model ? "model" : "indices", r.Method,
            ]);
            var g = r.Geometry is NetTopologySuite.Geometries.Polygon one ? one.Factory.CreateMultiPolygon([one]) : r.Geometry;
            _layer.Add(_wkb.Write(g), values.ToArray());
            Count++;
        }

        private static object? Share(double v) => double.IsNaN(v) ? null : Math.Round(v, 4);

        /// <summary>Commits, closes and renames the output into place.</summary>
        public void Commit()
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _transaction.Commit();
            _closed = true;
            _output.Commit();
        }

        /// <summary>Abandons an uncommitted output: nothing is left at the final path.</summary>
        public void Dispose()
        {
            if (!_closed)
            {
                _closed = true;
                _transaction.Dispose();
            }
            _output.Dispose();
        }
    }
}
