using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// Reads a multipart upload within the import size limit; an unreadable, empty or oversized body becomes a
/// ProblemDetails (400, 413, 415), never an exception.
/// </summary>
public static class FormUploads
{
    public static async Task<(IFormCollection? Form, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, ImportOptions limits, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return (null, TypedResults.Problem(statusCode: 415, title: "Expected a form upload",
                detail: "Send multipart/form-data with the file (CSV, or .xlsx for a contact list) in the field \"file\"."));
        if (request.ContentLength is { } len && len > limits.MaxFileBytes + 64 * 1024)
            return (null, TooLarge(limits));
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limits.MaxFileBytes + 64 * 1024;
        try
        {
            var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limits.MaxFileBytes }, ct);
            return (form, null);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(limits));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            return (null, TooLarge(limits));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, TypedResults.Problem(statusCode: 400, title: "The upload could not be read", detail: ex.Message));
        }
    }

    private static ProblemHttpResult TooLarge(ImportOptions limits) => TypedResults.Problem(statusCode: 413, title: "File too large",
        detail: $"The file is larger than {limits.MaxFileBytes / 1024 / 1024} MB, the most one upload takes. Split it into several files.");
}
