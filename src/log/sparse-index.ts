// What the offset index and the time index share: fixed-size entries in an IndexFile, relative to
// the segment's base offset, with the same lifecycle (preallocated while active, written lazily,
// trimmed on roll, reset before a rebuild).
import { IndexFile } from './index-file.js'
import type { Storage } from './storage.js'

export abstract class SparseIndex {
  protected readonly file: IndexFile

  constructor(
    storage: Storage,
    path: string,
    readonly baseOffset: bigint,
    maxIndexBytes: number,
    entryBytes: number,
  ) {
    this.file = new IndexFile(storage, path, entryBytes, Math.floor(maxIndexBytes / entryBytes))
  }

  get entryCount(): number {
    return this.file.entryCount
  }

  get isFull(): boolean {
    return this.file.isFull
  }

  get path(): string {
    return this.file.path
  }

  preallocate(): Promise<void> {
    return this.file.preallocate()
  }

  persist(trim: boolean): Promise<void> {
    return this.file.persist(trim)
  }

  sync(): Promise<void> {
    return this.file.sync()
  }

  /** Forgets every entry and empties the file; subclasses also drop what they cache. */
  reset(): Promise<void> {
    return this.file.reset()
  }

  close(): Promise<void> {
    return this.file.close()
  }
}
