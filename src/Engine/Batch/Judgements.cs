namespace WeiPian.Engine.Batch;

/// <summary>The verified judgement of a polygon (判定类型).</summary>
internal enum Legality
{
    /// <summary>Judged legal (合法).</summary>
    Legal,
    /// <summary>Judged illegal (违法).</summary>
    Illegal,
}

/// <summary>Whether a polygon's farmland is deducted from the yearly ratio (扣除类型).</summary>
internal enum Deduction
{
    /// <summary>No deduction.</summary>
    None,
    /// <summary>A qualifying national major infrastructure project (transport, energy, water) whose supervision duties were met: deducted at every level.</summary>
    National,
    /// <summary>A qualifying provincial major infrastructure project: deducted for counties and cities, not at province level.</summary>
    Provincial,
}

/// <summary>One verification result sent back for a polygon.</summary>
/// <param name="Jcbh">The polygon's JCBH.</param>
/// <param name="Legality">Legal or illegal.</param>
/// <param name="Deduction">The deduction flag.</param>
internal sealed record Judgement(string Jcbh, Legality Legality, Deduction Deduction);

/// <summary>
/// Reads verification results: a CSV file (UTF-8, header row) with columns <c>JCBH</c>, <c>PDLX</c> (判定类型: 合法 or
/// legal; 违法 or illegal) and <c>KCLX</c> (扣除类型: empty, none or 无; national or 国家; provincial or 省级). Other
/// columns (a project name, remarks) are ignored; each JCBH at most once.
/// </summary>
internal static class Judgements
{
    /// <summary>Reads the judgements by JCBH.</summary>
    /// <exception cref="InputException">No such file, a missing column, an unknown value or a repeated JCBH; the message names the line.</exception>
    public static IReadOnlyDictionary<string, Judgement> Read(string path)
    {
        var table = Csv.Read(path);
        int jcbh = table.Column("JCBH"), pdlx = table.Column("PDLX", "legality"), kclx = table.Column("KCLX", "deduction");
        if (jcbh < 0 || pdlx < 0)
            throw new InputException($"Judgements '{path}': the header must name JCBH and PDLX (and optionally KCLX); it has {string.Join(", ", table.Header)}.");
        var result = new Dictionary<string, Judgement>(StringComparer.Ordinal);
        foreach (var (line, f) in table.Rows)
        {
            string Get(int i) => i >= 0 && i < f.Length ? f[i].Trim() : "";
            var where = $"Judgements '{path}', line {line}";
            var id = Get(jcbh);
            if (id.Length == 0) throw new InputException($"{where}: no JCBH.");
            var legality = Get(pdlx).ToLowerInvariant() switch
            {
                "合法" or "legal" => Legality.Legal,
                "违法" or "illegal" => Legality.Illegal,
                var v => throw new InputException($"{where}: PDLX '{v}' is neither 合法/legal nor 违法/illegal."),
            };
            var deduction = Get(kclx).ToLowerInvariant() switch
            {
                "" or "none" or "无" or "否" => Deduction.None,
                "national" or "国家" or "国家级" => Deduction.National,
                "provincial" or "省级" or "省" => Deduction.Provincial,
                var v => throw new InputException($"{where}: KCLX '{v}' is not none, national (国家) or provincial (省级)."),
            };
            if (!result.TryAdd(id, new Judgement(id, legality, deduction)))
                throw new InputException($"{where}: JCBH {id} is judged twice.");
        }
        return result;
    }
}
