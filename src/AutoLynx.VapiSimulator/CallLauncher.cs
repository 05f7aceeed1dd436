using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>POST /call: validates, takes a concurrency slot, plans the call and starts its lifecycle.</summary>
internal sealed class CallLauncher(
    SimulatorOptions options,
    SimulatorIdentity identity,
    CallStore store,
    AssistantStore assistants,
    CallLifecycle lifecycle,
    FaultInjector faults,
    TimeProvider time)
{
    private static readonly string[] NotEchoed = ["type", "customers"];

    public (IResult Result, CreateFault Fault) Launch(JsonObject body, string baseUrl)
    {
        var errors = CallRequestValidator.Validate(body);
        if (errors.Count > 0)
        {
            return (SimJson.BadRequest(errors), CreateFault.None);
        }

        var phoneNumberId = body.GetString("phoneNumberId")!;
        if (identity.FindPhoneNumber(phoneNumberId) is not { } phone)
        {
            return (SimJson.BadRequest($"Couldn't Get Phone Number. `phoneNumberId` {phoneNumberId} Does Not Exist."), CreateFault.None);
        }

        JsonObject assistant;
        if (body.GetString("assistantId") is { } assistantId)
        {
            if (assistants.Get(assistantId) is not { } saved)
            {
                return (SimJson.BadRequest($"Couldn't Get Assistant. `assistantId` {assistantId} Does Not Exist."), CreateFault.None);
            }

            assistant = saved;
        }
        else
        {
            assistant = (JsonObject)body["assistant"]!.DeepClone();
        }

        if (body["customers"] is JsonArray customers)
        {
            return (LaunchBatch(body, customers, phone, assistant, baseUrl), CreateFault.None);
        }

        var customer = (JsonObject)body["customer"]!;
        var fault = faults.ForCreate(customer.GetString("number")!);
        if (fault == CreateFault.Error500BeforeCreate)
        {
            store.Count(FaultKind.Error500BeforeCreate);
            return (InternalError(), fault);
        }

        if (fault == CreateFault.LateCreate)
        {
            // The gateway gives up at once; Vapi's backend finishes the job a little later and dials.
            store.Count(FaultKind.LateCreate);
            var request = (JsonObject)body.DeepClone();
            _ = CreateLaterAsync(request, (JsonObject)request["customer"]!, phone, assistant, baseUrl);
            return (SimJson.Json(new JsonObject { ["statusCode"] = 504, ["message"] = "Gateway Timeout" }, StatusCodes.Status504GatewayTimeout), fault);
        }

        var (call, limits, rejected) = CreateOne(body, customer, phone, assistant, baseUrl);
        if (rejected)
        {
            return (SimJson.BadRequest(["Over Concurrency Limit"]), CreateFault.None);
        }

        call!["subscriptionLimits"] = limits;
        switch (fault)
        {
            case CreateFault.Error500AfterCreate:
                store.Count(FaultKind.Error500AfterCreate);
                return (InternalError(), fault);
            case CreateFault.TimeoutAfterCreate:
                store.Count(FaultKind.TimeoutAfterCreate);
                break;
            case CreateFault.GarbledCreate:
                store.Count(FaultKind.GarbledCreate);
                // A misbehaving gateway's answer: 201, but no call in the body.
                return (Results.Text("null", "application/json", statusCode: StatusCodes.Status201Created), fault);
        }

        return (SimJson.Json(call, StatusCodes.Status201Created), fault);
    }

    private async Task CreateLaterAsync(JsonObject request, JsonObject customer, SimPhoneNumber phone, JsonObject assistant, string baseUrl)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(options.Faults.LateCreateMs), time);
            CreateOne(request, customer, phone, assistant, baseUrl);
        }
        catch (Exception)
        {
            // The simulator is shutting down (or was reset): the late call is simply never made.
        }
    }

    private IResult LaunchBatch(JsonObject body, JsonArray customers, SimPhoneNumber phone, JsonObject assistant, string baseUrl)
    {
        var results = new JsonArray();
        var errors = new JsonArray();
        JsonObject? lastLimits = null;
        foreach (var node in customers)
        {
            var customer = (JsonObject)node!;
            var (call, limits, rejected) = CreateOne(body, customer, phone, assistant, baseUrl);
            lastLimits = limits;
            if (rejected)
            {
                errors.Add(new JsonObject { ["customer"] = customer.DeepClone(), ["error"] = "Over Concurrency Limit" });
            }
            else
            {
                results.Add(call);
            }
        }

        return SimJson.Json(
            new JsonObject { ["subscriptionLimits"] = lastLimits, ["results"] = results, ["errors"] = errors },
            StatusCodes.Status201Created);
    }

    private (JsonObject? Call, JsonObject Limits, bool Rejected) CreateOne(
        JsonObject request, JsonObject customer, SimPhoneNumber phone, JsonObject baseAssistant, string baseUrl)
    {
        var limit = options.ConcurrencyLimit;
        var number = customer.GetString("number")!;
        var rejectWhenFull = string.Equals(options.ConcurrencyLimitBehavior, "400", StringComparison.OrdinalIgnoreCase);
        var scheduledFor = CallRequestValidator.ParseDate(request["schedulePlan"]?["earliestAt"]);
        var now = SimJson.ToMilliseconds(time.GetUtcNow());
        if (scheduledFor <= now)
        {
            scheduledFor = null; // already due: dialled at once, like Vapi
        }

        var admission = store.Admit(number, phone.Id, limit, rejectWhenFull, scheduled: scheduledFor is not null);
        var limits = new JsonObject { ["concurrencyBlocked"] = admission.Blocked || admission.Rejected };
        if (options.ReportConcurrencyLimit)
        {
            limits["concurrencyLimit"] = limit;
            limits["remainingConcurrentCalls"] = admission.Remaining;
        }
        if (admission.Rejected)
        {
            return (null, limits, true);
        }

        var (assistant, variables) = EffectiveAssistant(baseAssistant, request, customer);
        var plan = OutcomePlanner.Plan(options, number, admission.AttemptIndex, admission.Blocked,
            assistant.GetNumber("maxDurationSeconds") ?? 600);
        var id = Guid.CreateVersion7(now).ToString();
        var status = scheduledFor is null ? "queued" : "scheduled";

        var body = new JsonObject
        {
            ["id"] = id,
            ["orgId"] = identity.OrgId,
            ["createdAt"] = SimJson.Iso(now),
            ["updatedAt"] = SimJson.Iso(now),
            ["type"] = "outboundPhoneCall",
            ["status"] = status,
        };
        foreach (var (key, value) in request)
        {
            if (!NotEchoed.Contains(key))
            {
                body[key] = value?.DeepClone();
            }
        }

        body["customer"] = customer.DeepClone();
        body["phoneCallProvider"] = phone.Provider;
        body["phoneCallTransport"] = "pstn";
        body["phoneCallProviderId"] = "CA" + Guid.NewGuid().ToString("N");
        body["monitor"] = new JsonObject
        {
            ["listenUrl"] = $"{baseUrl.Replace("http", "ws", StringComparison.Ordinal)}/call/{id}/listen",
            ["controlUrl"] = $"{baseUrl}/call/{id}/control",
        };

        var phoneJson = identity.PhoneNumberJson(phone.Id);
        var call = new SimCall
        {
            Id = id,
            Sequence = admission.Sequence,
            RequestJson = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, SimJson.Options),
            AssistantId = request.GetString("assistantId"),
            Body = body,
            CreatedAt = now,
            UpdatedAt = now,
            CustomerNumber = number,
            PhoneNumber = phone,
            PhoneNumberJson = phoneJson,
            Assistant = assistant,
            VariableValues = variables,
            Plan = plan,
            BaseUrl = baseUrl,
            Server = WebhookSender.ServerFor(assistant, phoneJson),
            ControlAuthenticationEnabled = assistant["monitorPlan"].GetBool("controlAuthenticationEnabled") == true,
            LookupsFail = faults.DrawLookupsFail(number, admission.Sequence),
            Generation = admission.Generation,
            FlowCancellation = CancellationTokenSource.CreateLinkedTokenSource(admission.Generation),
            FaultRandom = new Random(plan.FaultSeed),
            HoldsSlot = !admission.Blocked && scheduledFor is null,
            ScheduledFor = scheduledFor,
            Status = status,
        };
        call.Timeline.Add((status, now));
        var response = (JsonObject)body.DeepClone(); // before the lifecycle can touch the call
        store.Add(call);
        lifecycle.Start(call);
        return (response, limits, false);
    }

    /// <summary>The assistant the call runs: saved/transient, then the call's and the customer's overrides
    /// (top-level replace); variableValues are merged separately.</summary>
    private static (JsonObject Assistant, JsonObject Variables) EffectiveAssistant(JsonObject baseAssistant, JsonObject request, JsonObject customer)
    {
        var assistant = (JsonObject)baseAssistant.DeepClone();
        var variables = new JsonObject();
        foreach (var overrides in new[] { request["assistantOverrides"], customer["assistantOverrides"] }.OfType<JsonObject>())
        {
            foreach (var (key, value) in overrides)
            {
                if (key == "variableValues" && value is JsonObject values)
                {
                    foreach (var (name, v) in values)
                    {
                        variables[name] = v?.DeepClone();
                    }
                }
                else if (key != "tools:append")
                {
                    assistant[key] = value?.DeepClone();
                }
            }
        }

        return (assistant, variables);
    }

    private static IResult InternalError() =>
        SimJson.Json(new JsonObject { ["statusCode"] = 500, ["message"] = "Internal server error" }, StatusCodes.Status500InternalServerError);
}
