using System.CommandLine;
using WeiPian.Cli;
using WeiPian.Cli.Commands;
using WeiPian.Engine.Output;

var root = new RootCommand("WeiPian.Engine: change polygons (图斑) from pairs of multispectral satellite scenes.");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(PolygonizeCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(BenchModelsCommand.Create());
root.Subcommands.Add(ReprocessCommand.Create());
root.Subcommands.Add(SiloCommand.Create());
root.Subcommands.Add(RecheckCommand.Create());
OutputNotices.Raised += notice => Console.Error.WriteLine($"weipian: {notice}");
return await CliErrors.RunAsync(root, args);
