namespace AutoLynx.VapiSimulator;

/// <summary>Standalone simulator: <c>dotnet run --project src/AutoLynx.VapiSimulator -- --urls http://127.0.0.1:5090
/// --Simulator:WebhookUrl http://… --Simulator:TimeScale 0.01</c>.</summary>
public static class SimulatorProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var section = builder.Configuration.GetSection(SimulatorOptions.SectionName);
        var options = BindOptions(section);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(string.IsNullOrWhiteSpace(section["Url"]) ? "http://127.0.0.1:5090" : section["Url"]!);
        }

        builder.Services.AddVapiSimulator(options);
        var app = builder.Build();
        app.MapVapiSimulator();
        await app.StartAsync();

        var identity = app.Services.GetRequiredService<SimulatorIdentity>();
        Console.WriteLine("AutoLynx Vapi simulator — no real phone calls are placed.");
        foreach (var url in app.Urls)
        {
            Console.WriteLine($"  Base URL:      {url}");
        }

        Console.WriteLine($"  API key:       {options.ApiKey}");
        Console.WriteLine($"  Org id:        {identity.OrgId}");
        Console.WriteLine($"  Webhook URL:   {options.WebhookUrl ?? "(none: set Simulator:WebhookUrl)"}");
        Console.WriteLine($"  Time scale:    {options.TimeScale}");
        foreach (var phone in identity.PhoneNumbers)
        {
            Console.WriteLine($"  Phone number:  {phone.Number} ({phone.Provider})  id {phone.Id}");
        }

        await app.WaitForShutdownAsync();
    }

    /// <summary>Binds the section; a configured PhoneNumbers list (or a comma-separated string) replaces the default.</summary>
    public static SimulatorOptions BindOptions(IConfigurationSection section)
    {
        var options = new SimulatorOptions();
        section.Bind(options);
        var phones = section.GetSection(nameof(SimulatorOptions.PhoneNumbers));
        var list = phones.Value is { Length: > 0 } csv
            ? csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : phones.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (list.Count > 0)
        {
            options.PhoneNumbers = list;
        }

        return options;
    }
}
