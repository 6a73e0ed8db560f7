using System.Globalization;
using NetTopologySuite.IO;
using WeiPian.Engine.Batch;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>Compares merged outputs feature by feature: every field, and the geometry as WKB.</summary>
internal static class BatchAssert
{
    public static void SameOutput(string expectedPath, string actualPath)
    {
        var (_, expected) = BatchTubanFile.Read(expectedPath);
        var (_, actual) = BatchTubanFile.Read(actualPath);
        SamePolygons(expected, actual);
    }

    public static void SamePolygons(IReadOnlyList<BatchTuban> expected, IReadOnlyList<BatchTuban> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Fields(expected[i]), Fields(actual[i]));
            Assert.Equal(Wkb(expected[i]), Wkb(actual[i]));
        }
    }

    /// <summary>Every attribute as written (JCBH first), for comparing and for messages.</summary>
    public static string Fields(BatchTuban p)
    {
        var t = p.Tuban;
        return string.Join("|", t.Jcbh, t.Xzqdm, t.Tblx, t.Qsx, t.Hsx, t.Qqjh, t.Dqjh, N(t.Jcmj), N(t.Jcgdmj), N(t.Yjjbntmj), t.Sfyn, N(t.X), N(t.Y),
            N(t.Lzb), N(t.Bzb), t.Zdbh, t.Zdlx, t.Fxfs, N(t.Confidence), t.ClassId, t.ClassName, p.Tywzjctbwqbh, p.Bctb, p.DlbmNow, p.Ybg, p.Scenes);
    }

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static byte[] Wkb(BatchTuban p) => new WKBWriter(ByteOrder.LittleEndian, false, false).Write(p.Tuban.Geometry);
}
