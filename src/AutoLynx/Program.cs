using AutoLynx;
using AutoLynx.Components;
using AutoLynx.Features.Analytics;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Campaigns.Export;
using AutoLynx.Features.PhoneLines;

var builder = WebApplication.CreateBuilder(args);
// `--admin you@company.com` allowlists the first admin and prints a one-time sign-in link.
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--admin"] = "Auth:BootstrapAdminEmail" });
builder.AddAutoLynx();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseForwardedHeaders();
if (!app.Environment.IsDevelopment()) app.UseHsts();
app.UseAutoLynxAuth();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapOpenApi();
app.MapHealthEndpoints();
app.MapAuthEndpoints();
app.MapCampaignEndpoints();
app.MapCampaignExportEndpoints();
app.MapAssistantEndpoints();
app.MapPhoneLineEndpoints();
app.MapAnalyticsEndpoints();
app.MapWebhookEndpoints();
app.MapSchedulerEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
