// Scale bench: the real app on PostgreSQL with its in-process Vapi simulator over real sockets (see bench/README.md).
//   dotnet run -c Release --project bench/ScaleBench -- live1000 [--campaigns 20] [--cap 50] [--contacts 1500] [--time-scale 0.02] [--starts 40]
//   dotnet run -c Release --project bench/ScaleBench -- campaigns1000 [--campaigns 1000] [--contacts 100] [--account-cap 200] [--time-scale 0.005] [--lines 10] [--starts 40]
using System.Globalization;
using ScaleBench;

if (args.Length == 0 || args[0] is not ("live1000" or "campaigns1000"))
{
    Console.Error.WriteLine("usage: ScaleBench live1000|campaigns1000 [--option value]…  (see bench/README.md)");
    return 2;
}
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
double Num(string name, double fallback) => options.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

if (args[0] == "live1000")
    await Live1000.RunAsync(Int("campaigns", 20), Int("cap", 50), Int("contacts", 1500), Num("time-scale", 0.02), Num("starts", 40));
else
    await Campaigns1000.RunAsync(Int("campaigns", 1000), Int("contacts", 100), Int("account-cap", 200), Num("time-scale", 0.005), Int("lines", 10), Num("starts", 40));
return 0;
