// Handlers by api key: the only source of what the broker serves and therefore of the ApiVersions
// answer. Advertise only versions that are implemented and tested against a real client
// (../../STYLE.md); the target set is "Minimum broker set" in kafka-protocol/CLIENTS.md.
import { alterConfigsHandler } from './alter-configs.js'
import { apiVersionsHandler } from './api-versions.js'
import { createPartitionsHandler } from './create-partitions.js'
import { createTopicsHandler } from './create-topics.js'
import { deleteRecordsHandler } from './delete-records.js'
import { deleteTopicsHandler } from './delete-topics.js'
import { describeClusterHandler } from './describe-cluster.js'
import { describeConfigsHandler } from './describe-configs.js'
import { describeLogDirsHandler } from './describe-log-dirs.js'
import { fetchHandler } from './fetch.js'
import { findCoordinatorHandler } from './find-coordinator.js'
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js'
import type { AdvertisedRange, Handler } from './handler.js'
import { listOffsetsHandler } from './list-offsets.js'
import { metadataHandler } from './metadata.js'
import { offsetCommitHandler } from './offset-commit.js'
import { offsetFetchHandler } from './offset-fetch.js'
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js'
import { produceHandler } from './produce.js'
import { deleteGroupsHandler } from './delete-groups.js'
import { describeGroupsHandler } from './describe-groups.js'
import { heartbeatHandler } from './heartbeat.js'
import { joinGroupHandler } from './join-group.js'
import { leaveGroupHandler } from './leave-group.js'
import { listGroupsHandler } from './list-groups.js'
import { offsetDeleteHandler } from './offset-delete.js'
import { syncGroupHandler } from './sync-group.js'

export interface HandlerRegistry {
  /** The handler of this api key, or undefined when the broker does not serve the API. */
  handler(apiKey: number): Handler | undefined
  /** Every served API's range, by ascending api key, exactly as ApiVersions lists them. */
  readonly advertisedVersions: readonly AdvertisedRange[]
}

/** The handlers the broker runs. */
export const BROKER_HANDLERS: readonly Handler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  offsetForLeaderEpochHandler,
  describeLogDirsHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  describeClusterHandler,
  deleteGroupsHandler,
  offsetDeleteHandler,
]

/**
 * What a controller listener serves. The quorum RPCs (Vote, BeginQuorumEpoch, Fetch of the
 * metadata partition, DescribeQuorum, BrokerRegistration) arrive with the Raft issue.
 */
export const CONTROLLER_HANDLERS: readonly Handler[] = [
  apiVersionsHandler,
]

/** Throws RangeError when two handlers claim one api key. */
export function createHandlerRegistry(handlers: readonly Handler[] = BROKER_HANDLERS): HandlerRegistry {
  const byKey = new Map<number, Handler>()
  for (const handler of handlers) {
    if (byKey.has(handler.apiKey)) throw new RangeError(`two handlers for api key ${handler.apiKey}`)
    byKey.set(handler.apiKey, handler)
  }
  const advertisedVersions: readonly AdvertisedRange[] = Object.freeze(
    [...byKey.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map(({ apiKey, minVersion, maxVersion }) => Object.freeze({ apiKey, minVersion, maxVersion })),
  )
  return {
    handler: (apiKey) => byKey.get(apiKey),
    advertisedVersions,
  }
}

/** What the broker advertises, from BROKER_HANDLERS. */
export const ADVERTISED_VERSIONS: readonly AdvertisedRange[] = createHandlerRegistry().advertisedVersions
