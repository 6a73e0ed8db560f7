namespace WeiPian.Cluster.Grains;

/// <summary>The batches with work, in grain storage (one grain, key 0). Silos read it every poll.</summary>
internal sealed class BatchRegistryGrain([PersistentState("registry", ClusterStorage.Name)] IPersistentState<BatchRegistryState> state)
    : Grain, IBatchRegistryGrain
{
    public async Task AddAsync(string batchId)
    {
        if (state.State.Active.Contains(batchId, StringComparer.Ordinal)) return;
        state.State.Active.Add(batchId);
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string batchId)
    {
        if (state.State.Active.RemoveAll(b => b == batchId) > 0) await state.WriteStateAsync();
    }

    public Task<List<string>> GetActiveAsync() => Task.FromResult(state.State.Active.ToList());
}

/// <summary>The registry's state.</summary>
[GenerateSerializer, Alias("weipian.BatchRegistryState")]
public sealed class BatchRegistryState
{
    /// <summary>Batch ids with work, oldest first.</summary>
    [Id(0)] public List<string> Active { get; set; } = [];
}
