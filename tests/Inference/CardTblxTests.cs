using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;

namespace WeiPian.Engine.Tests.Inference;

/// <summary>
/// A card's TBLX codes come from the known list (<see cref="ChangeTypes"/>): a code off it ("99", most likely a typo)
/// is refused naming the card, the class and the known codes, unless the class marks it <c>"localTblx": true</c>.
/// </summary>
public class CardTblxTests
{
    private static string Card(string tblx, string local = "") => $$"""
        {
          "name": "m", "version": "1",
          "input": { "form": "pair", "names": ["before", "after"], "bands": ["B", "G", "R", "NIR"],
                     "scaling": { "min": [0], "max": [1023] }, "tile": 256, "halo": 8 },
          "output": { "name": "logits", "form": "logits" },
          "classes": [ {"id": 0, "name": "no change", "tblx": null}, {"id": 1, "name": "building", "tblx": {{tblx}}{{local}}} ]
        }
        """;

    [Theory]
    [InlineData("99")]
    [InlineData("X1")]
    [InlineData("kt")]
    public void AnUnknownCode_IsRefused_NamingTheCardTheClassAndTheKnownCodes(string tblx)
    {
        var e = Assert.Throws<ModelContractException>(() => ModelCard.Parse(Card($"\"{tblx}\""), "m.card.json"));
        Assert.Equal(
            $"Model card from 'm.card.json': classes[1] (\"building\") has tblx \"{tblx}\", which is not a known TBLX code (20, YH, DT, TD, TP, KT, CK, GF, SN, QT); use one of them, or mark a local code with \"localTblx\": true.",
            e.Message);
    }

    [Fact]
    public void ALocalCode_IsTaken_AndKeptWhenTheCardIsWritten()
    {
        var card = ModelCard.Parse(Card("\"99\"", ", \"localTblx\": true"), "m.card.json");
        Assert.Equal("99", card.Classes[1].Tblx);
        Assert.True(card.Classes[1].LocalTblx);
        Assert.False(card.Classes[0].LocalTblx);
        var again = ModelCard.Parse(card.ToJson(), "again.card.json");
        Assert.True(again.Classes[1].LocalTblx);
    }

    [Fact]
    public void ALocalFlagWithoutACode_IsRefused()
    {
        var e = Assert.Throws<ModelContractException>(() => ModelCard.Parse(Card("null", ", \"localTblx\": true"), "m.card.json"));
        Assert.Contains("classes[1] (\"building\") says localTblx but has no tblx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APathLikeCode_IsRefusedEvenWhenLocal()
    {
        var e = Assert.Throws<ModelContractException>(() => ModelCard.Parse(Card("\"../x\"", ", \"localTblx\": true"), "m.card.json"));
        Assert.Contains("classes[1].tblx is \"../x\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCardWeShip_UsesKnownCodes()
    {
        var cards = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "src", "Models"), "*.card.json")
            .Concat(Directory.GetFiles(TestModels.Folder, "*.card.json")).ToList();
        Assert.NotEmpty(cards);
        foreach (var path in cards)
            Assert.All(ModelCard.ParseFile(path).Classes.Skip(1), c => Assert.False(c.LocalTblx, $"{path}: class {c.Id}"));
        foreach (var model in Directory.GetFiles(TestModels.Folder, "*.onnx").Concat(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "src", "Models"), "*.onnx"))
                     // Neither of these carries a card of classes: one contradicts its graph on purpose, one is a bare graph;
                     // the screens (screen-v1, the test screens) have a change class without a change type (below).
                     .Where(p => Path.GetFileName(p) is not ("contradicts-graph.onnx" or "fp16-paths.onnx") && !Path.GetFileName(p).StartsWith("screen-", StringComparison.Ordinal)))
            Assert.All(ChangeModel.Load(model).Card.Classes.Skip(1), c => Assert.Contains(c.Tblx!, ChangeTypes.All.Keys));
    }

    [Fact]
    public void TheBundledScreen_HasNoChangeAndChangeWithoutAChangeType()
    {
        var card = ChangeModel.ReadCard(BundledModels.Resolve("screen-v1"));
        Assert.Equal(["no change", "change"], card.Classes.Select(c => c.Name));
        Assert.All(card.Classes, c => Assert.Null(c.Tblx));
    }
}
