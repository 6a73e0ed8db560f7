using System.Globalization;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Batch;

/// <summary>
/// The manifest of a reprocessing batch: a CSV file (UTF-8, header row) with one scene pair a row.
/// </summary>
/// <remarks>
/// Columns, by header name (case-insensitive, any order; a column the manifest does not know, or one given twice, is
/// refused: a misspelt <c>befor_date</c> would otherwise be silently ignored):
/// <list type="table">
/// <item><term>before</term><description>required: the earlier image; relative paths are relative to the manifest's folder</description></item>
/// <item><term>after</term><description>required: the later image on the same grid</description></item>
/// <item><term>key</term><description>the scene key (letters, digits, - _ .); default: the after file's name without extension, made safe</description></item>
/// <item><term>before_id / after_id</term><description>QQJH / DQJH (aliases qqjh, dqjh); default: SCENE_ID metadata, else the file name</description></item>
/// <item><term>before_date / after_date</term><description>QSX / HSX as YYYYMMDD or YYYY-MM-DD (aliases qsx, hsx); default: the GeoTIFF's date</description></item>
/// <item><term>region</term><description>a 6-digit XZQDM for polygons outside the survey's county layer (alias xzqdm)</description></item>
/// <item><term>bands</term><description>band roles in band order, e.g. "B,G,R,NIR" (quoted)</description></item>
/// <item><term>align</term><description>yes/true/1 to warp the after image onto the before image's grid when they differ (<see cref="Pipeline.ScenePair.Align"/>); empty, no, false or 0 refuses different grids</description></item>
/// <item><term>remark</term><description>free text for the people keeping the manifest (aliases note, 备注); not read</description></item>
/// </list>
/// Blank lines and lines starting with # are skipped. Keys must be unique.
/// </remarks>
public static class SceneManifest
{
    /// <summary>The columns a manifest may have: each name with its aliases (the last, remark, is free text the batch does not read).</summary>
    public static IReadOnlyList<string[]> Columns { get; } =
    [
        ["key", "scene_key"], ["before"], ["after"], ["before_id", "qqjh"], ["after_id", "dqjh"], ["before_date", "qsx"], ["after_date", "hsx"],
        ["region", "xzqdm"], ["bands"], ["align"], ["remark", "note", "备注"],
    ];

    /// <summary>
    /// The manifest column that sets a scene's <see cref="InputException.Setting"/> (align, bands, before_date, after_date),
    /// so that a scene refused for it can say where to change it; null for a setting the manifest does not hold.
    /// </summary>
    public static string? ColumnFor(string? setting) => setting switch
    {
        nameof(SceneJob.Align) => "align",
        nameof(SceneJob.Bands) => "bands",
        nameof(SceneJob.BeforeDate) => "before_date",
        nameof(SceneJob.AfterDate) => "after_date",
        _ => null,
    };

    /// <summary>Reads a manifest into jobs, in file order, with absolute paths.</summary>
    /// <exception cref="InputException">No manifest file; a quote out of place; an unknown, repeated or missing column; a row
    /// with more fields than the header; a bad date, key or region, or a duplicate key. The message names the file and line.</exception>
    public static IReadOnlyList<SceneJob> Read(string path)
    {
        var table = Csv.Read(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        CheckHeader(path, table.Header);
        int before = table.Column("before"), after = table.Column("after");
        if (before < 0 || after < 0)
            throw new InputException(
                $"Manifest '{path}': the header must name the columns 'before' and 'after' (and optionally key, before_id, after_id, before_date, after_date, region, bands, align); it has {string.Join(", ", table.Header)}.");
        int key = table.Column(Columns[0]), beforeId = table.Column(Columns[3]), afterId = table.Column(Columns[4]),
            beforeDate = table.Column(Columns[5]), afterDate = table.Column(Columns[6]), region = table.Column(Columns[7]), bands = table.Column(Columns[8]), align = table.Column(Columns[9]);
        var jobs = new List<SceneJob>();
        var keys = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, f) in table.Rows)
        {
            string? Get(int i) => i >= 0 && i < f.Length && f[i].Length > 0 ? f[i] : null;
            var where = $"Manifest '{path}', line {line}";
            if (f.Length > table.Header.Count && f.Skip(table.Header.Count).Any(x => x.Length > 0))
                throw new InputException($"{where}: {f.Length} fields, the header names {table.Header.Count} (a comma in a path needs the field in double quotes).");
            var b = Get(before) ?? throw new InputException($"{where}: no 'before' image.");
            var a = Get(after) ?? throw new InputException($"{where}: no 'after' image.");
            var k = Get(key) ?? SceneJob.KeyFrom(Path.GetFileNameWithoutExtension(a));
            if (!SceneJob.IsValidKey(k))
                throw new InputException($"{where}: key '{k}' may hold only letters, digits, '-', '_' and '.' (and not start with '.').");
            if (keys.TryGetValue(k, out var first))
                throw new InputException($"{where}: key '{k}' is already used on line {first}; give each row its own 'key'.");
            keys[k] = line;
            var r = Get(region);
            if (r is not null && (r.Length != 6 || !r.All(char.IsAsciiDigit)))
                throw new InputException($"{where}: region '{r}' is not a 6-digit county code (XZQDM).");
            IReadOnlyList<BandRole>? roles;
            try { roles = Get(bands) is { } text ? BandOrder.ParseList(text) : null; }
            catch (InputException e) { throw new InputException($"{where}: {e.Message}"); }
            jobs.Add(new SceneJob(k, Path.GetFullPath(b, folder), Path.GetFullPath(a, folder))
            {
                BeforeId = Get(beforeId),
                AfterId = Get(afterId),
                BeforeDate = Date(Get(beforeDate), where, "before_date"),
                AfterDate = Date(Get(afterDate), where, "after_date"),
                Region = r,
                Bands = roles,
                Align = Flag(Get(align), where, "align"),
            });
        }
        if (jobs.Count == 0) throw new InputException($"Manifest '{path}' lists no scene pairs.");
        return jobs;
    }

    /// <summary>Writes jobs as a manifest (absolute paths), e.g. to hand a subset to another run.</summary>
    public static void Write(string path, IEnumerable<SceneJob> jobs)
    {
        using var w = new StreamWriter(path, false, new System.Text.UTF8Encoding(false));
        w.WriteLine("key,before,after,before_id,after_id,before_date,after_date,region,bands,align");
        foreach (var j in jobs)
            w.WriteLine(Csv.Line([j.Key, j.Before, j.After, j.BeforeId, j.AfterId,
                j.BeforeDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture), j.AfterDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                j.Region, j.Bands is null ? null : BandOrder.Format(j.Bands), j.Align ? "yes" : null]));
    }

    private static bool Flag(string? text, string where, string column) => text?.ToLowerInvariant() switch
    {
        null or "no" or "false" or "0" => false,
        "yes" or "true" or "1" => true,
        _ => throw new InputException($"{where}: {column} '{text}' is not yes/no (true/false, 1/0)."),
    };

    private static DateOnly? Date(string? text, string where, string column)
    {
        if (text is null) return null;
        foreach (var format in new[] { "yyyyMMdd", "yyyy-MM-dd" })
            if (DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        throw new InputException($"{where}: {column} '{text}' is not a date (YYYYMMDD or YYYY-MM-DD).");
    }

    private static void CheckHeader(string path, IReadOnlyList<string> header)
    {
        var unknown = header.Where(h => !Columns.Any(c => c.Contains(h, StringComparer.OrdinalIgnoreCase))).Select(h => h.Length == 0 ? "(a column without a name)" : h).ToList();
        if (unknown.Count > 0)
            throw new InputException(
                $"Manifest '{path}': unknown column{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}; the known columns are {string.Join(", ", Columns.Select(Describe))}.");
        foreach (var names in Columns)
        {
            var given = header.Where(h => names.Contains(h, StringComparer.OrdinalIgnoreCase)).ToList();
            if (given.Count > 1)
                throw new InputException($"Manifest '{path}': the column {Describe(names)} is given {given.Count} times ({string.Join(", ", given)}).");
        }
    }

    private static string Describe(string[] names) => names.Length == 1 ? names[0] : $"{names[0]} (or {string.Join(", ", names.Skip(1))})";
}
