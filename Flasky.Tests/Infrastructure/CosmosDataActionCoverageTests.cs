using System.Reflection;
using System.Reflection.Emit;
using Flasky.Cosmos;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// Every Cosmos DB SDK call Flasky ships is covered by the custom role's data actions (infra/azure/app/cosmos.bicep), so a
/// new operation cannot pass every local test (the local server checks no permissions) and then fail with 403 only in
/// Azure. The calls are read from the compiled IL of every Flasky assembly that references the SDK, async state machines
/// included; the table below says what each needs.
/// </summary>
[Collection(SharedAzureTemplate.Name)]
public sealed class CosmosDataActionCoverageTests(AzureTemplateFixture template)
{
    private const string ReadMetadata = "Microsoft.DocumentDB/databaseAccounts/readMetadata";
    private const string ItemsRead = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read";
    private const string ItemsUpsert = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/upsert";
    private const string ItemsDelete = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/delete";
    private const string ExecuteQuery = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery";
    private const string ReadChangeFeed = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed";

    // The SDK types whose members can send a request to the account. A call to any of their members must have a row.
    private static readonly HashSet<string> RequestTypes =
        ["CosmosClient", "Database", "Container", "FeedIterator", "Scripts", "User", "Permission", "ChangeFeedProcessorBuilder", "TransactionalBatch"];

    // What each SDK member used by Flasky needs, per "Azure Cosmos DB for NoSQL data plane actions reference" (which also
    // states that a query through an SDK needs both executeQuery and readChangeFeed). Members that only build a proxy
    // or read local state need nothing; the request a FeedIterator sends is the operation that created it.
    private static readonly Dictionary<string, string[]> DataActionsOf = new(StringComparer.Ordinal)
    {
        ["CosmosClient..ctor"] = [ReadMetadata],                  // account and container metadata before any data call
        ["CosmosClient.GetContainer"] = [],                       // a proxy: no request
        ["Container.ReadItemStreamAsync"] = [ReadMetadata, ItemsRead],
        ["Container.UpsertItemStreamAsync"] = [ReadMetadata, ItemsUpsert],
        ["Container.DeleteItemStreamAsync"] = [ReadMetadata, ItemsDelete], // only our duplicate of a seed item
        ["Container.GetItemQueryStreamIterator"] = [ReadMetadata, ExecuteQuery, ReadChangeFeed],
        ["Container.ReadContainerStreamAsync"] = [ReadMetadata],
        ["FeedIterator.get_HasMoreResults"] = [],
        ["FeedIterator.ReadNextAsync"] = [],
    };

    [Fact]
    public void Every_cosmos_request_flasky_makes_is_in_the_table()
    {
        var used = CosmosRequestMembersUsed();
        Assert.NotEmpty(used);
        var missing = used.Keys.Where(m => !DataActionsOf.ContainsKey(m)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"Cosmos SDK calls without a row in {nameof(DataActionsOf)}: {string.Join(", ", missing.Select(m => $"{m} (in {used[m]})"))}. "
            + "Add each with the data actions it needs, and grant any new action in infra/azure/app/cosmos.bicep.");

        // A row for a call nobody makes any more would keep a grant alive for nothing.
        var stale = DataActionsOf.Keys.Where(m => !used.ContainsKey(m)).ToList();
        Assert.True(stale.Count == 0, $"Rows for Cosmos SDK calls Flasky no longer makes: {string.Join(", ", stale)}. Remove them (and any grant only they needed).");
    }

    [Fact]
    public void Custom_role_grants_what_every_call_needs_and_nothing_else()
    {
        var (module, role) = template.SingleResource("Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions");
        var permission = Assert.Single(role.GetProperty("properties").GetProperty("permissions").EnumerateArray());
        var granted = template.Resolve(module, permission.GetProperty("dataActions")).EnumerateArray().Select(a => a.GetString()!).ToHashSet();

        var used = CosmosRequestMembersUsed();
        foreach (var (member, actions) in DataActionsOf.Where(row => used.ContainsKey(row.Key)))
        {
            Assert.All(actions, action => Assert.True(granted.Contains(action), $"{member} needs {action}, which the role does not grant"));
        }

        var needed = DataActionsOf.Where(row => used.ContainsKey(row.Key)).SelectMany(row => row.Value).ToHashSet();
        Assert.Empty(granted.Except(needed));
    }

    /// <summary>Each SDK member (Type.Member) called from Flasky code, with one caller for the failure message.</summary>
    private static Dictionary<string, string> CosmosRequestMembersUsed()
    {
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in FlaskyAssembliesUsingCosmos())
        {
            foreach (var (caller, callee) in IlCalls.In(assembly))
            {
                var type = callee.DeclaringType;
                if (type?.Namespace?.StartsWith("Microsoft.Azure.Cosmos", StringComparison.Ordinal) != true)
                {
                    continue;
                }

                var typeName = type.Name.Split('`')[0];
                if (RequestTypes.Contains(typeName))
                {
                    used.TryAdd($"{typeName}.{callee.Name}", caller);
                }
            }
        }

        return used;
    }

    // Shipping assemblies only: what the Functions app (or any later host) carries, not the tests.
    private static List<Assembly> FlaskyAssembliesUsingCosmos()
    {
        var names = Directory.EnumerateFiles(AppContext.BaseDirectory, "Flasky.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && n != typeof(CosmosDataActionCoverageTests).Assembly.GetName().Name)
            .Order(StringComparer.Ordinal);
        var assemblies = names.Select(n => Assembly.Load(new AssemblyName(n!)))
            .Where(a => a.GetReferencedAssemblies().Any(r => r.Name == "Microsoft.Azure.Cosmos.Client"))
            .ToList();
        Assert.Contains(typeof(CosmosCandidateStore).Assembly, assemblies);
        return assemblies;
    }
}

/// <summary>The methods and constructors each method body calls, read from IL (call, callvirt, newobj, ldftn).</summary>
internal static class IlCalls
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static IEnumerable<(string Caller, MethodBase Callee)> In(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
            {
                var il = method.GetMethodBody()?.GetILAsByteArray();
                if (il is null)
                {
                    continue;
                }

                foreach (var callee in Callees(method, il))
                {
                    yield return ($"{type.FullName}.{method.Name}", callee);
                }
            }
        }
    }

    private static IEnumerable<MethodBase> Callees(MethodBase method, byte[] il)
    {
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            var opCode = OpCodesByValue[value];
            var operandSize = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
                _ => 4,
            };

            if (opCode.OperandType == OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, position);
                var genericTypeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
                var genericMethodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
                yield return method.Module.ResolveMethod(token, genericTypeArguments, genericMethodArguments)!;
            }

            position += operandSize;
        }
    }
}
