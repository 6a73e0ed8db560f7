using System.Text.Json;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Training;

/// <summary>Why a chip was cut where it was.</summary>
public enum ChipKind
{
    /// <summary>Centred (with jitter) on a verified real change.</summary>
    Positive,

    /// <summary>Centred (with jitter) on a polygon the county judged false change: a hard negative.</summary>
    FalseChange,

    /// <summary>Unchanged land clear of every verified polygon.</summary>
    Unchanged,
}

/// <summary>One row of a training export's index (<c>index.jsonl</c>): a chip, where it lies, what its mask holds.</summary>
/// <param name="Id">The chip's name, also its files' stem: the scene key and a serial.</param>
/// <param name="Scene">The manifest's scene key.</param>
/// <param name="Window">Its pixels on the scene's processing grid (the before date's, or the overlap of both dates when aligned).</param>
/// <param name="Bounds">Its ground rectangle in the scene's CRS.</param>
/// <param name="Kind">Why it was cut there.</param>
/// <param name="Split">Its part of the export, from the geographic blocks under it.</param>
internal sealed record TrainingChip(string Id, string Scene, PixelWindow Window, BoundingBox Bounds, ChipKind Kind, SplitName Split)
{
    /// <summary>The scene id of the before date (QQJH).</summary>
    public string BeforeId { get; init; } = "";

    /// <summary>The scene id of the after date (DQJH).</summary>
    public string AfterId { get; init; } = "";

    /// <summary>The EPSG code of the chip's CRS, when it has one.</summary>
    public int? Epsg { get; init; }

    /// <summary>The feature id of the verified polygon it is centred on; null for unchanged land.</summary>
    public long? Polygon { get; init; }

    /// <summary>Pixels of each class id in the mask (index = class id, 0 = no change); <see cref="TrainingOptions.Ignore"/> pixels are not counted here.</summary>
    public long[] ClassPixels { get; init; } = [];

    /// <summary>Pixels marked <see cref="TrainingOptions.Ignore"/>: nodata in either date, or on a verified polygon's edge.</summary>
    public long IgnorePixels { get; init; }

    /// <summary>The before chip, relative to the export folder.</summary>
    public string BeforeFile => $"before/{Id}.tif";

    /// <summary>The after chip, relative to the export folder.</summary>
    public string AfterFile => $"after/{Id}.tif";

    /// <summary>The class mask, relative to the export folder.</summary>
    public string MaskFile => $"mask/{Id}.tif";

    /// <summary>The kind's name in the index: <c>positive</c>, <c>false-change</c> or <c>unchanged</c>.</summary>
    public static string KindName(ChipKind kind) => kind switch
    {
        ChipKind.Positive => "positive",
        ChipKind.FalseChange => "false-change",
        _ => "unchanged",
    };

    /// <summary>Writes the row as one JSON object (the caller ends the line).</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("scene", Scene);
        w.WriteString("before_id", BeforeId);
        w.WriteString("after_id", AfterId);
        w.WriteString("kind", KindName(Kind));
        w.WriteString("split", GeographicSplit.Name(Split));
        w.WriteStartObject("window");
        w.WriteNumber("x", Window.X);
        w.WriteNumber("y", Window.Y);
        w.WriteNumber("width", Window.Width);
        w.WriteNumber("height", Window.Height);
        w.WriteEndObject();
        w.WriteStartArray("bounds");
        foreach (var v in new[] { Bounds.MinX, Bounds.MinY, Bounds.MaxX, Bounds.MaxY }) w.WriteNumberValue(v);
        w.WriteEndArray();
        if (Epsg is { } epsg) w.WriteNumber("epsg", epsg);
        else w.WriteNull("epsg");
        if (Polygon is { } fid) w.WriteNumber("polygon", fid);
        else w.WriteNull("polygon");
        w.WriteString("before", BeforeFile);
        w.WriteString("after", AfterFile);
        w.WriteString("mask", MaskFile);
        w.WriteStartObject("class_pixels");
        for (var c = 0; c < ClassPixels.Length; c++) w.WriteNumber(c.ToString(System.Globalization.CultureInfo.InvariantCulture), ClassPixels[c]);
        w.WriteEndObject();
        w.WriteNumber("ignore_pixels", IgnorePixels);
        w.WriteEndObject();
    }
}
