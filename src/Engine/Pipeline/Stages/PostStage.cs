using System.Threading.Channels;
using NetTopologySuite.Geometries;
using WeiPian.Engine.Output;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// The post stage, strip by strip: the strip's validity applied to its classes, the optional class raster written, the
/// streaming polygoniser fed and the polygons it closes attributed and handed on. After the last strip the class
/// raster's COG is made on its own task while the polygoniser closes what is still open.
/// </summary>
/// <param name="grid">The run's grid.</param>
/// <param name="connectivity">How pixels join into polygons.</param>
/// <param name="attributes">Makes the records of a closed polygon.</param>
/// <param name="classRaster">The class raster; null when none was asked for.</param>
/// <param name="classified">Whole strips (in).</param>
/// <param name="freeStrips">Strips given back once polygonised (out).</param>
/// <param name="output">Records for the caller (out); completed after the last.</param>
/// <param name="progress">Counts the polygons handed on.</param>
/// <param name="times">Mask, WriteRaster, Polygonize and Attribute times.</param>
/// <param name="cancellationToken">Stops the COG step when the run stops.</param>
internal sealed class PostStage(PixelGrid grid, PixelConnectivity connectivity, TubanAttributes attributes,
    ClassRasterWriter? classRaster, ChannelReader<ClassStrip> classified, ChannelWriter<ClassStrip> freeStrips,
    ChannelWriter<Tuban> output, RunProgress progress, StageTimes times, CancellationToken cancellationToken)
{
    /// <summary>Polygonises every strip, then completes <c>output</c>.</summary>
    public async Task RunAsync()
    {
        var closed = new PolygonCollector();
        var polygonizer = new Polygonizer(grid.Width, closed, connectivity, grid.Transform, noData: 0);
        var coverage = attributes.Simplifies ? new CoverageSimplification(attributes.Tolerance) : null;
        Task? finishing = null;
        try
        {
            await foreach (var strip in classified.ReadAllAsync().ConfigureAwait(false))
            {
                var t = StageTimes.Start();
                strip.ApplyMask();
                var len = strip.Length;
                t = times.Add(StageTimes.Stage.Mask, t);
                if (classRaster is not null)
                {
                    classRaster.Write(strip);
                    t = times.Add(StageTimes.Stage.WriteRaster, t);
                }
                polygonizer.Push(strip.Classes.AsSpan(0, len), [], strip.Percent.AsSpan(0, len));
                times.Add(StageTimes.Stage.Polygonize, t);
                freeStrips.TryWrite(strip);
                await Emit(closed, coverage, polygonizer).ConfigureAwait(false);
            }
            // The last strip is written: the COG is built on its own thread while the polygoniser closes what is
            // still open, the last polygons are attributed and the consumer writes them; the output ends after both.
            progress.Finishing();
            if (classRaster is not null) finishing = Task.Run(FinishClassRaster, CancellationToken.None);
            var last = StageTimes.Start();
            polygonizer.Finish();
            times.Add(StageTimes.Stage.Polygonize, last);
            await Emit(closed, coverage, polygonizer).ConfigureAwait(false);
            if (finishing is not null) await finishing.ConfigureAwait(false);
        }
        finally
        {
            // On a failure here or elsewhere the token stops the COG at its next progress step; it must be over
            // before the work folder it reads is deleted. Its own error, if any, already ended the run above.
            if (finishing is not null) await finishing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        output.TryComplete();
    }

    private void FinishClassRaster()
    {
        var t = StageTimes.Start();
        classRaster!.Finish(cancellationToken);
        times.Add(StageTimes.Stage.WriteRaster, t);
    }

    private async Task Emit(PolygonCollector closed, CoverageSimplification? coverage, Polygonizer polygonizer)
    {
        foreach (var tuban in Attribute(closed, coverage, polygonizer))
        {
            progress.PolygonDone();
            await output.WriteAsync(tuban).ConfigureAwait(false);
        }
    }

    // Polygons just closed become records: directly, or through the coverage when simplifying, which hands on the
    // polygons whose neighbours have all closed (all of them once the polygoniser has finished).
    private IEnumerable<Tuban> Attribute(PolygonCollector closed, CoverageSimplification? coverage, Polygonizer polygonizer)
    {
        var batch = closed.Polygons.ToArray();
        closed.Polygons.Clear();
        IEnumerable<(ClassPolygon Polygon, Geometry Geometry)> ready;
        if (coverage is null) ready = batch.Where(attributes.Keeps).Select(p => (p, (Geometry)p.ToPolygon()));
        else
        {
            var t = StageTimes.Start();
            foreach (var p in batch)
                if (attributes.Keeps(p)) coverage.Add(p, polygonizer.RowCount);
            ready = coverage.TakeFinal(polygonizer.OpenTopRow);
            times.Add(StageTimes.Stage.Attribute, t);
        }
        foreach (var (p, geometry) in ready)
        {
            var t = StageTimes.Start();
            var tubans = attributes.Build(p, geometry).ToList();
            times.Add(StageTimes.Stage.Attribute, t);
            foreach (var tuban in tubans) yield return tuban;
        }
    }
}
