namespace AutoLynx.Tests.Infrastructure;

/// <summary>
/// The app's clock set to another moment (Monday 08:55 in New York, a spring-forward day) and moved on during a test;
/// real time keeps passing from there, and timers stay real. The simulator and the database keep the real clock.
/// </summary>
public sealed class MovableClock(DateTimeOffset startsAt) : TimeProvider
{
    private long _offsetTicks = (startsAt - System.GetUtcNow()).Ticks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void MoveTo(DateTimeOffset at) => Interlocked.Exchange(ref _offsetTicks, (at - System.GetUtcNow()).Ticks);

    /// <summary>Replaces the app's <see cref="TimeProvider"/> with this clock.</summary>
    public void Install(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
        => Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.Replace(services,
            Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<TimeProvider>(this));
}
