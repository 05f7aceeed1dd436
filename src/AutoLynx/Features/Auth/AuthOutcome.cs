namespace AutoLynx.Features.Auth;

public enum AuthProblemKind { Invalid, NotFound, Conflict }

/// <summary>A value, or what is wrong with the request (field errors, not found, conflict).</summary>
public sealed record AuthOutcome<T>(T? Value, AuthProblemKind? Problem, string? Field, string? Error)
{
    public bool Ok => Problem is null;
    public static AuthOutcome<T> Success(T value) => new(value, null, null, null);
    public static AuthOutcome<T> Invalid(string field, string error) => new(default, AuthProblemKind.Invalid, field, error);
    public static AuthOutcome<T> NotFound(string error) => new(default, AuthProblemKind.NotFound, null, error);
    public static AuthOutcome<T> Conflict(string error) => new(default, AuthProblemKind.Conflict, null, error);

    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ToProblem() => Problem switch
    {
        AuthProblemKind.Invalid => Wire.ApiProblems.Invalid(new Dictionary<string, string[]> { [Field!] = [Error!] }, title: "The request is not valid"),
        AuthProblemKind.NotFound => TypedResults.Problem(statusCode: 404, title: "Not found", detail: Error),
        _ => TypedResults.Problem(statusCode: 409, title: "Conflict", detail: Error),
    };
}
