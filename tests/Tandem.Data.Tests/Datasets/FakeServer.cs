using System.Net;

namespace Tandem.Data.Tests.Datasets;

/// <summary>Serves one archive to every request and remembers what was asked for; no network.</summary>
sealed class FakeServer(byte[] archive) : HttpMessageHandler
{
    public List<Uri> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request.RequestUri!);
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(archive) });
    }
}
