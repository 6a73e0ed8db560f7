using WeiPian.Engine.Inference;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Pipeline;

/// <summary>A screen model and the change probability at which its pixels flag a tile (<see cref="InferenceOptions.ScreenModelPath"/>).</summary>
internal sealed record Screening(ChangeModel Model, double Threshold)
{
    /// <summary>Refuses a threshold outside (0, 0.5]: above 0.5 a pixel the screen calls change could pass unflagged.</summary>
    public static void CheckThreshold(double threshold)
    {
        if (!(threshold > 0 && threshold <= 0.5))
            throw new InputException(FormattableString.Invariant(
                $"A screen threshold of {threshold}: it is the change probability that flags a tile, more than 0 and at most 0.5 (the screen is tuned for recall)."))
            { Setting = nameof(InferenceOptions.ScreenThreshold) };
    }
}

/// <summary>
/// The first stage of a screening cascade: before the detection model runs, a cheap screen model runs on every tile of
/// its own grid (its card's tile, halo, bands and scaling) and picks the detection model's tiles that must run. A pixel
/// whose change probability by the screen (1 - its probability of "no change") is at least the threshold flags the
/// detection tile it lies in and every neighbour whose kept centre lies within <see cref="Margin"/> pixels of it (the
/// detection model's halo), so that an object across a tile edge, or one the screen sees smaller than it is, is whole in
/// the detection model's classes. The other tiles are "no change" without the detection model.
/// </summary>
/// <remarks>
/// A first pass over the scene, one extra read of both dates (what it costs: bench/RESULTS.md § Screening
/// cascade): a tile's neighbours are known only once the next row of tiles has been screened. Reading the next chunk
/// overlaps with screening the current one, whose tiles are shared among the screen's lanes. Memory: the readers' two
/// chunks and one flag per detection tile. A margin around the flagged pixels, not all eight neighbours of a flagged
/// tile: it passes fewer tiles, with every polygon of the unscreened run found either way (bench/RESULTS.md § Screening
/// cascade, margin against neighbours).
/// </remarks>
internal sealed class TileScreen
{
    private readonly Screening _screening;
    private readonly IStripReader _readBefore;
    private readonly IStripReader _readAfter;
    private readonly int _bands;
    private readonly RadiometryPlan _radiometry;
    private readonly TileGrid _target;
    private bool[] _passes = [];

    /// <summary>Binds the screen's bands to both dates and plans its scaling; throws before any work on a date that does not fit the screen.</summary>
    public TileScreen(Screening screening, ScenePair pair, Scene before, PixelWindow regionBefore, Scene after, PixelWindow regionAfter,
        TileGrid target, RadiometrySetting radiometry)
    {
        _screening = screening;
        var card = screening.Model.Card;
        _target = target;
        var bandsBefore = card.BindBands(before.BandRoles, pair.Before);
        var bandsAfter = card.BindBands(after.BandRoles, pair.After);
        _bands = bandsBefore.Length;
        _radiometry = RadiometryPlan.Prepare(card, before, regionBefore, bandsBefore, after, regionAfter, bandsAfter, radiometry);
        Grid = new TileGrid(regionBefore.Width, regionBefore.Height, screening.Model.TileSize, screening.Model.Halo);
        // Two chunks per date: one read while the other is screened.
        _readBefore = StripReaders.For(before, regionBefore, bandsBefore, Grid, 2);
        _readAfter = StripReaders.For(after, regionAfter, bandsAfter, Grid, 2);
    }

    /// <summary>The screen's own tiles.</summary>
    public TileGrid Grid { get; }

    /// <summary>Pixels around a flagged pixel whose detection tiles run too: the detection model's halo.</summary>
    public int Margin => _target.Halo;

    /// <summary>Detection tiles holding a pixel the screen flagged.</summary>
    public long Flagged { get; private set; }

    /// <summary>Detection tiles passed to the detection model: the flagged ones and those within <see cref="Margin"/> of a flagged pixel.</summary>
    public long Passed { get; private set; }

    /// <summary>One line for summaries: the screen, its threshold and what it passed.</summary>
    public string Description => FormattableString.Invariant(
        $"{_screening.Model.Card.Name}@{_screening.Model.Card.Version} at change probability {_screening.Threshold}: {Flagged} tile(s) flagged, {Passed} of {_target.TileCount} passed with those within {Margin} px");

    /// <summary>True when <see cref="ScreenAsync"/> left detection tile (<paramref name="column"/>, <paramref name="row"/>) out: "no change" without the model.</summary>
    public bool LeavesOut(int row, int column) => !_passes[row * _target.Columns + column];

    /// <summary>Runs the screen on every tile of <see cref="Grid"/> and decides which detection tiles run.</summary>
    public async Task ScreenAsync(StageTimes times, CancellationToken cancellationToken)
    {
        var model = _screening.Model;
        var (readBefore, readAfter) = (_readBefore, _readAfter);
        var lanes = Enumerable.Range(0, model.Lanes)
            .Select(i => (Batch: model.Batch(i), Classifier: new TileClassifier(model.Card.Output, model.Card.ClassCount, Grid.Tile))).ToArray();
        var flagged = new bool[_target.Columns * _target.Rows];
        var valid = new byte[Grid.Kept * Grid.Width];
        _passes = new bool[flagged.Length];
        var noChangeAbove = (float)(1 - _screening.Threshold);
        var chunks = Grid.Rows * Grid.Chunks;
        Task Read(int k) => Task.Run(() =>
        {
            var t = StageTimes.Start();
            readBefore.Read(k / Grid.Chunks, k % Grid.Chunks, k % 2);
            readAfter.Read(k / Grid.Chunks, k % Grid.Chunks, k % 2);
            times.Add(StageTimes.Stage.Read, t);
        }, cancellationToken);
        var reading = Read(0);
        try
        {
            for (var k = 0; k < chunks; k++)
            {
                await reading.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (k + 1 < chunks) reading = Read(k + 1);
                var (row, chunk, slot) = (k / Grid.Chunks, k % Grid.Chunks, k % 2);
                var first = chunk * Grid.ChunkTiles;
                var end = first + Grid.TilesIn(chunk);
                var t = StageTimes.Start();
                // Pixels without data in a date are never change (the run masks them), whatever the screen makes of them.
                var strip = Grid.Strip(row);
                valid.AsSpan(0, strip.Width * strip.Height).Fill(1);
                readBefore.MarkNoData(slot, strip, valid);
                readAfter.MarkNoData(slot, strip, valid);
                // Lane i takes batches i, i + lanes, ... of the chunk; flags are only ever set, so lanes may share them.
                Parallel.For(0, lanes.Length, lane =>
                {
                    var (batch, classifier) = lanes[lane];
                    for (var c0 = first + lane * model.BatchSize; c0 < end; c0 += lanes.Length * model.BatchSize)
                    {
                        var n = Math.Min(model.BatchSize, end - c0);
                        for (var i = 0; i < n; i++) Scale(readBefore, readAfter, slot, c0 + i, batch.BeforeTile(i), batch.AfterTile(i));
                        model.Run(batch, n);
                        for (var i = 0; i < n; i++)
                        {
                            classifier.Classify(batch.OutputTile(i));
                            Flag(classifier, Grid.Core(c0 + i, row), valid, noChangeAbove, flagged);
                        }
                    }
                });
                times.Add(StageTimes.Stage.Screen, t);
            }
        }
        finally
        {
            // A read still in flight uses the scenes, which the run disposes once this returns.
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        Flagged = flagged.Count(f => f);
        Passed = _passes.Count(p => p);
    }

    private void Scale(IStripReader readBefore, IStripReader readAfter, int slot, int column, Span<float> before, Span<float> after)
    {
        var plane = Grid.Tile * Grid.Tile;
        var (b, a) = (_radiometry.Before, _radiometry.After);
        for (var band = 0; band < _bands; band++)
        {
            readBefore.ScaleTile(slot, column, band, before.Slice(band * plane, plane), b.Low[band], b.High[band], b.Multiplier[band], b.Offset[band]);
            readAfter.ScaleTile(slot, column, band, after.Slice(band * plane, plane), a.Low[band], a.High[band], a.Multiplier[band], a.Offset[band]);
        }
    }

    // Flags the detection tiles around every pixel of the screen tile's kept centre, with data in both dates, whose change
    // probability is at least the threshold: its class is a change class (then "no change" has at most 1/2), or "no
    // change" has at most 1 - threshold.
    private void Flag(TileClassifier screened, PixelWindow core, byte[] valid, float noChangeAbove, bool[] flagged)
    {
        var (tile, halo) = (Grid.Tile, Grid.Halo);
        for (var y = 0; y < core.Height; y++)
        {
            var classes = screened.Classes.AsSpan((halo + y) * tile + halo, core.Width);
            var confidence = screened.Confidence.AsSpan((halo + y) * tile + halo, core.Width);
            var data = valid.AsSpan(y * Grid.Width + core.X, core.Width);
            for (var x = 0; x < classes.Length; x++)
                if (data[x] != 0 && (classes[x] != 0 || !(confidence[x] > noChangeAbove))) Around(core.X + x, core.Y + y, _target, flagged, _passes);
        }
    }

    /// <summary>
    /// Flags the detection tile holding region pixel (<paramref name="x"/>, <paramref name="y"/>) and passes every tile
    /// whose kept centre lies within the grid's halo of it: the tile itself and, near its edges, the neighbours across them.
    /// </summary>
    internal static void Around(int x, int y, TileGrid target, bool[] flagged, bool[] passes)
    {
        var (kept, margin) = (target.Kept, target.Halo);
        flagged[y / kept * target.Columns + x / kept] = true;
        var (c0, c1) = (Math.Max(0, x - margin) / kept, Math.Min(target.Width - 1, x + margin) / kept);
        var (r0, r1) = (Math.Max(0, y - margin) / kept, Math.Min(target.Height - 1, y + margin) / kept);
        for (var r = r0; r <= r1; r++)
            for (var c = c0; c <= c1; c++)
                passes[r * target.Columns + c] = true;
    }
}
