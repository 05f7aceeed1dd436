using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>JSON helpers shared by the endpoints: Vapi's timestamp format and NestJS-style error bodies.</summary>
internal static class SimJson
{
    // Relaxed escaping so "+1415…" is not written as "\u002B1415…".
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Timestamps are kept at millisecond precision so a value read back from JSON compares equal.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    public static IResult Json(JsonNode node, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(node.ToJsonString(Options), "application/json; charset=utf-8", Encoding.UTF8, statusCode);

    public static IResult Json<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(JsonSerializer.Serialize(value, Options), "application/json; charset=utf-8", Encoding.UTF8, statusCode);

    /// <summary>Already-serialized UTF-8 JSON.</summary>
    public static IResult Json(byte[] utf8Json, int statusCode = StatusCodes.Status200OK) => new Utf8JsonResult(utf8Json, statusCode);

    /// <summary>JSON written straight to the response buffer (lists of many calls).</summary>
    public static IResult Json(Action<Utf8JsonWriter> write, int statusCode = StatusCodes.Status200OK)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder }))
        {
            write(writer);
        }

        return new Utf8JsonResult(buffer.WrittenSpan.ToArray(), statusCode);
    }

    private sealed class Utf8JsonResult(byte[] body, int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }

    public static IResult Error(int statusCode, string error, JsonNode message) =>
        Json(new JsonObject { ["message"] = message, ["error"] = error, ["statusCode"] = statusCode }, statusCode);

    /// <summary>class-validator style: message is an array.</summary>
    public static IResult BadRequest(IEnumerable<string> messages) =>
        Error(StatusCodes.Status400BadRequest, "Bad Request", new JsonArray(messages.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()));

    /// <summary>Service-level failure: message is a single string.</summary>
    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "Bad Request", message);

    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, "Not Found", message);

    /// <summary>Reads the request body as a JSON object; an empty body counts as {}.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (new JsonObject(), null);
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject obj
                ? (obj, null)
                : (null, BadRequest(["body must be an object"]));
        }
        catch (JsonException ex)
        {
            return (null, BadRequest($"Unexpected token in JSON at position {ex.BytePositionInLine ?? 0}"));
        }
    }

    public static string? GetString(this JsonNode? node, string property) =>
        node is JsonObject obj && obj[property] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static double? GetNumber(this JsonNode? node, string property) =>
        node is JsonObject obj && obj[property] is { } value && value.IsNumber() ? value.AsNumber() : null;

    /// <summary>Works for parsed and for constructed values (a constructed int does not convert via TryGetValue&lt;double&gt;).</summary>
    public static double AsNumber(this JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    public static bool? GetBool(this JsonNode? node, string property) =>
        node is JsonObject obj && obj[property] is JsonValue value && value.TryGetValue<bool>(out var b) ? b : null;

    public static bool IsString(this JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String;

    public static bool IsNumber(this JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number;
}
