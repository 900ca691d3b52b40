using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AaiProxy.Interop.Tests.Harness;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// Issue 20: deploy/ is checked, not just written. The Kubernetes manifests are rendered by Debian's
/// <c>kubectl kustomize</c> and parsed; the container image copies every project the server needs; the
/// compose file and the load balancer name the same two nodes.
/// </summary>
public sealed class DeploymentManifestTests(ITestOutputHelper output)
{
    private static readonly string Deploy = Path.Combine(RepositoryPaths.Root, "deploy");

    [SkippableFact]
    public async Task Kustomize_renders_a_deployment_probed_on_the_health_endpoints_that_only_the_service_and_budget_select()
    {
        var documents = await RenderKustomizationAsync();
        var byKind = documents.ToLookup(document => Text(document, "kind"));

        Assert.Superset(new HashSet<string> { "Namespace", "ConfigMap", "Service", "Deployment", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job" },
            byKind.Select(kind => kind.Key).ToHashSet());
        var deployment = Assert.Single(byKind["Deployment"]);
        var pod = Map(deployment, "spec", "template");
        var podLabels = Labels(Map(pod, "metadata", "labels"));
        var container = Assert.Single(List(pod, "spec", "containers")).As<Dictionary<object, object>>();
        Assert.Equal("/health/live", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/health/ready", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("http", Text(container, "readinessProbe", "httpGet", "port"));
        Assert.Equal("8080", Text(Assert.Single(List(container, "ports")).As<Dictionary<object, object>>(), "containerPort"));
        Assert.Equal("true", Text(pod, "spec", "securityContext", "runAsNonRoot"));
        Assert.Equal("aaiproxy-secrets", Text(Assert.Single(List(container, "envFrom")).As<Dictionary<object, object>>(), "secretRef", "name"));
        Assert.DoesNotContain(List(container, "env").Select(variable => variable.As<Dictionary<object, object>>()),
            variable => Regex.IsMatch(Text(variable, "name"), "Password|Secret|ConnectionStrings", RegexOptions.IgnoreCase));

        // The service and the budget select the server's pods and not the migration job's.
        var jobPodLabels = Labels(Map(Assert.Single(byKind["Job"]), "spec", "template", "metadata", "labels"));
        var serviceSelector = Labels(Map(Assert.Single(byKind["Service"]), "spec", "selector"));
        var budgetSelector = Labels(Map(Assert.Single(byKind["PodDisruptionBudget"]), "spec", "selector", "matchLabels"));
        foreach (var selector in new[] { serviceSelector, budgetSelector, Labels(Map(deployment, "spec", "selector", "matchLabels")) })
        {
            Assert.Subset(podLabels.ToHashSet(), selector.ToHashSet());
            Assert.False(selector.ToHashSet().IsSubsetOf(jobPodLabels.ToHashSet()), "the migration job's pod would be selected");
        }

        Assert.Equal("migrate", Assert.Single(List(Assert.Single(byKind["Job"]), "spec", "template", "spec", "containers"))
            .As<Dictionary<object, object>>()["args"].As<List<object>>().Single());
        Assert.Equal(Text(deployment, "metadata", "name"), Text(Assert.Single(byKind["HorizontalPodAutoscaler"]), "spec", "scaleTargetRef", "name"));

        // The configuration the pods mount: production settings, PostgreSQL, no demo, no secret.
        var configMap = Assert.Single(byKind["ConfigMap"]);
        var settingsText = Text(configMap, "data", "appsettings.Production.json");
        using var settings = JsonDocument.Parse(settingsText);
        Assert.Equal("PostgreSql", settings.RootElement.GetProperty("AaiProxy").GetProperty("Database").GetProperty("Provider").GetString());
        Assert.False(settings.RootElement.GetProperty("AaiProxy").TryGetProperty("Demo", out _));
        Assert.DoesNotMatch("(?i)password\"\\s*:", settingsText);
        // Every pod derives the same pairwise subjects: the secret comes from the mounted Secret, not each pod's data directory.
        var secretsMount = List(container, "volumeMounts").Select(mount => mount.As<Dictionary<object, object>>()).Single(mount => Text(mount, "name") == "secrets");
        Assert.StartsWith(Text(secretsMount, "mountPath") + "/",
            settings.RootElement.GetProperty("AaiProxy").GetProperty("Accounts").GetProperty("PairwiseSecretFile").GetString());
        var configVolume = List(pod, "spec", "volumes").Select(volume => volume.As<Dictionary<object, object>>()).Single(volume => Text(volume, "name") == "config");
        Assert.Equal(Text(configMap, "metadata", "name"), Text(configVolume, "configMap", "name"));

        // Several nodes on PostgreSQL refuse to start without Redis, the KEK and the pairwise secret (MultiNodeValidation):
        // the settings name them, and the files they name are projected from the Secret into the server's pods and into
        // the migration job's (whose settings are validated too).
        var proxy = settings.RootElement.GetProperty("AaiProxy");
        Assert.False(proxy.TryGetProperty("SingleNode", out _));
        Assert.False(string.IsNullOrWhiteSpace(proxy.GetProperty("Redis").GetProperty("Configuration").GetString()));
        var secretFiles = new[]
        {
            proxy.GetProperty("Keys").GetProperty("EncryptionKeyFile").GetString()!,
            proxy.GetProperty("Accounts").GetProperty("PairwiseSecretFile").GetString()!,
        };
        var job = Map(Assert.Single(byKind["Job"]), "spec", "template");
        foreach (var podSpec in new[] { pod, job })
        {
            var podContainer = Assert.Single(List(podSpec, "spec", "containers")).As<Dictionary<object, object>>();
            foreach (var file in secretFiles)
            {
                Assert.Contains(file, ProjectedSecretFiles(podSpec, podContainer));
            }
        }
    }

    /// <summary>The files a pod's container sees from Secret volumes: mount path + each projected item's path.</summary>
    private static List<string> ProjectedSecretFiles(Dictionary<object, object> pod, Dictionary<object, object> container)
    {
        var secretVolumes = List(pod, "spec", "volumes").Select(volume => volume.As<Dictionary<object, object>>())
            .Where(volume => volume.ContainsKey("secret")).ToDictionary(volume => Text(volume, "name"));
        return [.. List(container, "volumeMounts").Select(mount => mount.As<Dictionary<object, object>>())
            .Where(mount => secretVolumes.ContainsKey(Text(mount, "name")))
            .SelectMany(mount => List(secretVolumes[Text(mount, "name")], "secret", "items")
                .Select(item => Text(mount, "mountPath") + "/" + Text(item.As<Dictionary<object, object>>(), "path")))];
    }

    [Fact]
    public void The_image_restores_every_project_the_server_references()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        var projects = ServerProjectClosure();

        Assert.Contains("src/AaiProxy.Server/AaiProxy.Server.csproj", projects);
        Assert.All(projects, project => Assert.Contains($"COPY {project} ", dockerfile));
    }

    [Fact]
    public void Compose_runs_two_nodes_behind_the_load_balancer_on_one_postgresql_and_one_redis()
    {
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path.Combine(Deploy, "compose", "docker-compose.yml")));
        var services = Map(compose, "services");
        var balancer = File.ReadAllText(Path.Combine(Deploy, "nginx", "aaiproxy-lb.conf"));

        Assert.Superset(new HashSet<string> { "postgres", "redis", "migrate", "node-a", "node-b", "nginx" }, services.Keys.Select(key => (string)key).ToHashSet());
        Assert.Contains("server node-a:8080", balancer);
        Assert.Contains("server node-b:8080", balancer);
        var environment = File.ReadAllLines(Path.Combine(Deploy, "compose", "aaiproxy.env"));
        Assert.Contains("AaiProxy__Database__Provider=PostgreSql", environment);
        Assert.Contains(environment, line => line.StartsWith("AaiProxy__Redis__Configuration=redis:6379", StringComparison.Ordinal));

        // The KEK and the pairwise secret are files every node and the migration get as compose secrets (else they refuse
        // to start), and every /run/secrets/ file the settings name is one the service is given.
        Assert.Contains("AaiProxy__Keys__EncryptionKeyFile=/run/secrets/kek", environment);
        Assert.Contains("AaiProxy__Accounts__PairwiseSecretFile=/run/secrets/pairwise-secret", environment);
        var named = environment.Select(line => Regex.Match(line, "=/run/secrets/([^/]+)$")).Where(match => match.Success).Select(match => match.Groups[1].Value).ToList();
        var declared = Map(compose, "secrets").Keys.Select(key => (string)key).ToHashSet();
        foreach (var service in new[] { "migrate", "node-a", "node-b" })
        {
            var definition = Map(services, service);
            Assert.Contains("aaiproxy.env", List(definition, "env_file").Select(file => (string)file));
            var given = List(definition, "secrets").Select(secret => (string)secret).ToHashSet();
            Assert.All(named, secret => Assert.Contains(secret, given));
            Assert.Subset(declared, given);
        }
    }

    [Fact]
    public void Systemd_unit_supplies_the_shared_secrets_and_listens_where_the_tls_example_proxies()
    {
        var unit = File.ReadAllLines(Path.Combine(Deploy, "systemd", "aaiproxy.service"));
        var tls = File.ReadAllText(Path.Combine(Deploy, "nginx", "aaiproxy-tls.conf"));
        var example = File.ReadAllLines(Path.Combine(Deploy, "systemd", "aaiproxy.env.example"));

        // Each secret file setting points into the credentials directory at a credential the unit loads.
        foreach (var (setting, credential) in new[] { ("AaiProxy__Keys__EncryptionKeyFile", "kek"), ("AaiProxy__Accounts__PairwiseSecretFile", "pairwise-secret") })
        {
            Assert.Contains($"Environment={setting}=%d/{credential}", unit);
            Assert.Contains(unit, line => line.StartsWith($"LoadCredential={credential}:/", StringComparison.Ordinal));
        }

        var listen = Regex.Match(string.Join('\n', unit), @"ASPNETCORE_URLS=http://127\.0\.0\.1:(\d+)");
        Assert.True(listen.Success, "the unit sets where the node listens");
        Assert.Contains($"proxy_pass http://127.0.0.1:{listen.Groups[1].Value};", tls);
        Assert.Contains("Environment=AaiProxy__ReverseProxy__KnownProxies__0=127.0.0.1", unit);
        Assert.Contains("ssl_certificate ", tls);
        Assert.Contains("AaiProxy__Database__Provider=PostgreSql", example);
        Assert.Contains(example, line => line.StartsWith("AaiProxy__Redis__Configuration=", StringComparison.Ordinal));
    }

    private async Task<List<Dictionary<object, object>>> RenderKustomizationAsync()
    {
        var kubectl = (await PeerScript.RunAsync(output, "kubectl.sh", "install"))["executable"];
        var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(Path.Combine(Deploy, "kubernetes"));
        using var process = Process.Start(start)!;
        var rendered = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize failed: {errors}");

        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(rendered));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add(deserializer.Deserialize<Dictionary<object, object>>(parser));
        }

        return documents;
    }

    /// <summary>src/AaiProxy.Server's csproj and every project it references, transitively, as repository paths.</summary>
    private static SortedSet<string> ServerProjectClosure()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(RepositoryPaths.Root, "src", "AaiProxy.Server", "AaiProxy.Server.csproj")]);
        while (pending.TryPop(out var project))
        {
            if (!found.Add(Path.GetRelativePath(RepositoryPaths.Root, project).Replace('\\', '/')))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }
        }

        return found;
    }

    private static Dictionary<object, object> Map(Dictionary<object, object> node, params string[] path) =>
        path.Aggregate(node, (current, key) => current[key].As<Dictionary<object, object>>());

    private static List<object> List(Dictionary<object, object> node, params string[] path) =>
        Map(node, path[..^1])[path[^1]].As<List<object>>();

    private static string Text(Dictionary<object, object> node, params string[] path) =>
        Convert.ToString(Map(node, path[..^1])[path[^1]], System.Globalization.CultureInfo.InvariantCulture)!;

    private static List<KeyValuePair<string, string>> Labels(Dictionary<object, object> labels) =>
        labels.Select(label => KeyValuePair.Create((string)label.Key, (string)label.Value)).ToList();
}

internal static class YamlNodes
{
    public static T As<T>(this object? node) => node is T typed ? typed : throw new InvalidCastException($"Expected {typeof(T).Name}, found {node?.GetType().Name ?? "null"}.");
}
