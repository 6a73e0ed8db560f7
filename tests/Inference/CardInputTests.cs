using System.Text;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Inference;

/// <summary>Cards that used to crash a run or pass silently: huge tiles, path-like TBLX codes, a Latin-1 file.</summary>
public class CardInputTests
{
    private static string Card(int tile = 256, string tblx = "20", string name = "building") => $$"""
        {
          "name": "m", "version": "1",
          "input": { "form": "pair", "names": ["before", "after"], "bands": ["B", "G", "R", "NIR"],
                     "scaling": { "min": [0], "max": [1023] }, "tile": {{tile}}, "halo": 8 },
          "output": { "name": "logits", "form": "logits" },
          "classes": [ {"id": 0, "name": "no change", "tblx": null}, {"id": 1, "name": "{{name}}", "tblx": "{{tblx}}"} ]
        }
        """;

    [Theory]
    [InlineData(20000)]
    [InlineData(100000)]
    public void ATileAboveTheLimit_IsRefused_NamingTheCard(int tile)
    {
        var e = Assert.Throws<ModelContractException>(() => ModelCard.Parse(Card(tile), "x.card.json"));
        Assert.Contains($"'x.card.json': input.tile is {tile}; the largest tile the engine runs is {InferenceLimits.MaxTile}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("KT KT")]
    [InlineData("TOOLONGCODE")]
    public void APathLikeOrLongTblx_IsRefused(string tblx)
    {
        var e = Assert.Throws<ModelContractException>(() => ModelCard.Parse(Card(tblx: tblx), "x.card.json"));
        Assert.Contains($"classes[1].tblx is \"{tblx}\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("20")]
    [InlineData("SN")]
    [InlineData("QT")]
    public void AKnownTblx_IsTaken(string tblx) =>
        Assert.Equal(tblx, ModelCard.Parse(Card(tblx: tblx), "x.card.json").Classes[1].Tblx);

    [Fact]
    public void ALatin1CardFile_IsRefused_NamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("m.card.json");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(Card(name: "bâtiment")));
        var e = Assert.Throws<ModelContractException>(() => ModelCard.ParseFile(path));
        Assert.Contains($"Model card '{path}' is not UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AUtf8CardFile_KeepsItsNames()
    {
        using var dir = new TempDir();
        var path = dir.File("m.card.json");
        File.WriteAllText(path, Card(name: "建筑"), new UTF8Encoding(false));
        Assert.Equal("建筑", ModelCard.ParseFile(path).Classes[1].Name);
    }

    [Fact]
    public void ALatin1Sidecar_IsRefusedWhenTheModelLoads()
    {
        using var dir = new TempDir();
        var model = TestModels.CopyModel(TestModels.StackedChange, dir);
        var sidecar = ChangeModel.SidecarPath(model);
        File.WriteAllBytes(sidecar, Encoding.Latin1.GetBytes(File.ReadAllText(ChangeModel.SidecarPath(TestModels.StackedChange)).Replace("Test model", "Test modèle")));
        var e = Assert.Throws<ModelContractException>(() => ChangeModel.Load(model));
        Assert.Contains($"'{sidecar}' is not UTF-8", e.Message, StringComparison.Ordinal);
    }
}
