using System.Text.Json.Nodes;

namespace AutoLynx.Features.Assistants;

/// <summary>
/// What of an assistant's configuration is a secret, and how it is kept out of every answer and page. Our stored copy
/// keeps the secrets (server side only: a push or a PATCH must not wipe them on Vapi); everything shown goes through
/// <see cref="Redact"/>, which replaces each secret string by <see cref="Placeholder"/>. A configuration sent back with
/// the placeholder still in place gets the stored value there again (<see cref="TryRestore"/>).
/// <para>Secrets, anywhere in the JSON: every header value in a <c>headers</c> object (<c>server.headers</c>, a tool's
/// server…) except a few harmless ones such as Content-Type; every string under a property whose name says secret,
/// password, token or key (<c>server.secret</c>, inline <c>credentials[]</c> with <c>apiKey</c>, <c>authToken</c>,
/// <c>secretKey</c>, <c>clientSecret</c>, <c>privateKey</c>…) unless the name ends in Id, Url, Header and the like
/// (<c>credentialId</c> is an id, <c>tokenUrl</c> an address); and the user:password part and secret-named query
/// parameters of a URL.</para>
/// </summary>
public static class AssistantSecrets
{
    /// <summary>Stands for a hidden value in everything shown; sent back unchanged, it keeps the stored value.</summary>
    public const string Placeholder = "[redacted]";

    // Compared without case, '-' or '_'.
    private static readonly string[] SecretWords =
        ["secret", "password", "passwd", "token", "apikey", "privatekey", "accesskey", "subscriptionkey", "openaikey", "signingkey", "encryptionkey"];
    private static readonly string[] NotSecretEndings =
        ["id", "ids", "url", "urls", "uri", "header", "headername", "prefix", "encoding", "type", "enabled", "count", "algorithm", "format"];
    private static readonly HashSet<string> HarmlessHeaders =
        ["contenttype", "accept", "acceptlanguage", "acceptencoding", "useragent", "cachecontrol"];

    /// <summary>A copy with every secret string replaced by <see cref="Placeholder"/>.</summary>
    public static JsonObject Redact(JsonObject config) => (JsonObject)RedactNode(config.DeepClone(), null, underSecret: false, inHeaders: false)!;

    /// <summary>A node (a drift field's value, say) redacted as it stands under the top-level field <paramref name="field"/>.</summary>
    public static JsonNode? Redact(string field, JsonNode? value)
        => value is null ? null : RedactNode(value.DeepClone(), field, IsSecretName(field), inHeaders: false);

    /// <summary>The first place (a JSON path such as <c>server.secret</c>) where <paramref name="config"/> carries the placeholder, or null.</summary>
    public static string? FindPlaceholder(JsonNode? config, string path = "")
    {
        switch (config)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                    if (FindPlaceholder(v, Join(path, k)) is { } found) return found;
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (FindPlaceholder(a[i], $"{path}[{i}]") is { } found) return found;
                return null;
            case JsonValue v when v.TryGetValue<string>(out var s) && s.Contains(Placeholder, StringComparison.Ordinal):
                return path;
            default:
                return null;
        }
    }

    /// <summary>
    /// Puts the stored secrets back into <paramref name="incoming"/> (a merge patch or a whole configuration laid over
    /// <paramref name="stored"/>): each string carrying the placeholder that is exactly what we showed at that place
    /// gets the stored value. A placeholder anywhere else (a new field, an edited value, a moved array item) cannot be
    /// resolved: false, with the place in <paramref name="unresolved"/>.
    /// </summary>
    public static bool TryRestore(JsonObject incoming, JsonObject stored, out string? unresolved)
    {
        unresolved = Restore(incoming, stored, Redact(stored), "");
        return unresolved is null;
    }

    private static string? Restore(JsonNode? incoming, JsonNode? stored, JsonNode? shown, string path)
    {
        switch (incoming)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var child = o[key];
                    if (IsPlaceholderString(child))
                    {
                        if (!SameString(child, (shown as JsonObject)?[key])) return Join(path, key);
                        o[key] = (stored as JsonObject)![key]!.DeepClone();
                    }
                    else if (Restore(child, (stored as JsonObject)?[key], (shown as JsonObject)?[key], Join(path, key)) is { } bad) return bad;
                }
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var s = stored is JsonArray sa && i < sa.Count ? sa[i] : null;
                    var sh = shown is JsonArray sha && i < sha.Count ? sha[i] : null;
                    if (IsPlaceholderString(a[i]))
                    {
                        if (!SameString(a[i], sh)) return $"{path}[{i}]";
                        a[i] = s!.DeepClone();
                    }
                    else if (Restore(a[i], s, sh, $"{path}[{i}]") is { } bad) return bad;
                }
                return null;
            default:
                return null;
        }
    }

    private static JsonNode? RedactNode(JsonNode? node, string? name, bool underSecret, bool inHeaders)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var headers = key.Equals("headers", StringComparison.OrdinalIgnoreCase) && o[key] is JsonObject;
                    var secret = underSecret || (inHeaders ? !HarmlessHeaders.Contains(Normalize(key)) : IsSecretName(key));
                    var child = o[key];
                    var redacted = RedactNode(child, key, secret, headers);
                    if (!ReferenceEquals(redacted, child)) o[key] = redacted;
                }
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var item = a[i];
                    var redacted = RedactNode(item, name, underSecret, inHeaders: false);
                    if (!ReferenceEquals(redacted, item)) a[i] = redacted;
                }
                return a;
            case JsonValue v when v.TryGetValue<string>(out var s):
                if (underSecret) return s.Length == 0 ? v : JsonValue.Create(Placeholder);
                return name is not null && LooksLikeUrlName(name) ? JsonValue.Create(RedactUrl(s)) : v;
            default:
                return node;
        }
    }

    private static bool IsSecretName(string name)
    {
        var n = Normalize(name);
        return SecretWords.Any(w => n.Contains(w, StringComparison.Ordinal)) && !NotSecretEndings.Any(e => n.EndsWith(e, StringComparison.Ordinal));
    }

    private static bool LooksLikeUrlName(string name)
    {
        var n = Normalize(name);
        return n.EndsWith("url", StringComparison.Ordinal) || n.EndsWith("uri", StringComparison.Ordinal);
    }

    /// <summary>user:password@ and secret-named query parameters of an absolute URL become the placeholder.</summary>
    private static string RedactUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.UserInfo.Length == 0 && uri.Query.Length <= 1)) return value;
        var result = value;
        if (uri.UserInfo.Length > 0) result = result.Replace(uri.UserInfo + "@", Placeholder + "@", StringComparison.Ordinal);
        var q = result.IndexOf('?');
        if (q < 0) return result;
        var end = result.IndexOf('#', q);
        var query = end < 0 ? result[(q + 1)..] : result[(q + 1)..end];
        var parts = query.Split('&').Select(p =>
        {
            var eq = p.IndexOf('=');
            if (eq <= 0) return p;
            var param = Uri.UnescapeDataString(p[..eq]);
            var secret = IsSecretName(param) || Normalize(param) is "key" or "sig" or "signature" or "auth" or "code";
            return secret ? p[..(eq + 1)] + Placeholder : p;
        });
        return result[..(q + 1)] + string.Join('&', parts) + (end < 0 ? "" : result[end..]);
    }

    private static string Normalize(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant();

    private static bool IsPlaceholderString(JsonNode? node)
        => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Contains(Placeholder, StringComparison.Ordinal);

    private static bool SameString(JsonNode? a, JsonNode? b)
        => a is JsonValue x && b is JsonValue y && x.TryGetValue<string>(out var s) && y.TryGetValue<string>(out var t) && s == t;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
