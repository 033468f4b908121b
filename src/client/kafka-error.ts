// A Kafka error code a broker answered, as the CLI reports it: Kafka's name first, then what was
// being done, so `sluice` exits with a line such as
// "UNKNOWN_TOPIC_OR_PARTITION: describing topic t: This server does not host this topic-partition."
import { SluiceError } from '../errors.js'
import { ERROR_INFO, ErrorCode, errorName } from '../protocol/error-codes.js'

export class KafkaError extends SluiceError {
  constructor(readonly errorCode: number, what: string, errorMessage?: string | null) {
    const detail = errorMessage ?? ERROR_INFO.get(errorCode)?.defaultMessage
    super('ERR_KAFKA', `${errorName(errorCode)}: ${what}${detail === undefined || detail === '' ? '' : `: ${detail}`}`)
  }

  get errorName(): string {
    return errorName(this.errorCode)
  }
}

/** Throws KafkaError unless `errorCode` is NONE. */
export function throwIfKafkaError(errorCode: number, what: string, errorMessage?: string | null): void {
  if (errorCode !== ErrorCode.NONE) throw new KafkaError(errorCode, what, errorMessage)
}
