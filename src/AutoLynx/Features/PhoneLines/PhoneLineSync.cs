using AutoLynx.Data;
using AutoLynx.Vapi;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.PhoneLines;

/// <summary>Keeps the local phone lines in step with the phone numbers of the Vapi account.</summary>
public sealed class PhoneLineSync(AppDbContext db, VapiClient vapi, TimeProvider time)
{
    public async Task<int> SyncAsync(CancellationToken ct)
    {
        var numbers = await vapi.ListPhoneNumbersAsync(ct: ct);
        var now = time.GetUtcNow().UtcDateTime;
        var lines = await db.PhoneLines.ToListAsync(ct);
        var added = 0;
        foreach (var n in numbers)
        {
            // Match by Vapi's id; a number re-created at Vapi (or a restarted simulator) keeps its line by its number.
            var line = lines.FirstOrDefault(l => l.ProviderPhoneNumberId == n.Id) ?? lines.FirstOrDefault(l => n.Number != null && l.Number == n.Number);
            if (line is not null) line.ProviderPhoneNumberId = n.Id;
            else
            {
                line = new PhoneLine { ProviderPhoneNumberId = n.Id, Number = n.Number ?? "", Name = n.Name ?? n.Number ?? n.Id, CreatedAt = now };
                db.PhoneLines.Add(line);
                added++;
            }
            line.Number = n.Number ?? line.Number;
            line.Provider = n.Provider;
            line.ProviderStatus = n.Status;
            line.LastCheckedAt = now;
            line.LastError = null;
        }
        await db.SaveChangesAsync(ct);
        return added;
    }
}
