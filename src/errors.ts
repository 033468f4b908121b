/**
 * The one base class of Sluice's internal errors. `code` is stable (for example
 * `ERR_PROTOCOL_DECODE`) so callers and tests branch on it, never on message text.
 * Kafka outcomes (unknown topic, not leader, …) are not errors: they are values carrying an ErrorCode.
 */
export class SluiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}
