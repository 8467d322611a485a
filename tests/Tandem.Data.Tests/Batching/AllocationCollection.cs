namespace Tandem.Data.Tests.Batching;

/// <summary>Tests that count process-wide allocations run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation measurements";
}
