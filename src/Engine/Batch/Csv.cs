using System.Globalization;
using System.Text;

namespace WeiPian.Engine.Batch;

/// <summary>
/// RFC 4180 CSV as the batch files use it: comma-separated, fields quoted with "..." when they hold a comma,
/// a quote or a line break, "" for a quote inside; UTF-8 (a BOM is skipped). Lines that are blank or whose first
/// field starts with <c>#</c> are comments.
/// </summary>
internal static class Csv
{
    /// <summary>A parsed CSV table: the header (trimmed, compared without case) and the data rows with their line numbers.</summary>
    public sealed record Table(string Path, IReadOnlyList<string> Header, IReadOnlyList<(int Line, string[] Fields)> Rows)
    {
        /// <summary>Index of the first header name among <paramref name="names"/> (case-insensitive), or -1.</summary>
        public int Column(params string[] names)
        {
            for (var i = 0; i < Header.Count; i++)
                foreach (var n in names)
                    if (string.Equals(Header[i], n, StringComparison.OrdinalIgnoreCase)) return i;
            return -1;
        }
    }

    /// <summary>Reads a CSV file with a header row.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InputException">An unterminated quote, or no header.</exception>
    public static Table Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file '{path}' does not exist.", path);
        var text = File.ReadAllText(path, Encoding.UTF8);
        var records = Parse(text, path);
        string[]? header = null;
        var rows = new List<(int, string[])>();
        foreach (var (line, fields) in records)
        {
            if (fields.Length == 0 || fields.Length == 1 && fields[0].Trim().Length == 0) continue;
            if (fields[0].TrimStart().StartsWith('#')) continue;
            if (header is null) { header = fields.Select(f => f.Trim()).ToArray(); continue; }
            rows.Add((line, fields));
        }
        if (header is null) throw new InputException($"CSV file '{path}' has no header row.");
        return new Table(path, header, rows);
    }

    private static List<(int Line, string[] Fields)> Parse(string text, string path)
    {
        var result = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1, i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF') i = 1;
        var quoted = false;
        var wasQuoted = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.ToString().Trim().Length == 0:
                    field.Clear();
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
                    result.Add((start, fields.ToArray()));
                    fields.Clear();
                    field.Clear();
                    wasQuoted = false;
                    line++;
                    start = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (quoted) throw new InputException($"CSV file '{path}', line {start}: a quoted field is not closed.");
        if (field.Length > 0 || fields.Count > 0 || wasQuoted)
        {
            fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
            result.Add((start, fields.ToArray()));
        }
        return result;
    }

    /// <summary>One field, quoted when it needs to be.</summary>
    public static string Field(string? value)
    {
        value ??= "";
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>A number with invariant culture and a fixed number of decimals.</summary>
    public static string Number(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A CSV line of fields.</summary>
    public static string Line(IEnumerable<string?> fields) => string.Join(",", fields.Select(Field));
}
