using System.ComponentModel;

namespace AutoLynx.Features.Campaigns;

// The multipart fields of the campaign uploads, for the API description only: the handlers read the form themselves
// (FormUploads: the import's size limit, explanatory 413/415). Field names are the camelCase of these properties.

/// <summary>POST /api/campaigns.</summary>
public sealed record CreateCampaignForm(
    [property: Description("The contact list: CSV, or Excel .xlsx. A header row; a phone column; other columns become the assistant's variables.")] IFormFile File,
    [property: Description("The campaign's name, 1 to 200 characters.")] string Name,
    [property: Description("The assistant that makes the calls (GET /api/assistants).")] long AssistantId,
    [property: Description("The phone line the calls come from (GET /api/phone-lines).")] long PhoneLineId,
    [property: Description("How many calls at once (default Dialer:DefaultCap).")] int? Cap = null,
    [property: Description("continuous (default) or batch.")] DialMode? Mode = null,
    [property: Description("Wait for the line to be quiet at the provider before each batch.")] bool? LineQuietGating = null,
    [property: Description("The campaign's policy as JSON (calling window, retry, pacing…); the defaults when left out.")] string? Policy = null,
    [property: Description("Which column is which, as JSON; the caller's remembered mapping for these headers when left out.")] string? Mapping = null,
    [property: Description("The sheet of an .xlsx file to read (default: the first).")] string? Sheet = null);

/// <summary>POST /api/campaigns/validate and POST /api/campaigns/{id}/contacts.</summary>
public sealed record ContactFileForm(
    [property: Description("The contact list: CSV, or Excel .xlsx.")] IFormFile File,
    [property: Description("Which column is which, as JSON; the caller's remembered mapping for these headers when left out.")] string? Mapping = null,
    [property: Description("The sheet of an .xlsx file to read (default: the first).")] string? Sheet = null);
