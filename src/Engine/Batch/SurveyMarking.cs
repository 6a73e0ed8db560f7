using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Engine.Batch;

/// <summary>
/// Marks a change polygon against the current land survey (年度国土变更调查):
/// <list type="bullet">
/// <item>DLBM_NOW: the land class covering the largest part of the polygon (ties: the smaller code);</item>
/// <item>BCTB = Y (补充图斑 candidate) when the change is construction, a pond or mining (TBLX 20, YH, GF, KT, CK) and the
/// survey still records farmland (DLBM 0101/0102/0103) under at least min(the type's minimum mapping area, half the
/// polygon): a missed change big enough to map, or most of the polygon;</item>
/// <item>YBG = Y (已变更) when DLBM_NOW is the land use the change type turns land into: construction land for 20/YH/GF,
/// 1104/1104A/1104K for KT, 0602 (mining, in DLBM) for CK, 1202 for SN.</item>
/// </list>
/// </summary>
internal static class SurveyMarking
{
    /// <summary>The marks of one polygon.</summary>
    /// <param name="polygon">The polygon, in the survey's loaded CRS.</param>
    /// <param name="survey">The current survey around it.</param>
    /// <param name="options">Minimum mapping areas (m²).</param>
    /// <param name="farmlandCodes">DLBM codes that are farmland.</param>
    /// <param name="squareMetresPerUnit2">m² per CRS unit² (1 for metre CRSs).</param>
    public static (string DlbmNow, bool Bctb, bool Ybg) Mark(Tuban polygon, LandUseSurvey survey, DetectionOptions options,
        IReadOnlyCollection<string> farmlandCodes, double squareMetresPerUnit2 = 1)
    {
        var byClass = survey.AreaByClass(polygon.Geometry);
        var now = byClass.Count > 0 ? byClass[0].Dlbm : "";
        var farm = survey.AreaOn(polygon.Geometry, farmlandCodes) * squareMetresPerUnit2;
        var bctb = LandUseCodes.SupplementaryTypes.Contains(polygon.Tblx) && farm > 0
                   && farm >= Math.Min(options.MinimumAreaFor(polygon.Tblx), 0.5 * polygon.Jcmj);
        var ybg = LandUseCodes.NewUseOf(polygon.Tblx) is { } uses && uses.Contains(now);
        return (now, bctb, ybg);
    }
}
