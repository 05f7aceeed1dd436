namespace AutoLynx.Features.Calls;

/// <summary>How many inbox rows one batch applied (the after-commit effects travel with the leader write).</summary>
public sealed class AppliedBatch
{
    public int Rows { get; set; }
}
