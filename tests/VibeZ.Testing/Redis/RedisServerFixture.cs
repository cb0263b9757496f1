namespace VibeZ.Testing.Redis;

/// <summary>
/// One password-protected redis-server shared by a test class (<c>IClassFixture&lt;RedisServerFixture&gt;</c>). xUnit wants
/// a class fixture with a single public constructor, which <see cref="RedisServerProcess"/>, with its two, is not.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    /// <summary>Gets the server; stop and start it through this.</summary>
    public RedisServerProcess Server { get; } = new();

    public int Port => Server.Port;

    public string Password => Server.Password;

    public ValueTask InitializeAsync() => Server.InitializeAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
