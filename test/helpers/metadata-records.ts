// Metadata records for tests, with the fields a test rarely cares about filled in.
import type { MetadataRecord } from '../../src/metadata/metadata-record-codec.js'

export const INCARNATION_ID = Buffer.alloc(16, 3).toString('base64url')

/** A broker registering (fenced until unfenced), listening on PLAINTEXT localhost:9092. */
export function registerBroker(brokerId: number, brokerEpoch: bigint): MetadataRecord {
  return {
    type: 'RegisterBrokerRecord', version: 3, value: {
      brokerId, isMigratingZkBroker: false, incarnationId: INCARNATION_ID, brokerEpoch,
      endPoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }],
      features: [{ name: 'metadata.version', minSupportedVersion: 7, maxSupportedVersion: 21 }],
      rack: null, fenced: true, inControlledShutdown: false, logDirs: [],
    },
  }
}

export function topic(name: string, topicId: string): MetadataRecord {
  return { type: 'TopicRecord', version: 0, value: { name, topicId } }
}

/** A partition whose ISR is all its replicas, at leader and partition epoch 0. */
export function partition(topicId: string, partitionId: number, replicas: number[], leader: number): MetadataRecord {
  return {
    type: 'PartitionRecord', version: 0, value: {
      partitionId, topicId, replicas, isr: [...replicas], removingReplicas: [], addingReplicas: [], leader,
      leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [],
      eligibleLeaderReplicas: null, lastKnownElr: null,
    },
  }
}

/** A config set (or deleted, with a null value) on a resource (ConfigResourceType). */
export function config(resourceType: number, resourceName: string, name: string, value: string | null): MetadataRecord {
  return { type: 'ConfigRecord', version: 0, value: { resourceType, resourceName, name, value } }
}
