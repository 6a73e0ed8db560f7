using System.Text.Json.Nodes;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Tests.Inference;

public class ModelCardTests
{
    private const string Source = "models/spectral-v1.onnx";

    private const string Valid = """
        {
          "name": "spectral-v1", "version": "1.0.0", "description": "four-band change model",
          "input": {
            "form": "pair",
            "names": ["before", "after"],
            "bands": ["B", "G", "R", "NIR"],
            "scaling": { "min": [0], "max": [1023], "mean": [0.1, 0.2, 0.3, 0.4], "std": [0.5, 0.25, 0.125, 2] },
            "tile": 256, "halo": 32, "batch": 0
          },
          "output": { "name": "logits", "form": "logits" },
          "classes": [ {"id":0,"name":"no change","tblx":null}, {"id":1,"name":"building","tblx":"20"},
                       {"id":2,"name":"pond","tblx":"KT"}, {"id":3,"name":"mining","tblx":"CK"},
                       {"id":4,"name":"facility agriculture","tblx":"SN"} ], // comments are allowed
        }
        """;

    private static string Edit(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(Valid, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        edit(node);
        return node.ToJsonString();
    }

    private static JsonObject In(JsonObject card) => card["input"]!.AsObject();

    private static JsonObject Out(JsonObject card) => card["output"]!.AsObject();

    private static ModelCard Blocks() => ModelCard.Parse(Edit(c =>
    {
        In(c)["form"] = "blocks";
        In(c)["names"] = new JsonArray("before", "after", "difference");
        In(c)["block"] = 4;
    }), Source);

    [Fact]
    public void BlocksFormTakesThreeInputsOfOneValuePerBlock()
    {
        var input = Blocks().Input;

        Assert.Equal(InputForm.Blocks, input.Form);
        Assert.Equal(["before", "after", "difference"], input.Names);
        Assert.Equal((4, 64, 4), (input.Block, input.GraphTile, input.GraphChannels));
        Assert.Equal((1, 256), (ModelCard.Parse(Valid, Source).Input.Block, ModelCard.Parse(Valid, Source).Input.GraphTile));
    }

    [Fact]
    public void SameScalingComparesTheScalingItsRadiometryAndTheBands()
    {
        var card = ModelCard.Parse(Valid, Source);

        Assert.True(ModelCard.SameScaling(card, Blocks())); // another form, the same scaling
        Assert.True(ModelCard.SameScaling(card, ModelCard.Parse(Edit(c => In(c)["scaling"]!["mean"] = new JsonArray(0.1, 0.2, 0.3, 0.4)), Source)));
        Assert.False(ModelCard.SameScaling(card, ModelCard.Parse(Edit(c => In(c)["scaling"]!["mean"] = new JsonArray(0.1, 0.2, 0.3, 0.41)), Source)));
        Assert.False(ModelCard.SameScaling(card, ModelCard.Parse(Edit(c => In(c)["scaling"]!["mode"] = "percentile"), Source)));
        Assert.False(ModelCard.SameScaling(card, ModelCard.Parse(Edit(c => In(c)["bitDepth"] = 11), Source)));
        Assert.False(ModelCard.SameScaling(card, ModelCard.Parse(Edit(c => In(c)["bands"] = new JsonArray("G", "B", "R", "NIR")), Source)));
    }

    private static ModelCard Stacked(string bands = "[\"B\",\"G\",\"R\",\"NIR\"]") => ModelCard.Parse(Edit(c =>
    {
        In(c)["form"] = "stacked";
        In(c)["names"] = new JsonArray("images");
        In(c)["bands"] = JsonNode.Parse(bands);
        In(c)["scaling"] = JsonNode.Parse("""{"min":[0],"max":[1023]}""");
    }), Source);

    [Fact]
    public void ParsesTheValidCard()
    {
        var card = ModelCard.Parse(Valid, Source);
        Assert.Equal("spectral-v1", card.Name);
        Assert.Equal("1.0.0", card.Version);
        Assert.Equal(Source, card.Source);
        Assert.Equal(InputForm.Pair, card.Input.Form);
        Assert.Equal("before", card.Input.BeforeName);
        Assert.Equal("after", card.Input.AfterName);
        Assert.Equal(BandOrder.GaofenMultispectral, card.Input.Bands);
        Assert.Equal(4, card.Input.GraphChannels);
        Assert.Equal([1023.0, 1023, 1023, 1023], card.Input.Scaling.Max);
        Assert.Equal(192, card.Input.Kept);
        Assert.Equal(0, card.Input.Batch);
        Assert.Equal(OutputForm.Logits, card.Output.Form);
        Assert.Equal(5, card.Output.Channels);
        Assert.Null(card.Output.Threshold);
        Assert.Equal(5, card.ClassCount);
        Assert.Equal(["no change", "building", "pond", "mining", "facility agriculture"], card.Classes.Select(c => c.Name));
        Assert.Equal([null, "20", "KT", "CK", "SN"], card.Classes.Select(c => c.Tblx));
    }

    [Fact]
    public void StackedCardDefaultsAndChannels()
    {
        var card = Stacked();
        Assert.Equal(InputForm.Stacked, card.Input.Form);
        Assert.Equal(StackOrder.BeforeAfter, card.Input.StackOrder);
        Assert.Equal("images", card.Input.BeforeName);
        Assert.Equal("images", card.Input.AfterName);
        Assert.Equal(8, card.Input.GraphChannels);
        Assert.Equal([0.0, 0, 0, 0], card.Input.Scaling.Mean);
        Assert.Equal([1.0, 1, 1, 1], card.Input.Scaling.Std);
    }

    [Fact]
    public void ChangeLogitDefaultsAndLogitThreshold()
    {
        var card = ModelCard.Parse(Edit(c => Out(c)["form"] = "change-logit"), Source);
        Assert.Equal(OutputForm.ChangeLogit, card.Output.Form);
        Assert.Equal(0.5, card.Output.Threshold);
        Assert.Equal(1, card.Output.ChangeClass);
        Assert.Equal(0.0, card.Output.LogitThreshold!.Value, 12);
        Assert.Equal(1, card.Output.Channels);

        var strict = ModelCard.Parse(Edit(c =>
        {
            Out(c)["form"] = "change-logit";
            Out(c)["threshold"] = 0.8;
            Out(c)["changeClass"] = 3;
        }), Source);
        Assert.Equal(Math.Log(4), strict.Output.LogitThreshold!.Value, 12);
        Assert.Equal(3, strict.Output.ChangeClass);
    }

    [Fact]
    public void ClassesMayBeListedInAnyOrder()
    {
        var card = ModelCard.Parse(Edit(c => c["classes"] = JsonNode.Parse(
            """[{"id":1,"name":"building","tblx":"20"},{"id":0,"name":"no change"}]""")), Source);
        Assert.Equal([0, 1], card.Classes.Select(k => k.Id));
        Assert.Null(card.Classes[0].Tblx);
    }

    [Fact]
    public void ToJsonRoundTrips()
    {
        foreach (var card in new[] { ModelCard.Parse(Valid, Source), Stacked(), ModelCard.Parse(Edit(c => Out(c)["form"] = "change-logit"), Source), Blocks() })
        {
            var json = card.ToJson();
            var again = ModelCard.Parse(json, "again");
            Assert.Equal(json, again.ToJson());
            Assert.Empty(ModelCard.Differences(card, again));
        }
        var text = ModelCard.Parse(Valid, Source).ToJson();
        Assert.Contains("\"tblx\": null", text);
        Assert.DoesNotContain("stackOrder", text);
        Assert.DoesNotContain("block", text);
        Assert.Contains("\"block\": 4", Blocks().ToJson());
        Assert.DoesNotContain("threshold", text);
    }

    [Fact]
    public void DifferencesNameTheSections()
    {
        var a = ModelCard.Parse(Valid, Source);
        var b = ModelCard.Parse(Edit(c => { In(c)["halo"] = 16; c["version"] = "1.0.1"; }), Source);
        Assert.Equal(["version", "input"], ModelCard.Differences(a, b));
    }

    public static TheoryData<string, string, string> InvalidCards() => new()
    {
        { "name missing", Edit(c => c.Remove("name")), "name is missing" },
        { "version empty", Edit(c => c["version"] = " "), "version is empty" },
        { "input missing", Edit(c => c.Remove("input")), "input is missing" },
        { "output missing", Edit(c => c.Remove("output")), "output is missing" },
        { "bad form", Edit(c => In(c)["form"] = "pairs"), "input.form is \"pairs\"; expected \"pair\", \"stacked\" or \"blocks\"" },
        { "blocks without block", Edit(c => { In(c)["form"] = "blocks"; In(c)["names"] = new JsonArray("b", "a", "d"); }), "input.block is missing" },
        { "blocks with two names", Edit(c => { In(c)["form"] = "blocks"; In(c)["block"] = 4; }), "input.names has 2 name(s) but a blocks model has 3 input(s)" },
        { "blocks names repeated", Edit(c => { In(c)["form"] = "blocks"; In(c)["block"] = 4; In(c)["names"] = new JsonArray("b", "a", "b"); }), "input.names repeats a name (b, a, b)" },
        { "block of 1", Edit(c => { In(c)["form"] = "blocks"; In(c)["block"] = 1; In(c)["names"] = new JsonArray("b", "a", "d"); }), "input.block is 1; expected a block side of 2 pixels or more" },
        { "halo not whole blocks", Edit(c => { In(c)["form"] = "blocks"; In(c)["block"] = 3; In(c)["tile"] = 255; In(c)["names"] = new JsonArray("b", "a", "d"); }), "the tile and the halo must be whole blocks (multiples of 3)" },
        { "block on a pair", Edit(c => In(c)["block"] = 4), "input.block is 4 but input.form is \"pair\"; block applies only to \"blocks\"" },
        { "one name for a pair", Edit(c => In(c)["names"] = new JsonArray("images")), "input.names has 1 name(s) but a pair model has 2 input(s)" },
        { "two names for stacked", Edit(c => In(c)["form"] = "stacked"), "input.names has 2 name(s) but a stacked model has 1 input(s)" },
        { "same names", Edit(c => In(c)["names"] = new JsonArray("x", "x")), "input.names are both \"x\"" },
        { "stackOrder on pair", Edit(c => In(c)["stackOrder"] = "before-after"), "stackOrder applies only to stacked inputs" },
        { "bad stackOrder", Edit(c => { In(c)["form"] = "stacked"; In(c)["names"] = new JsonArray("images"); In(c)["stackOrder"] = "after-first"; }), "input.stackOrder is \"after-first\"" },
        { "bands missing", Edit(c => In(c).Remove("bands")), "input.bands is missing" },
        { "unknown band", Edit(c => In(c)["bands"] = new JsonArray("B", "G", "Q", "NIR")), "input.bands[2] is \"Q\", not a band role" },
        { "duplicate band", Edit(c => In(c)["bands"] = new JsonArray("B", "G", "G", "NIR")), "input.bands lists G twice" },
        { "scaling missing", Edit(c => In(c).Remove("scaling")), "input.scaling is missing" },
        { "scaling.max missing", Edit(c => In(c)["scaling"]!.AsObject().Remove("max")), "input.scaling.max is missing" },
        { "scaling.min length", Edit(c => In(c)["scaling"]!["min"] = new JsonArray(0, 0, 0)), "input.scaling.min has 3 values but input.bands has 4" },
        { "scaling.std length", Edit(c => In(c)["scaling"]!["std"] = new JsonArray(1, 1)), "input.scaling.std has 2 values but input.bands has 4" },
        { "max not above min", Edit(c => In(c)["scaling"]!["max"] = new JsonArray(0)), "max 0 is not greater than min 0" },
        { "zero std", Edit(c => In(c)["scaling"]!["std"] = new JsonArray(1, 0, 1, 1)), "input.scaling.std for band 1 is 0" },
        { "tile missing", Edit(c => In(c).Remove("tile")), "input.tile is missing" },
        { "tile zero", Edit(c => In(c)["tile"] = 0), "input.tile is 0" },
        { "halo missing", Edit(c => In(c).Remove("halo")), "input.halo is missing" },
        { "halo too big", Edit(c => In(c)["halo"] = 128), "the kept centre tile - 2*halo = 0 must be > 0, so halo must be less than 128" },
        { "negative halo", Edit(c => In(c)["halo"] = -1), "input.halo is -1" },
        { "negative batch", Edit(c => In(c)["batch"] = -1), "input.batch is -1" },
        { "fractional tile", Edit(c => In(c)["tile"] = 25.5), "not valid card JSON: at $.input.tile (line 1): the value is not a whole number" },
        { "names not an array", Edit(c => In(c)["names"] = "before"), "at $.input.names (line 1): the value is not an array" },
        { "output name missing", Edit(c => Out(c).Remove("name")), "output.name is missing" },
        { "bad output form", Edit(c => Out(c)["form"] = "softmax"), "output.form is \"softmax\"" },
        { "threshold on logits", Edit(c => Out(c)["threshold"] = 0.5), "threshold applies only to \"change-logit\"" },
        { "changeClass on probabilities", Edit(c => { Out(c)["form"] = "probabilities"; Out(c)["changeClass"] = 1; }), "changeClass applies only to \"change-logit\"" },
        { "threshold 1", Edit(c => { Out(c)["form"] = "change-logit"; Out(c)["threshold"] = 1.0; }), "output.threshold is 1; expected a probability strictly between 0 and 1" },
        { "threshold 0", Edit(c => { Out(c)["form"] = "change-logit"; Out(c)["threshold"] = 0; }), "output.threshold is 0" },
        { "changeClass out of range", Edit(c => { Out(c)["form"] = "change-logit"; Out(c)["changeClass"] = 5; }), "output.changeClass is 5; expected a class id from 1 to 4" },
        { "changeClass no change", Edit(c => { Out(c)["form"] = "change-logit"; Out(c)["changeClass"] = 0; }), "output.changeClass is 0" },
        { "classes missing", Edit(c => c.Remove("classes")), "classes is missing" },
        { "one class", Edit(c => c["classes"] = JsonNode.Parse("""[{"id":0,"name":"no change"}]""")), "classes has 1 entry" },
        { "256 classes", Edit(c => c["classes"] = JsonNode.Parse("[" + string.Join(",", Enumerable.Range(0, 256).Select(i =>
            i == 0 ? "{\"id\":0,\"name\":\"no change\"}" : $"{{\"id\":{i},\"name\":\"c{i}\",\"tblx\":\"QT\"}}")) + "]")),
            "classes has 256 entries; at most 255 (ids 0..254: the class raster keeps 255 for pixels without a result)" },
        { "gap in ids", Edit(c => c["classes"]![4]!["id"] = 7), "classes[4] has id 7; with 5 classes the ids must be exactly 0..4" },
        { "duplicate id", Edit(c => c["classes"]![2]!["id"] = 1), "classes lists id 1 twice" },
        { "id missing", Edit(c => c["classes"]![1]!.AsObject().Remove("id")), "classes[1] has no id" },
        { "class name missing", Edit(c => c["classes"]![1]!.AsObject().Remove("name")), "classes[1].name is missing" },
        { "duplicate class name", Edit(c => c["classes"]![2]!["name"] = "building"), "classes 1 and 2 are both named \"building\"" },
        { "no-change with tblx", Edit(c => c["classes"]![0]!["tblx"] = "QT"), "is the no-change class and has no change type, but its tblx is \"QT\"" },
        { "empty tblx", Edit(c => c["classes"]![1]!["tblx"] = ""), "classes[1].tblx is empty" },
        { "unknown field", Edit(c => Out(c)["treshold"] = 0.5), "at $.output.treshold (line 1): 'treshold' is not a field of the card schema" },
        { "duplicate field", Valid.Replace("\"tile\": 256,", "\"tile\": 256, \"tile\": 128,"), "at $.input.tile (line 8): the field appears twice" },
        { "not json", "{ name: spectral", "not valid card JSON" },
        { "json null", "null", "is JSON null" },
    };

    [Theory]
    [MemberData(nameof(InvalidCards))]
    public void InvalidCardsSayWhatIsWrong(string why, string json, string expected)
    {
        var ex = Assert.Throws<ModelContractException>(() => ModelCard.Parse(json, Source));
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{why}: message was: {ex.Message}");
        Assert.Contains(Source, ex.Message);
        Assert.Equal(Source, ex.SourcePath);
    }

    [Fact]
    public void ScalingCoefficientsMatchTheScalarDefinition()
    {
        var card = ModelCard.Parse(Edit(c => In(c)["scaling"] = JsonNode.Parse(
            """{ "min": [0, 100, 0, 64], "max": [1023, 900, 255, 1023], "mean": [0.1, 0.2, 0.3, 0.4], "std": [0.5, 0.25, 0.125, 2] }""")), Source);
        var s = card.Input.Scaling;
        var k = s.Coefficients;
        Assert.Equal(4, k.BandCount);
        float[] samples = [-50, 0, 1, 63.5f, 64, 99, 100, 255, 511.5f, 900, 1000, 1023, 1024, 4095];
        for (var b = 0; b < 4; b++)
        {
            Assert.Equal(1 / ((s.Max[b] - s.Min[b]) * s.Std[b]), k.Multiplier[b], 1e-6);
            Assert.Equal(-s.Min[b] / ((s.Max[b] - s.Min[b]) * s.Std[b]) - s.Mean[b] / s.Std[b], k.Offset[b], 1e-5);
            Assert.Equal(s.Min[b], k.Low[b]);
            Assert.Equal(s.Max[b], k.High[b]);
            foreach (var x in samples)
            {
                var v = (Math.Clamp(x, s.Min[b], s.Max[b]) - s.Min[b]) / (s.Max[b] - s.Min[b]);
                var expected = (v - s.Mean[b]) / s.Std[b];
                Assert.True(Math.Abs(expected - k.Apply(b, x)) <= 1e-5 * Math.Max(1, Math.Abs(expected)),
                    $"band {b}, x {x}: expected {expected}, got {k.Apply(b, x)}");
            }
        }
    }

    [Fact]
    public void ScalingBroadcastsOneValue()
    {
        var k = Stacked().Input.Scaling.Coefficients;
        for (var b = 0; b < 4; b++)
        {
            Assert.Equal(0f, k.Apply(b, 0));
            Assert.Equal(1f, k.Apply(b, 1023));
            Assert.Equal(1f, k.Apply(b, 60000));
        }
    }

    [Theory]
    [InlineData("B,G,R,NIR", "B,G,R,NIR", new[] { 1, 2, 3, 4 })]
    [InlineData("B,G,R,NIR", "R,G,B,NIR", new[] { 3, 2, 1, 4 })]
    [InlineData("R,G,B", "B,G,R,NIR", new[] { 3, 2, 1 })]
    [InlineData("R,G,B", "NIR,R,G,B", new[] { 2, 3, 4 })]
    [InlineData("NIR,R", "B,G,R,NIR,P", new[] { 4, 3 })]
    public void BindBandsPicksSceneBandsByRole(string model, string scene, int[] expected)
    {
        var card = Stacked("[" + string.Join(",", model.Split(',').Select(b => $"\"{b}\"")) + "]");
        Assert.Equal(expected, card.BindBands(BandOrder.ParseList(scene), "scene.tif"));
    }

    [Fact]
    public void BindBandsNamesTheMissingBand()
    {
        var card = ModelCard.Parse(Valid, Source);
        var ex = Assert.Throws<ModelContractException>(() => card.BindBands(BandOrder.ParseList("B,G,R"), "/data/gf2_rgb.tif"));
        Assert.Contains("needs bands B,G,R,NIR", ex.Message);
        Assert.Contains("'/data/gf2_rgb.tif' has B,G,R (no NIR)", ex.Message);
        Assert.Contains("spectral-v1", ex.Message);
        Assert.Equal("/data/gf2_rgb.tif", ex.SourcePath);
    }

    [Fact]
    public void BindBandsWithUnknownRolesSuggestsGivingTheOrder()
    {
        var card = ModelCard.Parse(Valid, Source);
        var ex = Assert.Throws<ModelContractException>(() =>
            card.BindBands([BandRole.Unknown, BandRole.Unknown, BandRole.Unknown, BandRole.Unknown], "s.tif"));
        Assert.Contains("has ?,?,?,? (no B,G,R,NIR)", ex.Message);
        Assert.Contains("give the scene's band order explicitly", ex.Message);
        Assert.DoesNotContain("--", ex.Message);
        Assert.Equal("Bands", ex.Setting);
    }

    [Fact]
    public void BindBandsRefusesAnAmbiguousScene()
    {
        var card = ModelCard.Parse(Valid, Source);
        var ex = Assert.Throws<ModelContractException>(() => card.BindBands(BandOrder.ParseList("B,G,R,R,NIR"), "s.tif"));
        Assert.Contains("R in bands 3 and 4", ex.Message);
    }
}
