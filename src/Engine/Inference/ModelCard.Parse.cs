using System.Text;
using System.Text.Json;
using WeiPian.Engine.Output;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Inference;

public sealed partial class ModelCard
{
    /// <summary>Longest TBLX code a card's class may carry: the width of the output's TBLX field.</summary>
    public const int MaxTblxLength = 8;

    /// <summary>Parses and validates a card.</summary>
    /// <param name="json">The card JSON (comments and trailing commas allowed; unknown fields are errors).</param>
    /// <param name="source">The file it came from (model or sidecar), named in every error message.</param>
    /// <returns>A card whose fields are present and consistent with each other.</returns>
    /// <exception cref="ModelContractException">The JSON is malformed, a field is missing or out of range, or fields contradict each other; the message says which field, what it holds and what was expected.</exception>
    public static ModelCard Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        CardDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, CardJsonContext.Default.CardDto);
        }
        catch (JsonException ex)
        {
            throw new ModelContractException($"Model card from '{source}' is not valid card JSON: {Describe(ex)} See docs/MODEL_CARD.md for the schema.", source, ex);
        }
        if (dto is null)
            throw new ModelContractException($"Model card from '{source}' is JSON null; expected an object (see docs/MODEL_CARD.md).", source);
        return new CardParser(source).Card(dto);
    }

    /// <summary>Reads and parses a card file (a sidecar), which must be UTF-8.</summary>
    /// <param name="path">The card file, named in every error message.</param>
    /// <exception cref="ModelContractException">The file is not UTF-8 (a Latin-1 or GBK card would lose its names silently), or the card is invalid.</exception>
    public static ModelCard ParseFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        string json;
        try
        {
            json = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ModelContractException(
                $"Model card '{path}' is not UTF-8 (byte 0x{ex.BytesUnknown?.FirstOrDefault():X2} at offset {ex.Index} is not valid UTF-8); save it as UTF-8.", path, ex);
        }
        return Parse(json, path);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // System.Text.Json's messages name the internal DTO types; say it in card terms where we know the case.
    private static string Describe(JsonException ex)
    {
        var at = ex.Path is { Length: > 0 } p
            ? $"at {p}{(ex.LineNumber is { } line ? $" (line {line + 1})" : "")}: "
            : ex.LineNumber is { } l ? $"at line {l + 1}: " : "";
        var message = ex.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var start = message.IndexOf('\'') + 1;
            var name = message[start..message.IndexOf('\'', start)];
            return $"{at}'{name}' is not a field of the card schema (misspelt, or from a newer schema?).";
        }
        const string converted = "could not be converted to ";
        var conv = message.IndexOf(converted, StringComparison.Ordinal);
        if (conv >= 0)
        {
            var type = message[(conv + converted.Length)..].Split(' ', 2)[0].TrimEnd('.');
            var wanted = type.EndsWith("[]", StringComparison.Ordinal) || type.Contains("List", StringComparison.Ordinal) ? "an array"
                : type.Contains("Int32", StringComparison.Ordinal) ? "a whole number"
                : type.Contains("Double", StringComparison.Ordinal) ? "a number"
                : type.Contains("String", StringComparison.Ordinal) ? "a string"
                : "an object";
            return $"{at}the value is not {wanted}.";
        }
        if (message.StartsWith("Duplicate property", StringComparison.Ordinal))
            return $"{at}the field appears twice.";
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at + (cut > 0 ? message[..cut] : message);
    }

    /// <summary>Turns the optional-everything JSON shape into a checked card, one clear message per problem.</summary>
    private sealed class CardParser(string source)
    {
        public ModelCard Card(CardDto dto)
        {
            var name = Text(dto.Name, "name", "the model's name, e.g. \"spectral-v1\"");
            var version = Text(dto.Version, "version", "the model's version, e.g. \"1.0.0\"");
            var classes = Classes(dto.Classes);
            var input = Input(dto.Input ?? throw Fail("input is missing; expected an object with form, names, bands, scaling, tile, halo (and batch)."));
            var output = Output(dto.Output ?? throw Fail("output is missing; expected an object with name and form."), classes.Length);
            return new ModelCard(source, name, version, dto.Description ?? "", input, output, classes) { Clouds = dto.Clouds ?? false };
        }

        private CardInput Input(CardInputDto dto)
        {
            var formText = dto.Form ?? throw Fail("input.form is missing; expected \"pair\" (two inputs, before and after), \"stacked\" (one input of 2C channels) or \"blocks\" (a screen's three inputs of block means).");
            if (!CardForms.TryParse(formText, out InputForm form))
                throw Fail($"input.form is \"{formText}\"; expected \"pair\", \"stacked\" or \"blocks\".");

            var (wanted, expected) = form switch
            {
                InputForm.Pair => (2, "[\"before\", \"after\"]"),
                InputForm.Stacked => (1, "[\"images\"]"),
                _ => (3, "[\"before\", \"after\", \"difference\"]"),
            };
            var names = dto.Names ?? throw Fail($"input.names is missing; a {formText} model needs {wanted} ONNX input name(s), e.g. {expected}.");
            if (names.Count != wanted)
                throw Fail($"input.names has {names.Count} name(s) but a {formText} model has {wanted} input(s): expected e.g. {expected}.");
            var nameArray = new string[wanted];
            for (var i = 0; i < wanted; i++)
                nameArray[i] = string.IsNullOrWhiteSpace(names[i])
                    ? throw Fail($"input.names[{i}] is empty; expected the ONNX input's name.")
                    : names[i]!;
            if (wanted == 2 && nameArray[0] == nameArray[1])
                throw Fail($"input.names are both \"{nameArray[0]}\"; a pair model has two distinct inputs [before, after]. Use \"form\": \"stacked\" for one input.");
            if (nameArray.Distinct().Count() < wanted)
                throw Fail($"input.names repeats a name ({string.Join(", ", nameArray)}); a {formText} model has {wanted} distinct inputs, e.g. {expected}.");

            var order = StackOrder.BeforeAfter;
            if (dto.StackOrder is { } orderText)
            {
                if (form != InputForm.Stacked)
                    throw Fail($"input.stackOrder is \"{orderText}\" but input.form is \"{formText}\"; stackOrder applies only to stacked inputs: remove it.");
                if (!CardForms.TryParse(orderText, out order))
                    throw Fail($"input.stackOrder is \"{orderText}\"; expected \"before-after\" or \"after-before\" (whose channels come first).");
            }

            var bandTexts = dto.Bands ?? throw Fail("input.bands is missing; expected the band roles in channel order, e.g. [\"B\", \"G\", \"R\", \"NIR\"].");
            if (bandTexts.Count == 0)
                throw Fail("input.bands is empty; expected the band roles in channel order, e.g. [\"B\", \"G\", \"R\", \"NIR\"].");
            var bands = new BandRole[bandTexts.Count];
            for (var i = 0; i < bands.Length; i++)
            {
                if (!BandOrder.TryParse(bandTexts[i], out bands[i]))
                    throw Fail($"input.bands[{i}] is \"{bandTexts[i]}\", not a band role; use B, G, R, NIR, RE, SWIR1, SWIR2, C, Y, P, A or X.");
                for (var j = 0; j < i; j++)
                    if (bands[j] == bands[i])
                        throw Fail($"input.bands lists {BandOrder.ShortName(bands[i])} twice (channels {j} and {i}); each role may appear once.");
            }

            var scaling = Scaling(dto.Scaling ?? throw Fail(
                $"input.scaling is missing; expected {{\"min\": [...], \"max\": [...], \"mean\": [...], \"std\": [...]}} with 1 or {bands.Length} values each."), bands.Length, dto.BitDepth);

            var tile = dto.Tile ?? throw Fail("input.tile is missing; expected the model's input height = width in pixels, e.g. 256.");
            if (tile < 1) throw Fail($"input.tile is {tile}; expected a positive tile side in pixels, e.g. 256.");
            if (tile > InferenceLimits.MaxTile) throw Fail($"input.tile is {tile}; the largest tile the engine runs is {InferenceLimits.MaxTile} px a side.");
            var halo = dto.Halo ?? throw Fail("input.halo is missing; expected the margin in pixels discarded on each side of a tile, e.g. 32 (0 for none).");
            if (halo < 0) throw Fail($"input.halo is {halo}; expected 0 or more pixels.");
            if (2 * halo >= tile)
                throw Fail($"input.halo is {halo} with input.tile {tile}: the kept centre tile - 2*halo = {tile - 2 * halo} must be > 0, so halo must be less than {(tile + 1) / 2}.");
            var block = Block(dto.Block, form, tile, halo);
            var batch = dto.Batch ?? 0;
            if (batch < 0) throw Fail($"input.batch is {batch}; expected the graph's fixed batch size, or 0 when its batch dimension is dynamic.");
            if (batch > InferenceLimits.MaxBatch) throw Fail($"input.batch is {batch}; the engine runs at most {InferenceLimits.MaxBatch} tiles per call.");

            if (dto.Gsd is { } gsd && !(double.IsFinite(gsd) && gsd > 0))
                throw Fail($"input.gsd is {gsd}; expected the ground sample distance the model was trained at, in metres, e.g. 0.8.");
            return new CardInput(form, nameArray, order, bands, scaling, tile, halo, batch, block) { Gsd = dto.Gsd };
        }

        // A block side for the blocks form (the tile and its halo whole blocks, so kept centres start on a block's edge);
        // none for the others.
        private int Block(int? block, InputForm form, int tile, int halo)
        {
            if (form != InputForm.Blocks)
                return block is null or 1 ? 1 : throw Fail($"input.block is {block} but input.form is \"{CardForms.Name(form)}\"; block applies only to \"blocks\" (a screen's block means): remove it.");
            var b = block ?? throw Fail("input.block is missing; a blocks model needs the side in pixels of the square blocks its inputs average, e.g. 4.");
            if (b < 2) throw Fail($"input.block is {b}; expected a block side of 2 pixels or more (1 is the pair form).");
            if (tile % b != 0 || halo % b != 0)
                throw Fail($"input.block is {b} with input.tile {tile} and input.halo {halo}; the tile and the halo must be whole blocks (multiples of {b}).");
            return b;
        }

        private CardScaling Scaling(CardScalingDto dto, int bands, int? bitDepth)
        {
            var min = PerBand(dto.Min, "min", bands, null);
            var max = PerBand(dto.Max, "max", bands, null);
            var mean = PerBand(dto.Mean, "mean", bands, 0);
            var std = PerBand(dto.Std, "std", bands, 1);
            for (var b = 0; b < bands; b++)
            {
                if (!(max[b] > min[b]))
                    throw Fail($"input.scaling for band {b}: max {max[b]} is not greater than min {min[b]}; expected the raw value range, e.g. min 0, max 1023 for 10-bit data.");
                if (!(std[b] > 0))
                    throw Fail($"input.scaling.std for band {b} is {std[b]}; expected a positive standard deviation.");
            }
            var reference = dto.Reference is { } r ? (Reference(r.Before, "before", min, max), Reference(r.After, "after", min, max)) : ((ReferencePercentiles, ReferencePercentiles)?)null;
            return new CardScaling(min, max, mean, std, CardRadiometry.Parse(bitDepth, dto, reference, max, Fail));
        }

        private ReferencePercentiles Reference(CardPercentileValuesDto? dto, string date, double[] min, double[] max)
        {
            var field = $"reference.{date}";
            if (dto is null)
                throw Fail($"input.scaling.{field} is missing; a reference states both dates' percentiles: {{\"before\": {{\"low\": [...], \"high\": [...]}}, \"after\": {{...}}}}.");
            var low = PerBand(dto.Low, $"{field}.low", min.Length, null);
            var high = PerBand(dto.High, $"{field}.high", min.Length, null);
            for (var b = 0; b < low.Length; b++)
                if (!(min[b] <= low[b] && low[b] < high[b] && high[b] <= max[b]))
                    throw Fail($"input.scaling.{field} for band {b} is low {low[b]}, high {high[b]}; expected min {min[b]} <= low < high <= max {max[b]} (the training data's percentiles in raw units).");
            return new ReferencePercentiles(low, high);
        }

        private double[] PerBand(double[]? values, string field, int bands, double? absent)
        {
            if (values is null)
                return absent is { } fill
                    ? Enumerable.Repeat(fill, bands).ToArray()
                    : throw Fail($"input.scaling.{field} is missing; expected 1 value (for every band) or {bands} (one per band).");
            if (values.Length != 1 && values.Length != bands)
                throw Fail($"input.scaling.{field} has {values.Length} values but input.bands has {bands}; expected 1 value (for every band) or {bands}.");
            foreach (var v in values)
                if (!double.IsFinite(v)) throw Fail($"input.scaling.{field} holds {v}; expected finite numbers.");
            return values.Length == bands ? values : Enumerable.Repeat(values[0], bands).ToArray();
        }

        private CardOutput Output(CardOutputDto dto, int classCount)
        {
            var name = Text(dto.Name, "output.name", "the ONNX output's name, e.g. \"logits\"");
            var formText = dto.Form ?? throw Fail("output.form is missing; expected \"logits\", \"probabilities\" or \"change-logit\".");
            if (!CardForms.TryParse(formText, out OutputForm form))
                throw Fail($"output.form is \"{formText}\"; expected \"logits\" (N x K x H x W), \"probabilities\" (N x K x H x W, softmaxed) or \"change-logit\" (N x 1 x H x W).");
            if (form != OutputForm.ChangeLogit)
            {
                if (dto.Threshold is not null)
                    throw Fail($"output.threshold is set but output.form is \"{formText}\"; threshold applies only to \"change-logit\": remove it.");
                if (dto.ChangeClass is not null)
                    throw Fail($"output.changeClass is set but output.form is \"{formText}\"; changeClass applies only to \"change-logit\": remove it.");
                return new CardOutput(name, form, null, null, classCount);
            }
            var threshold = dto.Threshold ?? 0.5;
            if (!(threshold > 0 && threshold < 1))
                throw Fail($"output.threshold is {threshold}; expected a probability strictly between 0 and 1, e.g. 0.5.");
            var changeClass = dto.ChangeClass ?? 1;
            if (changeClass < 1 || changeClass >= classCount)
                throw Fail($"output.changeClass is {changeClass}; expected a class id from 1 to {classCount - 1} (classes lists {classCount}; 0 is no change).");
            return new CardOutput(name, form, threshold, changeClass, classCount);
        }

        private CardClass[] Classes(List<CardClassDto?>? dtos)
        {
            const string example = "[{\"id\": 0, \"name\": \"no change\", \"tblx\": null}, {\"id\": 1, \"name\": \"building\", \"tblx\": \"20\"}, ...]";
            if (dtos is null) throw Fail($"classes is missing; expected {example}.");
            if (dtos.Count < 2) throw Fail($"classes has {dtos.Count} entr{(dtos.Count == 1 ? "y" : "ies")}; expected \"no change\" (id 0) and at least one change class: {example}.");
            // Classes are bytes in the pipeline and the class raster, where 255 marks pixels without a result.
            if (dtos.Count > MaxClasses)
                throw Fail($"classes has {dtos.Count} entries; at most {MaxClasses} (ids 0..{MaxClasses - 1}: the class raster keeps 255 for pixels without a result).");
            var classes = new CardClass?[dtos.Count];
            for (var i = 0; i < dtos.Count; i++)
            {
                var dto = dtos[i] ?? throw Fail($"classes[{i}] is null; expected {{\"id\": ..., \"name\": ..., \"tblx\": ...}}.");
                var id = dto.Id ?? throw Fail($"classes[{i}] has no id; ids run 0..{dtos.Count - 1}, 0 being no change.");
                if (id < 0 || id >= dtos.Count)
                    throw Fail($"classes[{i}] has id {id}; with {dtos.Count} classes the ids must be exactly 0..{dtos.Count - 1} (0 = no change).");
                if (classes[id] is not null)
                    throw Fail($"classes lists id {id} twice; ids must be exactly 0..{dtos.Count - 1}, each once.");
                var name = Text(dto.Name, $"classes[{i}].name", "a class name such as \"building\"");
                if (dto.Tblx is { } t && string.IsNullOrWhiteSpace(t))
                    throw Fail($"classes[{i}].tblx is empty; expected a TBLX code such as \"20\", or null.");
                if (dto.Tblx is { } code && !IsPlainCode(code))
                    throw Fail($"classes[{i}].tblx is \"{code}\"; expected a TBLX code of 1 to {MaxTblxLength} letters or digits, such as {string.Join(", ", ChangeTypes.All.Keys)}.");
                if (id == 0 && dto.Tblx is not null)
                    throw Fail($"class 0 (\"{name}\") is the no-change class and has no change type, but its tblx is \"{dto.Tblx}\"; expected null.");
                var local = dto.LocalTblx ?? false;
                if (local && dto.Tblx is null)
                    throw Fail($"classes[{i}] (\"{name}\") says localTblx but has no tblx; give its local code, or remove localTblx.");
                // A code off the national list is most often a typo ("99" for "20") that would reach every polygon's TBLX
                // unnoticed; a province's own code is allowed when the card says so.
                if (dto.Tblx is { } known && !local && !ChangeTypes.All.ContainsKey(known))
                    throw Fail($"classes[{i}] (\"{name}\") has tblx \"{known}\", which is not a known TBLX code ({string.Join(", ", ChangeTypes.All.Keys)}); use one of them, or mark a local code with \"localTblx\": true.");
                if (dto.MinArea is { } minArea && (id == 0 || !(minArea >= 0) || double.IsInfinity(minArea)))
                    throw Fail(id == 0
                        ? $"class 0 (\"{name}\") is the no-change class and forms no polygons, but has a minArea; remove it."
                        : $"classes[{i}].minArea is {minArea.ToString(System.Globalization.CultureInfo.InvariantCulture)}; expected an area in m², 0 or more.");
                classes[id] = new CardClass(id, name, dto.Tblx, local, dto.MinArea);
            }
            var result = classes.Select(c => c!).ToArray();
            for (var i = 0; i < result.Length; i++)
                for (var j = 0; j < i; j++)
                    if (result[i].Name == result[j].Name)
                        throw Fail($"classes {j} and {i} are both named \"{result[i].Name}\"; class names must differ.");
            return result;
        }

        // TBLX lands in an 8-character attribute field and in chip and report names: letters and digits only, like
        // every national code (ChangeTypes), so a path such as "../x" never reaches a file name.
        private static bool IsPlainCode(string code) => code.Length <= MaxTblxLength && code.All(char.IsAsciiLetterOrDigit);

        private string Text(string? value, string field, string expected) =>
            string.IsNullOrWhiteSpace(value) ? throw Fail($"{field} is {(value is null ? "missing" : "empty")}; expected {expected}.") : value;

        private ModelContractException Fail(string what) => new($"Model card from '{source}': {what}", source);
    }
}
