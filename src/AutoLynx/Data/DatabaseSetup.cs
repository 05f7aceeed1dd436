using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public static class DatabaseSetup
{
    /// <summary>Registers <see cref="AppDbContext"/> for the provider named by <c>Database:Provider</c>.</summary>
    public static IServiceCollection AddAppDatabase(this IServiceCollection services, IConfiguration config)
    {
        var provider = config.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        var cs = config.GetConnectionString("Default");
        services.AddSingleton(new DatabaseInfo(provider));
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(cs))
                    throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Default is empty.");
                services.AddDbContextFactory<PostgresAppDbContext>(o => o.UseNpgsql(cs));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>().CreateDbContext());
                services.AddSingleton<IDbContextFactory<AppDbContext>>(sp => new Upcast<PostgresAppDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>()));
                break;
            default:
                var sqlite = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(cs) ? "Data Source=autolynx.db" : cs)
                {
                    // Dispatcher, webhook processor and requests write concurrently: wait for the lock instead of failing.
                    DefaultTimeout = 30,
                    Pooling = true,
                }.ToString();
                services.AddDbContextFactory<SqliteAppDbContext>(o => o.UseSqlite(sqlite));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<IDbContextFactory<SqliteAppDbContext>>().CreateDbContext());
                services.AddSingleton<IDbContextFactory<AppDbContext>>(sp => new Upcast<SqliteAppDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteAppDbContext>>()));
                break;
        }
        return services;
    }

    /// <summary>Applies pending migrations of the configured provider (and WAL mode on SQLite).</summary>
    public static async Task MigrateAsync(IServiceProvider sp, CancellationToken ct)
    {
        await using var db = await sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.MigrateAsync(ct);
    }

    private sealed class Upcast<T>(IDbContextFactory<T> inner) : IDbContextFactory<AppDbContext> where T : AppDbContext
    {
        public AppDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

public sealed record DatabaseInfo(DatabaseProvider Provider);
