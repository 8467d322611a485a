using Tandem.Serving;

// An app with endpoints of its own that also serves a Tandem model. The settings come from the
// configuration section "Tandem" (appsettings.json, environment variables such as
// Tandem__ModelPath, or --Tandem:ModelPath=model.tandem on the command line).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTandem();
var app = builder.Build();

app.MapGet("/shop/greeting", (string? name) => new Greeting($"Welcome to the shop, {name ?? "guest"}."))
    .WithName("greeting").WithSummary("The shop's own endpoint, beside Tandem's");
app.MapTandem();
app.Run();

/// <summary>The answer of the app's own endpoint.</summary>
public record Greeting(string Message);
