using FedFunctions.TestSupport;
namespace FedFunctions.Core.Tests.Storage;

/// <summary>AzuriteCollection shares one <see cref="AzuriteServer"/> among the storage integration tests.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    /// <summary>Name is the collection name used in <c>[Collection(AzuriteCollection.Name)]</c>.</summary>
    public const string Name = "Azurite";
}
