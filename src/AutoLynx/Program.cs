using AutoLynx;
using AutoLynx.Components;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.PhoneLines;

var builder = WebApplication.CreateBuilder(args);
builder.AddAutoLynx();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapOpenApi();
app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
app.MapCampaignEndpoints();
app.MapAssistantEndpoints();
app.MapPhoneLineEndpoints();
app.MapWebhookEndpoints();
app.MapSchedulerEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
