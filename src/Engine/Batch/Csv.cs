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
    /// <exception cref="InputException">No such file, a quote not closed or misplaced, or no header; the message names the file and line.</exception>
    public static Table Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"CSV file '{path}' does not exist.");
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
        var closedAt = -1;   // where the current field's closing quote is, so text after it is caught
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else
                    {
                        quoted = false;
                        closedAt = i;
                    }
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            if (c == '#' && fields.Count == 0 && !wasQuoted && field.ToString().Trim().Length == 0)
            {
                // A comment line: whatever it holds, quotes included, is not parsed.
                var end = text.IndexOf('\n', i);
                field.Clear();
                if (end < 0) break;
                i = end;
                line++;
                start = line;
                continue;
            }
            // A quote a field does not start with, or text after a closing quote, is a quote gone astray: the fields
            // after it would shift silently (a path swallowing the next line), so it is refused with its line.
            if (c == '"' && (wasQuoted || field.ToString().Trim().Length > 0))
                throw new InputException($"CSV file '{path}', line {start}: a quote inside a field (quote the whole field and double the quotes in it).");
            if (wasQuoted && closedAt >= 0 && c is not (',' or '\r' or '\n' or ' ' or '\t'))
                throw new InputException(
                    $"CSV file '{path}', line {start}: text after the closing quote of a field{(Line(text, closedAt) > start ? $" (the quote opened on line {start} closes on line {Line(text, closedAt)})" : "")}.");
            switch (c)
            {
                case '"':
                    field.Clear();
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
                    field.Clear();
                    wasQuoted = false;
                    closedAt = -1;
                    break;
                case '\r':
                case ' ' or '\t' when closedAt >= 0:
                    break;
                case '\n':
                    fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
                    result.Add((start, fields.ToArray()));
                    fields.Clear();
                    field.Clear();
                    wasQuoted = false;
                    closedAt = -1;
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

    private static int Line(string text, int index) => 1 + text.AsSpan(0, index).Count('\n');

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
