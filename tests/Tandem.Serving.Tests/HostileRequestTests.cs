using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tandem.Serving.Tests;

/// <summary>
/// Issue 18's hostile-request corpus against every endpoint: oversized, null, wrongly typed,
/// deeply nested, huge, duplicated and badly framed requests and foreign content types. None may
/// get a 5xx, every error must be a problem document, and the metrics count each as what it was.
/// </summary>
public sealed class HostileRequestTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    RunningService Service => fixture.Service;

    static readonly string[] Endpoints = ["/v1/recommend", "/v1/similar-items", "/v1/score", "/v1/embed/user", "/v1/embed/item", "/admin/reload"];

    static readonly string[] Fields = ["user", "features", "context", "k", "filter", "exclude", "excludeSeen", "diversity", "item", "items", "model"];

    /// <summary>Bodies sent as application/json to every endpoint.</summary>
    static IEnumerable<string> Bodies()
    {
        string huge = new('x', 30_000); // two fit in the 64 KiB body limit
        yield return "";
        yield return "null";
        yield return "true";
        yield return "12";
        yield return "\"text\"";
        yield return "[]";
        yield return "{";
        yield return "{}}";
        yield return """{ "user": "1" } trailing""";
        yield return new string('[', 5000) + new string(']', 5000);
        yield return string.Concat(Enumerable.Repeat("""{ "features": """, 200)) + "{}" + new string('}', 200);
        yield return $$"""{ "user": "1", "filter": { "ids": {{new string('[', 100)}}{{new string(']', 100)}} } }""";
        yield return $$"""{ "k": "{{huge}}" }""";
        yield return $$"""{ "item": "{{huge}}", "items": ["{{huge}}"] }""";
        yield return $$"""{ "user": "{{huge}}", "items": ["1"], "model": "{{huge}}" }""";
        yield return $$"""{ "features": { "{{huge}}": ["1"] } }""";
        yield return """{ "user": "1", "user": "2" }""";
        yield return """{ "item": "1", "item": "2" }""";
        yield return """{ "items": ["1"], "items": ["2"] }""";
        yield return """{ "model": "a", "model": "b" }""";
        yield return """{ "features": { "history": ["1"], "history": ["2"] } }""";
        yield return """{ "user": "1", "filter": { "fields": { "genres": ["Drama"], "genres": ["Comedy"] } } }""";
        yield return """{ "features": { "history": null } }""";
        yield return """{ "context": { "history": null } }""";
        yield return """{ "features": { "history": [null] } }""";
        yield return """{ "features": { "history": ["1"] }, "context": { "history": ["1"] } }""";
        yield return """{ "features": [] }""";
        yield return """{ "features": { "history": [1, 2] } }""";
        yield return """{ "features": { "history": [["1"]] } }""";
        yield return """{ "items": [null], "item": null }""";
        yield return """{ "items": "1", "item": 1 }""";
        yield return """{ "k": 1e400 }""";
        yield return """{ "k": 99999999999999999999 }""";
        yield return """{ "k": "NaN", "diversity": "NaN" }""";
        yield return """{ "diversity": -0.0, "k": -2147483648 }""";
        yield return """{ "user": "1", "filter": 3 }""";
        yield return """{ "user": "1", "filter": { "fields": null, "ids": null } }""";
        yield return """{ "user": "1", "filter": { "fields": { "genres": null } } }""";
        yield return """{ "user": "1", "filter": { "fields": { "genres": [null] } } }""";
        yield return """{ "user": "1", "exclude": [null] }""";
        yield return """{ "user": "\ud800" }""";
        foreach (string field in Fields) yield return $$"""{ "{{field}}": null }""";
        foreach (string field in Fields) yield return $$"""{ "{{field}}": {} }""";
    }

    [Fact]
    public async Task NoHostileRequestGetsA5xxOrAnEmptyError()
    {
        int sent = 0;
        foreach (string path in Endpoints)
        {
            foreach (string body in Bodies())
            {
                // A valid reload request (the current file again) is not hostile, and slow: leave those out.
                if (path == "/admin/reload" && body is "{}" or """{ "model": null }""") continue;
                await CheckAsync(path, Encoding.UTF8.GetBytes(body), "application/json", body);
                sent++;
            }
            await CheckAsync(path, [0xFF, 0xFE, 0x7B, 0x7D], "application/json", "invalid UTF-8");
            foreach (string type in new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded" })
            {
                int status = await CheckAsync(path, """{ "user": "1" }"""u8.ToArray(), type, type);
                Assert.Equal(415, status);
            }
            await CheckAsync(path, """{ "user": "1", "items": ["1"], "item": "1" }"""u8.ToArray(), null, "no Content-Type");
            // Oversized (80 KB), declared and chunked, over a plain socket: the service answers before the upload ends.
            string big = $$"""{ "user": "1", "exclude": [{{string.Join(',', Enumerable.Repeat("\"1\"", 20_000))}}] }""";
            string key = path == "/admin/reload" ? $"{TandemService.AdminKeyHeader}: {RunningService.AdminKey}\r\n" : "";
            foreach (string framing in new[] { $"Content-Length: {big.Length}\r\n\r\n{big}", $"Transfer-Encoding: chunked\r\n\r\n{big.Length:X}\r\n{big}\r\n0\r\n\r\n" })
            {
                string answer = await RawAsync($"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{key}{framing}");
                Assert.StartsWith("HTTP/1.1 400", answer);
                Assert.Contains("\"field\":\"body\"", answer);
            }
            sent += 8;
        }

        // The cases name their field.
        Assert.Equal("features.history", (await ProblemAsync("/v1/recommend", """{ "features": { "history": null } }""")).Field);
        Assert.Equal("context.history", (await ProblemAsync("/v1/score", """{ "context": { "history": null }, "items": ["1"] }""")).Field);
        Assert.Equal("features.history[1]", (await ProblemAsync("/v1/embed/user", """{ "features": { "history": ["1", null] } }""")).Field);
        var duplicate = await ProblemAsync("/v1/recommend", """{ "user": "1", "k": 5, "k": 6 }""");
        Assert.Equal(400, duplicate.Status);
        Assert.Contains("k", duplicate.Field);
        var text = await ProblemAsync("/v1/recommend", """{ "user": "1" }""", "text/plain");
        Assert.Equal((415, "body"), (text.Status, text.Field));
        var route = await ProblemAsync("/v1/no-such-endpoint", "{}");
        Assert.Equal((404, "path"), (route.Status, route.Field));
        using (var get = await Service.Client.GetAsync("/v1/recommend"))
        {
            Assert.Equal(405, (int)get.StatusCode);
            Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        }

        // A malformed chunked body: a 400 problem document, counted as a 400.
        string reply = await RawAsync("POST /v1/recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", reply);
        Assert.Contains("application/problem+json", reply);
        Assert.Contains("\"field\":\"body\"", reply);
        Assert.DoesNotContain("   at ", reply);

        string metrics = await Service.Client.GetStringAsync("/metrics");
        Assert.DoesNotMatch("""tandem_requests_total\{[^}]*code="5\d\d"[,}]""", metrics);
        Assert.Matches("""tandem_requests_total\{[^}]*code="415",endpoint="recommend"\} [1-9]""", metrics);
        Assert.Matches("""tandem_requests_total\{[^}]*code="404",endpoint="other"\} [1-9]""", metrics);
        Assert.Equal(425, sent);
    }

    /// <summary>Sends one request; asserts no 5xx and, for an error, a problem document that names a field; returns the status.</summary>
    async Task<int> CheckAsync(string path, byte[] body, string? type, string what)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (type is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        if (path == "/admin/reload") request.Headers.Add(TandemService.AdminKeyHeader, RunningService.AdminKey);
        using var response = await Service.Client.SendAsync(request);
        int status = (int)response.StatusCode;
        string text = await response.Content.ReadAsStringAsync();
        string shown = what.Length > 80 ? what[..80] + "…" : what;
        Assert.True(status < 500, $"{path} {shown} → {status}: {text}");
        Assert.DoesNotContain("   at ", text);
        if (status < 400) return status;
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{path} {shown} → {status} as {response.Content.Headers.ContentType}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("field").GetString()), text);
        Assert.DoesNotContain("Exception", problem.GetProperty("detail").GetString());
        return status;
    }

    async Task<(int Status, string Field)> ProblemAsync(string path, string body, string type = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        using var response = await Service.Client.SendAsync(request);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return ((int)response.StatusCode, problem.GetProperty("field").GetString()!);
    }

    async Task<string> RawAsync(string request)
    {
        var uri = Service.Client.BaseAddress!;
        using var socket = new TcpClient();
        await socket.ConnectAsync(uri.Host, uri.Port);
        var stream = socket.GetStream();
        try { await stream.WriteAsync(Encoding.ASCII.GetBytes(request)); }
        catch (IOException) { } // the server may answer and close before reading everything
        var buffer = new byte[8192];
        var reply = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!Regex.IsMatch(reply.ToString(), "\r\n\r\n.*\\}", RegexOptions.Singleline))
        {
            int n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            reply.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return reply.ToString();
    }
}
