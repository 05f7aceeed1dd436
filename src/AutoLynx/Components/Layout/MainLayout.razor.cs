using AutoLynx.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;
using MudBlazor;

namespace AutoLynx.Components.Layout;

/// <summary>
/// The frame of every page: app bar (product, demo badge, light/dark switch, account), navigation, content.
/// Dark mode follows the system's preference until the person picks one with the switch (remembered in this browser).
/// The server's first render already uses the remembered choice (a cookie), so pages do not flash white.
/// </summary>
public sealed partial class MainLayout : IDisposable
{
    /// <summary>Cookies app.js keeps: the person's choice ("dark"/"light"), and what the system prefers ("1"/"0").</summary>
    public const string ThemeCookie = "al-theme", SystemDarkCookie = "al-system-dark";

    [Inject] private VapiConnection Vapi { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IHttpContextAccessor HttpContextAccessor { get; set; } = default!;

    /// <summary>Decided while pre-rendering (from the cookies) and carried into the interactive render.</summary>
    [PersistentState] public bool? DarkMode { get; set; }

    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _explicitChoice;

    private readonly MudTheme _theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f4e79", Secondary = "#607d8b", AppbarBackground = "#1f4e79", AppbarText = "#ffffff" },
        // Light text on the dark surfaces, dark text on the light-blue primary (buttons), the app bar as dark as the page.
        PaletteDark = new PaletteDark
        {
            Primary = "#8cbcec", PrimaryContrastText = "#0d1b2a", Secondary = "#90a4ae", AppbarBackground = "#14293f", AppbarText = "#ffffff",
            Background = "#121821", Surface = "#1b2330", DrawerBackground = "#161e29", TextPrimary = "rgba(255,255,255,.87)",
        },
    };

    /// <summary>"Campaigns" stays highlighted on a campaign's page, but not on "New campaign".</summary>
    private bool OnCampaignPage
    {
        get
        {
            var path = "/" + Nav.ToBaseRelativePath(Nav.Uri).Split('?', '#')[0].TrimEnd('/');
            return path == "/" || (path.StartsWith("/campaigns/", StringComparison.Ordinal) && path != "/campaigns/new");
        }
    }

    protected override void OnInitialized()
    {
        Nav.LocationChanged += OnLocationChanged;
        if (DarkMode is null && !RendererInfo.IsInteractive && HttpContextAccessor.HttpContext is { } http)
        {
            var cookies = http.Request.Cookies;
            DarkMode = cookies[ThemeCookie] switch
            {
                "dark" => true,
                "light" => false,
                _ => cookies[SystemDarkCookie] == "1",
            };
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || _themeProvider is null) return;
        var choice = await JS.InvokeAsync<string?>("autolynx.theme.get");
        _explicitChoice = choice is "dark" or "light";
        var dark = _explicitChoice ? choice == "dark" : await _themeProvider.GetSystemDarkModeAsync();
        if (!_explicitChoice) await _themeProvider.WatchSystemDarkModeAsync(OnSystemDarkModeChanged);
        if (dark != DarkMode)
        {
            DarkMode = dark;
            StateHasChanged();
        }
    }

    private Task OnSystemDarkModeChanged(bool dark)
    {
        if (_explicitChoice) return Task.CompletedTask;
        DarkMode = dark;
        return InvokeAsync(StateHasChanged);
    }

    private async Task ToggleThemeAsync()
    {
        DarkMode = DarkMode != true;
        _explicitChoice = true;
        await JS.InvokeVoidAsync("autolynx.theme.set", DarkMode == true ? "dark" : "light");
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => InvokeAsync(StateHasChanged);

    public void Dispose() => Nav.LocationChanged -= OnLocationChanged;
}
