namespace AutoLynx.Wire;

/// <summary>
/// The stable <c>code</c> every ProblemDetails answer of the API carries, so a client can branch on it instead of on a
/// title meant for people. Most follow from the status (<see cref="ForStatus"/>, set for every problem in one place,
/// AppServices' CustomizeProblemDetails); a handler that knows more sets a finer one. Listed in the OpenAPI document
/// (the <c>code</c> property of ProblemDetails) with these descriptions. Values never change once shipped.
/// </summary>
public static class ProblemCodes
{
    public const string Invalid = "invalid";                   // 400 with field errors (HttpValidationProblemDetails.errors)
    public const string BadRequest = "bad-request";            // 400: the request could not be read
    public const string Unauthorized = "unauthorized";         // 401
    public const string Forbidden = "forbidden";               // 403
    public const string NotFound = "not-found";                // 404
    public const string Conflict = "conflict";                 // 409: not possible in the resource's current state
    public const string VersionConflict = "version-conflict";  // 409: the version (If-Match) is not the current one
    public const string TooLarge = "too-large";                // 413
    public const string UnsupportedMediaType = "unsupported-media-type"; // 415
    public const string ImportRejected = "import-rejected";    // 4xx: the file cannot be imported (not a CSV/xlsx, no phone column…)
    public const string VapiRejected = "vapi-rejected";        // 422: Vapi refused the change (its messages in vapiMessages)
    public const string RateLimited = "rate-limited";          // 429 (ours) or 503 (Vapi's), with Retry-After
    public const string VapiUnavailable = "vapi-unavailable";  // 502: Vapi failed or could not be reached
    public const string Internal = "internal";                 // 500: a bug; the log has the details

    /// <summary>Every code with what it means, in the order the document lists them.</summary>
    public static readonly IReadOnlyList<(string Code, string Meaning)> All =
    [
        (Invalid, "400: a field is wrong; `errors` names each field and what is wrong with it."),
        (BadRequest, "400: the request could not be read (not valid JSON, a malformed upload)."),
        (Unauthorized, "401: no valid API token or session; send `Authorization: Bearer <token>`."),
        (Forbidden, "403: your role (or a token instead of a session) does not allow this."),
        (NotFound, "404: no such resource, or not one you may see."),
        (Conflict, "409: not possible in the resource's current state (e.g. starting a completed campaign)."),
        (VersionConflict, "409: the resource changed since you read it; read it again and retry with its version."),
        (TooLarge, "413: the upload is larger than the import limit."),
        (UnsupportedMediaType, "415: send multipart/form-data with the file in the field `file`."),
        (ImportRejected, "400, 413 or 422: the file cannot be imported (not a CSV or .xlsx, a required column missing, too many rows, no row that can be imported)."),
        (VapiRejected, "422: Vapi refused the change; `vapiMessages` has its own words."),
        (RateLimited, "429 or 503: too many requests, here or at Vapi; retry after `Retry-After` seconds."),
        (VapiUnavailable, "502: Vapi failed or could not be reached; retry later."),
        (Internal, "500: an unexpected error; the server's log has the details."),
    ];

    /// <summary>The code a problem gets from its status alone.</summary>
    public static string ForStatus(int? status, bool hasFieldErrors) => status switch
    {
        400 => hasFieldErrors ? Invalid : BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        409 => Conflict,
        413 => TooLarge,
        415 => UnsupportedMediaType,
        422 => VapiRejected,
        429 or 503 => RateLimited,
        502 or 504 => VapiUnavailable,
        >= 500 => Internal,
        _ => BadRequest,
    };
}

/// <summary>Problems as one result type (<see cref="Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult"/>), so handlers can declare <c>Results&lt;Ok&lt;T&gt;, ProblemHttpResult&gt;</c>.</summary>
public static class ApiProblems
{
    /// <summary>400 with field errors, as <c>TypedResults.ValidationProblem</c> writes it (HttpValidationProblemDetails).</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Invalid(IDictionary<string, string[]> errors, string title, string? detail = null)
        => TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = title, Detail = detail });
}
