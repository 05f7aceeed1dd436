namespace AutoLynx.Features.Demo;

/// <summary>
/// The one row of <c>demo_markers</c>: this database was begun by a demo-mode run and has not been used with a Vapi key
/// since (a start with a key deletes it). See <see cref="DemoDatabase"/>.
/// </summary>
public sealed class DemoMarker
{
    public const int TheId = 1;

    public int Id { get; set; } = TheId;
    public DateTime CreatedAt { get; set; }
}
