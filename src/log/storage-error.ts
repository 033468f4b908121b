import { SluiceError } from '../errors.js'

/**
 * A file-system operation of the log failed (ENOSPC, EIO, EMFILE, …). The log's callers turn it
 * into KAFKA_STORAGE_ERROR for the client and take the log dir offline; it never reaches a client
 * as anything else, and an append that failed this way was never acknowledged.
 */
export class StorageError extends SluiceError {
  constructor(
    /** The errno code, e.g. 'ENOSPC'; 'EUNKNOWN' when the failure had none. */
    readonly errno: string,
    readonly operation: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_STORAGE', `${operation} ${path} failed: ${errno}`, options)
  }

  static from(error: NodeJS.ErrnoException | Error, operation: string, path: string): StorageError {
    if (error instanceof StorageError) return error
    const errno = 'code' in error && typeof error.code === 'string' ? error.code : 'EUNKNOWN'
    return new StorageError(errno, operation, path, { cause: error })
  }
}
