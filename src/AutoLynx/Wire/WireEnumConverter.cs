using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoLynx.Wire;

/// <summary>
/// The HTTP JSON options' enum converter: any enum travels as a kebab-case string (never a number). Enums with their own
/// converter (<see cref="UpperSnakeEnumConverter{T}"/>, <see cref="KebabEnumConverter{T}"/>) keep it: a converter in the
/// options would otherwise win over the one on the type, so this one stands aside for them.
/// </summary>
public sealed class WireEnumConverter : JsonConverterFactory
{
    private readonly JsonStringEnumConverter _strings = new(WireNames.KindPolicy, allowIntegerValues: false);

    public override bool CanConvert(Type typeToConvert)
        => typeToConvert.IsEnum && typeToConvert.GetCustomAttribute<JsonConverterAttribute>() is null;

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => _strings.CreateConverter(typeToConvert, options);
}
