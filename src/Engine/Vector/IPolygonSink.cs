namespace WeiPian.Engine.Vector;

/// <summary>
/// Receives the polygons of a <see cref="Polygonizer"/> as soon as each is closed. The view and its spans are only
/// valid during the call: copy what you keep (<see cref="ClassPolygonView.ToClassPolygon"/>, <see cref="ClassPolygonView.ToWkb"/>,
/// <see cref="ClassPolygonView.ToPolygon"/>).
/// </summary>
public interface IPolygonSink
{
    /// <summary>One closed polygon: one connected region of one class value.</summary>
    void Add(ClassPolygonView polygon);
}

/// <summary>A polygon handler for <see cref="Polygonizer"/>'s delegate constructor.</summary>
/// <param name="polygon">Valid only during the call.</param>
public delegate void PolygonHandler(ClassPolygonView polygon);

/// <summary>Keeps every polygon in memory as a <see cref="ClassPolygon"/>, in the order they were closed.</summary>
public sealed class PolygonCollector : IPolygonSink
{
    /// <summary>The polygons so far.</summary>
    public List<ClassPolygon> Polygons { get; } = [];

    /// <inheritdoc />
    public void Add(ClassPolygonView polygon) => Polygons.Add(polygon.ToClassPolygon());
}

internal sealed class DelegateSink(PolygonHandler handler) : IPolygonSink
{
    public void Add(ClassPolygonView polygon) => handler(polygon);
}
