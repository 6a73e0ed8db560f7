using System.Globalization;

namespace WeiPian.Engine.Gdal;

/// <summary>
/// An immutable description of a coordinate reference system, read once through GDAL's OSR:
/// its WKT, its EPSG code where it has one, its name and linear unit. Safe to share between threads.
/// </summary>
public sealed class SpatialReference : IEquatable<SpatialReference>
{
    private SpatialReference(string wkt, int? epsg, string name, bool isGeographic, bool isProjected, double linearUnitMetres)
    {
        Wkt = wkt;
        Epsg = epsg;
        Name = name;
        IsGeographic = isGeographic;
        IsProjected = isProjected;
        LinearUnitMetres = linearUnitMetres;
    }

    /// <summary>The CRS as WKT (GDAL's default WKT1 export).</summary>
    public string Wkt { get; }

    /// <summary>The EPSG code, when the CRS is (or matches) an EPSG definition.</summary>
    public int? Epsg { get; }

    /// <summary>The CRS's name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 111E".</summary>
    public string Name { get; }

    /// <summary>True for longitude/latitude CRSs, where areas need a projection first.</summary>
    public bool IsGeographic { get; }

    /// <summary>True for projected CRSs.</summary>
    public bool IsProjected { get; }

    /// <summary>Metres per linear unit (1 for metre-based projections).</summary>
    public double LinearUnitMetres { get; }

    /// <summary>A projection parameter such as "central_meridian" or "false_easting", or null when absent.</summary>
    public unsafe double? ProjectionParameter(string name)
    {
        using var h = NewHandle(Wkt);
        int error;
        var value = GdalNative.OSRGetProjParm(h.DangerousGetHandle(), name, double.NaN, &error);
        GdalLibrary.ResetError();
        return error == 0 && !double.IsNaN(value) ? value : null;
    }

    /// <summary>The CRS of an EPSG code, e.g. 4546 for CGCS2000 / 3-degree GK CM 111E.</summary>
    public static SpatialReference FromEpsg(int epsg)
    {
        using var h = NewHandle(null);
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.OSRImportFromEPSG(h.DangerousGetHandle(), epsg), "import CRS", $"EPSG:{epsg}");
        return Describe(h, epsg);
    }

    /// <summary>A CRS from WKT, PROJ string, "EPSG:n" or anything GDAL's SetFromUserInput accepts.</summary>
    public static SpatialReference Parse(string definition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(definition);
        using var h = NewHandle(null);
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.OSRSetFromUserInput(h.DangerousGetHandle(), definition), "parse CRS", Shorten(definition));
        return Describe(h, null);
    }

    /// <summary>True when both describe the same CRS (GDAL's OSRIsSame, axis order ignored).</summary>
    public bool IsSame(SpatialReference other)
    {
        if (ReferenceEquals(this, other) || Wkt == other.Wkt) return true;
        if (Epsg is not null && Epsg == other.Epsg) return true;
        using var a = NewHandle(Wkt);
        using var b = NewHandle(other.Wkt);
        using var options = new NativeStringList(["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS"]);
        return GdalNative.OSRIsSameEx(a.DangerousGetHandle(), b.DangerousGetHandle(), options.Pointer) != 0;
    }

    /// <summary>Reads a WKT as returned by GDAL for a dataset or layer.</summary>
    internal static SpatialReference? FromWkt(string? wkt) => string.IsNullOrWhiteSpace(wkt) ? null : Parse(wkt);

    /// <summary>Describes a GDAL-owned OGRSpatialReferenceH (a layer's CRS) without taking ownership.</summary>
    internal static SpatialReference? FromBorrowedHandle(nint srs)
    {
        if (srs == 0) return null;
        return Parse(ExportWkt(srs));
    }

    /// <summary>A fresh, owned OSR handle for this CRS, GIS axis order (x = easting/longitude).</summary>
    internal SpatialReferenceHandle CreateHandle() => NewHandle(Wkt);

    private static SpatialReferenceHandle NewHandle(string? wkt)
    {
        GdalLibrary.EnsureInitialized();
        GdalLibrary.ResetError();
        var h = new SpatialReferenceHandle(GdalLibrary.CheckHandle(GdalNative.OSRNewSpatialReference(wkt), "read CRS", Shorten(wkt)));
        GdalNative.OSRSetAxisMappingStrategy(h.DangerousGetHandle(), 0);
        return h;
    }

    private static unsafe SpatialReference Describe(SpatialReferenceHandle handle, int? knownEpsg)
    {
        var h = handle.DangerousGetHandle();
        var wkt = ExportWkt(h);
        var epsg = knownEpsg ?? IdentifyEpsg(h);
        var name = GdalNative.Utf8(GdalNative.OSRGetName(h)) ?? "";
        var projected = GdalNative.OSRIsProjected(h) != 0;
        var unit = projected ? GdalNative.OSRGetLinearUnits(h, null) : 1.0;
        return new SpatialReference(wkt, epsg, name, GdalNative.OSRIsGeographic(h) != 0, projected, unit);
    }

    private static unsafe string ExportWkt(nint h)
    {
        nint p = 0;
        GdalLibrary.Check(GdalNative.OSRExportToWkt(h, &p), "export CRS", null);
        try { return GdalNative.Utf8(p) ?? ""; }
        finally { GdalNative.VSIFree(p); }
    }

    // An authority code on the root node is taken as is; otherwise (a GeoTIFF's GeogCS-only keys,
    // an ESRI .prj) ask OSR for its single 100%-confidence EPSG match, the way gdalsrsinfo does.
    private static unsafe int? IdentifyEpsg(nint h)
    {
        if (TryAuthorityCode(h) is { } direct) return direct;
        int count = 0;
        int* confidence = null;
        var matches = GdalNative.OSRFindMatches(h, 0, &count, &confidence);
        try
        {
            if (matches != null && count >= 1 && confidence[0] >= 90 && (count == 1 || confidence[1] < confidence[0]))
                return TryAuthorityCode(matches[0]);
            return null;
        }
        finally
        {
            if (matches != null) GdalNative.OSRFreeSRSArray(matches);
            if (confidence != null) GdalNative.VSIFree((nint)confidence);
            GdalNative.CPLErrorReset();
        }
    }

    private static int? TryAuthorityCode(nint h)
    {
        var authority = GdalNative.Utf8(GdalNative.OSRGetAuthorityName(h, null));
        var code = GdalNative.Utf8(GdalNative.OSRGetAuthorityCode(h, null));
        return string.Equals(authority, "EPSG", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epsg) ? epsg : null;
    }

    private static string? Shorten(string? s) => s is null || s.Length <= 80 ? s : s[..77] + "...";

    /// <inheritdoc />
    public bool Equals(SpatialReference? other) => other is not null && IsSame(other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SpatialReference other && Equals(other);

    /// <inheritdoc />
    /// <remarks>
    /// Equality is <see cref="IsSame"/>, which also matches a CRS that has no <see cref="Epsg"/> code
    /// (a PROJ string, an unidentified WKT) to its EPSG twin, so the hash may only use what equal CRSs share.
    /// </remarks>
    public override int GetHashCode() => HashCode.Combine(IsGeographic, IsProjected);

    /// <inheritdoc />
    public override string ToString() => Epsg is { } code ? $"EPSG:{code} ({Name})" : Name;
}
