using Microsoft.Extensions.Logging;
using NetTopologySuite.IO;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Output;

/// <summary>Vector formats the bureaus take.</summary>
public enum TubanFormat
{
    /// <summary>GeoPackage, layer <c>tuban</c> (the default).</summary>
    GeoPackage,
    /// <summary>ESRI Shapefile with a .cpg; GBK text by default (what Chinese desktop GIS expects), UTF-8 on request.</summary>
    Shapefile,
    /// <summary>GeoJSON as RFC 7946 wants it: longitude/latitude (GDAL reprojects on write; CGCS2000 and WGS84 agree to centimetres).</summary>
    GeoJson,
    /// <summary>ESRI File Geodatabase (a .gdb folder), written by GDAL's OpenFileGDB driver.</summary>
    FileGdb,
}

/// <summary>
/// Writes 图斑 with the national fields (<see cref="TubanSchema"/>), under a temporary name renamed into place when complete,
/// inside one transaction where the format has them.
/// </summary>
public static class TubanWriter
{
    /// <summary>The layer name in GeoPackage and FileGDB outputs.</summary>
    public const string LayerName = "tuban";

    /// <summary>The file name extension of a format (".gdb" for FileGDB, ".shp" for Shapefile).</summary>
    public static string Extension(TubanFormat format) => format switch
    {
        TubanFormat.Shapefile => ".shp",
        TubanFormat.GeoJson => ".geojson",
        TubanFormat.FileGdb => ".gdb",
        _ => ".gpkg",
    };

    /// <summary>The format a path's extension names (.gpkg, .shp, .geojson/.json, .gdb).</summary>
    /// <exception cref="InputException">Any other extension: the format is not guessed.</exception>
    public static TubanFormat FormatOf(string path) => VectorOutput.DriverFor(path) switch
    {
        "ESRI Shapefile" => TubanFormat.Shapefile,
        "GeoJSON" => TubanFormat.GeoJson,
        "OpenFileGDB" => TubanFormat.FileGdb,
        _ => TubanFormat.GeoPackage,
    };

    /// <summary>
    /// An open writer on a temporary output next to <paramref name="path"/>; <see cref="Sink.Commit"/> renames it into
    /// place, disposing without committing leaves nothing behind.
    /// </summary>
    /// <param name="path">The final path.</param>
    /// <param name="crs">The CRS of the polygons.</param>
    /// <param name="format">The format.</param>
    /// <param name="shapefileEncoding">Shapefile text encoding: "GBK" (default) or "UTF-8".</param>
    /// <param name="logger">Told what was removed of killed runs of the output; null: <see cref="OutputNotices"/>.</param>
    public static Sink Create(string path, SpatialReference crs, TubanFormat format, string shapefileEncoding = "GBK", ILogger? logger = null)
    {
        var output = VectorOutput.Create(path, Driver(format), Environment.ProcessId, logger);
        try
        {
            return new Sink(output, crs, format, shapefileEncoding);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>The OGR driver of a format.</summary>
    internal static string Driver(TubanFormat format) => format switch
    {
        TubanFormat.Shapefile => "ESRI Shapefile",
        TubanFormat.GeoJson => "GeoJSON",
        TubanFormat.FileGdb => "OpenFileGDB",
        _ => "GPKG",
    };

    /// <summary>Writes all polygons to <paramref name="path"/> at once.</summary>
    public static int Write(string path, SpatialReference crs, IEnumerable<Tuban> tubans, TubanFormat? format = null)
    {
        using var sink = Create(path, crs, format ?? FormatOf(path));
        foreach (var t in tubans) sink.Add(t);
        sink.Commit();
        return sink.Count;
    }

    /// <summary>A tuban output being written.</summary>
    public sealed class Sink : ITubanSink
    {
        private readonly VectorOutput _output;
        private readonly VectorLayer _layer;
        private readonly VectorTransaction _transaction;
        private readonly WKBWriter _wkb = new(ByteOrder.LittleEndian, handleSRID: false, emitZ: false);
        private bool _closed;

        internal Sink(VectorOutput output, SpatialReference crs, TubanFormat format, string encoding)
        {
            _output = output;
            var options = format switch
            {
                TubanFormat.Shapefile => new[] { "ENCODING=" + encoding },
                TubanFormat.GeoJson => new[] { "RFC7946=YES", "WRITE_NAME=NO" },
                _ => Array.Empty<string>(),
            };
            _layer = output.Dataset.CreateLayer(output.LayerName(LayerName), GeometryKind.Polygon, crs, TubanSchema.Definitions, options);
            _transaction = output.Dataset.BeginTransaction();
            Format = format;
        }

        /// <summary>The format being written.</summary>
        public TubanFormat Format { get; }

        /// <summary>Polygons written so far.</summary>
        public int Count { get; private set; }

        /// <inheritdoc />
        public IReadOnlyList<string> Paths => [_output.FinalPath];

        /// <summary>Writes one polygon.</summary>
        public void Add(Tuban t)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _layer.Add(_wkb.Write(t.Geometry), TubanSchema.Values(t));
            Count++;
        }

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
