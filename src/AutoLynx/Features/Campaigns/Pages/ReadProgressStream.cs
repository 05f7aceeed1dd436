namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// A read-only wrapper that follows the position read to, so a page can show how far a long import has got. Seekable when
/// the file is: a workbook (a zip archive) is read from its end first.
/// </summary>
internal sealed class ReadProgressStream(Stream inner, long length) : Stream
{
    private long _read;

    /// <summary>0–100.</summary>
    public double Percent => length <= 0 ? 100 : Math.Min(100, 100.0 * Interlocked.Read(ref _read) / length);

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => Interlocked.Read(ref _read); set => Seek(value, SeekOrigin.Begin); }
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));
    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        => Count(await inner.ReadAsync(buffer.AsMemory(offset, count), ct));

    private int Count(int n)
    {
        Interlocked.Add(ref _read, n);
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var at = inner.Seek(offset, origin);
        Interlocked.Exchange(ref _read, at);
        return at;
    }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
