// Example parameters: az deployment group create -g <rg> -f infra/bicep/main.bicep -p infra/bicep/main.bicepparam
using 'main.bicep'

param baseName = 'promfed'

// Scrape every minute (six-field NCRONTAB, UTC); keep a cycle shorter than this.
param scrapeSchedule = '0 */1 * * * *'

// package.sh copies the scrape configuration to the app root under this name.
param configPath = 'prometheus.yml'

param lookbackDelta = '5m'
param maxConcurrency = 32

// A run with more due targets than this sends them to the shard queue for ScrapeShard instances (0: never).
param shardSize = 100
param maximumInstanceCount = 40
param instanceMemoryMB = 2048

param tags = {
  app: 'fed-functions'
}
