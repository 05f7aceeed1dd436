namespace AutoLynx.Hosting;

/// <summary>
/// The app refuses to start because of its settings or its database (for example demo mode, implied by a missing Vapi key,
/// on a database holding real work). The message says why and what to set; <c>Program</c> prints it without a stack trace
/// and exits with code 1.
/// </summary>
public sealed class StartRefusedException(string message) : Exception(message);
