using System.Globalization;
using System.Text.Json;

namespace WeiPian.Synth;

/// <summary>scene.json and recheck.json.</summary>
public static partial class SceneSynthesizer
{
    /// <summary>recheck.json: the third date (scene.json stays as it is without it).</summary>
    private static byte[] RecheckManifest(SynthResult r)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteStartObject("newest");
            j.WriteString("date", r.NewestDate!.Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            j.WriteString("sceneId", r.NewestSceneId);
            j.WriteEndObject();
            j.WriteStartObject("fates");
            foreach (var (f, count) in r.Fates) j.WriteNumber(RecheckTruth.Name(f), count);
            j.WriteEndObject();
            j.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static byte[] Manifest(SynthOptions o, SynthResult r, (DnStretch? Before, DnStretch? After) stretches)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            j.WriteStartObject();
            j.WriteString("generator", "weipian synth");
            j.WriteNumber("seed", o.Seed);
            j.WriteNumber("width", r.Width);
            j.WriteNumber("height", r.Height);
            j.WriteNumber("gsd", o.Gsd);
            j.WriteNumber("epsg", o.Epsg);
            j.WriteNumber("changesPerKm2", o.ChangesPerKm2);
            j.WriteStartObject("before");
            j.WriteString("date", r.BeforeDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            j.WriteString("sceneId", r.BeforeSceneId);
            WriteEncoding(j, o.BitDepth, stretches.Before);
            j.WriteEndObject();
            j.WriteStartObject("after");
            j.WriteString("date", r.AfterDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            j.WriteString("sceneId", r.AfterSceneId);
            WriteEncoding(j, o.AfterBitDepth ?? o.BitDepth, stretches.After);
            j.WriteNumber("width", r.AfterWidth);
            j.WriteNumber("height", r.AfterHeight);
            j.WriteNumber("gsd", o.AfterGsd ?? o.Gsd);
            j.WriteNumber("epsg", o.AfterEpsg ?? o.Epsg);
            j.WriteStartArray("shiftPixels");
            j.WriteNumberValue(o.AfterShiftColumns);
            j.WriteNumberValue(o.AfterShiftRows);
            j.WriteEndArray();
            j.WriteString("sensor", o.AfterSensor.Name);
            j.WriteString("clouds", o.Clouds.ToString().ToLowerInvariant());
            j.WriteEndObject();
            j.WriteStartObject("changes");
            foreach (var (c, n) in r.Changes) j.WriteNumber(ChangeClasses.Name(c), n);
            j.WriteEndObject();
            j.WriteNumber("changesOnFarmland", r.ChangesOnFarmland);
            j.WriteNumber("clouds", r.Clouds);
            j.WriteStartArray("counties");
            foreach (var c in r.Counties) j.WriteStringValue(c);
            j.WriteEndArray();
            if (o.Nuisances > 0)
            {
                // Only with nuisances: scene.json without them stays as it was.
                j.WriteNumber("nuisancesPerKm2", o.Nuisances);
                j.WriteStartObject("nuisances");
                foreach (var (k, n) in r.Nuisances) j.WriteNumber(NuisanceKinds.Name(k), n);
                j.WriteEndObject();
                j.WriteStartObject("buildingStages");
                foreach (var (st, n) in r.BuildingStages) j.WriteNumber(BuildingStages.Name(st), n);
                j.WriteEndObject();
            }
            j.WriteEndObject();
        }
        return stream.ToArray();
    }

    // The values' range, and for 8 bits the 10-bit limits the stretch mapped to 1 and 255 (B, G, R, NIR).
    private static void WriteEncoding(Utf8JsonWriter j, int bitDepth, DnStretch? stretch)
    {
        j.WriteNumber("bitDepth", bitDepth);
        if (stretch is null) return;
        j.WriteStartArray("stretch10Bit");
        foreach (var (low, high) in stretch.Limits)
        {
            j.WriteStartArray();
            j.WriteNumberValue(low);
            j.WriteNumberValue(high);
            j.WriteEndArray();
        }
        j.WriteEndArray();
    }
}
