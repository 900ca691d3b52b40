using System.Text.Json;
using AaiProxy.Server.Clients;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Hosting;

/// <summary>
/// The operator commands that register clients and rotate their secrets: <c>clients add</c>, <c>clients rotate-secret</c>.
/// They go through <see cref="ClientAdministration"/> as the operator (<see cref="ManagementActor.Operator"/>): the same
/// validation and the same audit entries (actor <c>system:operator</c>) as the admin pages and the API. The new secret is
/// printed once, to standard output.
/// </summary>
internal static class ClientCommands
{
    /// <summary><c>clients add &lt;registration.json&gt;</c>: the registration as the API takes it (<see cref="ClientInput"/>).</summary>
    public static async Task<int> AddAsync(IServiceProvider services, string[] arguments, TextWriter output, TextWriter errors)
    {
        if (arguments is not [var file] || !File.Exists(file))
        {
            await errors.WriteLineAsync("clients add: give the file of the registration (JSON as POST /api/v1/clients takes it).");
            return 2;
        }

        ClientInput? input;
        try
        {
            await using var json = File.OpenRead(file);
            input = await JsonSerializer.DeserializeAsync<ClientInput>(json);
        }
        catch (JsonException exception)
        {
            await errors.WriteLineAsync($"clients add: '{file}' is not a JSON registration: {exception.Message}");
            return 2;
        }

        var outcome = await services.GetRequiredService<ClientAdministration>().CreateAsync(ManagementActor.Operator, input ?? new ClientInput(), CancellationToken.None);
        return await PrintAsync("clients add", outcome, output, errors);
    }

    /// <summary><c>clients rotate-secret &lt;client id&gt;</c>.</summary>
    public static async Task<int> RotateSecretAsync(IServiceProvider services, string[] arguments, TextWriter output, TextWriter errors)
    {
        if (arguments is not [var clientId])
        {
            await errors.WriteLineAsync("clients rotate-secret: give the client id.");
            return 2;
        }

        var outcome = await services.GetRequiredService<ClientAdministration>().RotateSecretAsync(ManagementActor.Operator, clientId, CancellationToken.None);
        return await PrintAsync("clients rotate-secret", outcome, output, errors);
    }

    private static async Task<int> PrintAsync(string command, Outcome<IssuedClient> outcome, TextWriter output, TextWriter errors)
    {
        switch (outcome)
        {
            case Outcome<IssuedClient>.Ok { Value: var issued }:
                OperatorCommands.Rows(output, ["client_id", "client_secret"], [[issued.Client.ClientId, issued.ClientSecret ?? ""]]);
                return 0;
            case Outcome<IssuedClient>.Failed { Failure: Failure.Invalid invalid }:
                foreach (var problem in invalid.Problems)
                    await errors.WriteLineAsync($"{command}: {problem.Field} ({problem.Code}): {problem.Message}");
                return 1;
            case Outcome<IssuedClient>.Failed { Failure: var failure }:
                await errors.WriteLineAsync($"{command}: {failure.Detail}");
                return 1;
            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }
}
