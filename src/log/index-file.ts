// The storage of a segment's sparse index (.index or .timeindex): fixed-size entries kept in memory
// while the segment is in use and written to the file lazily (on flush, roll and close). The file is
// preallocated to segment.index.bytes while the segment is active and trimmed to its entries when it
// rolls, as Kafka does. An index is derived data: after an unclean stop, recovery rebuilds it from
// the log, so a lazily written index never costs an acknowledged record.
import type { Storage, StorageFile } from './storage.js'

export class IndexFile {
  private entries: Buffer
  private count = 0
  /** Entries already in the file: flush writes only the ones after. */
  private persistedCount = 0
  /** Entries were removed: the file still holds them until it is cut. */
  private hasStaleTail = false
  private file: StorageFile | undefined

  constructor(
    private readonly storage: Storage,
    readonly path: string,
    readonly entryBytes: number,
    /** Most entries the index may hold (segment.index.bytes / entry size). */
    readonly maxEntries: number,
  ) {
    this.entries = Buffer.alloc(Math.min(64, maxEntries) * entryBytes)
  }

  get entryCount(): number {
    return this.count
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries
  }

  /** The bytes of entry `index` (a view: valid until the next append). */
  entry(index: number): Buffer {
    return this.entries.subarray(index * this.entryBytes, (index + 1) * this.entryBytes)
  }

  /** Room for one more entry, returned as a view to fill in; the caller checks isFull first. */
  appendEntry(): Buffer {
    const needed = (this.count + 1) * this.entryBytes
    if (needed > this.entries.length) {
      const grown = Buffer.alloc(Math.min(this.maxEntries * this.entryBytes, Math.max(needed, this.entries.length * 2)))
      this.entries.copy(grown, 0, 0, this.count * this.entryBytes)
      this.entries = grown
    }
    this.count++
    return this.entry(this.count - 1)
  }

  /** Keeps only the first `count` entries. */
  truncateEntries(count: number): void {
    if (count >= this.count) return
    this.count = count
    this.persistedCount = Math.min(this.persistedCount, count)
    this.hasStaleTail = true
  }

  /**
   * Loads the entries in the file. `isValidNext(previous, next)` says whether an entry may follow
   * the previous one (undefined for the first): the first that may not ends the index, which is
   * how the zero-filled preallocated tail is recognised.
   */
  async load(isValidNext: (previous: Buffer | undefined, next: Buffer) => boolean): Promise<void> {
    const size = await this.storage.sizeOf(this.path)
    if (size === undefined || size === 0) return
    const data = await this.storage.readFile(this.path)
    const available = Math.min(Math.floor(data.length / this.entryBytes), this.maxEntries)
    let count = 0
    let previous: Buffer | undefined
    while (count < available) {
      const next = data.subarray(count * this.entryBytes, (count + 1) * this.entryBytes)
      if (!isValidNext(previous, next)) break
      previous = next
      count++
    }
    this.entries = Buffer.alloc(Math.max(count, Math.min(64, this.maxEntries)) * this.entryBytes)
    data.copy(this.entries, 0, 0, count * this.entryBytes)
    this.count = count
    this.persistedCount = count
  }

  /** Creates the file at its preallocated size (an active segment's index). */
  async preallocate(): Promise<void> {
    this.file ??= await this.storage.open(this.path, 'readWrite')
    await this.file.truncate(this.maxEntries * this.entryBytes)
  }

  /** Writes the entries not yet in the file. With `trim`, cuts the file to exactly the entries. */
  async persist(trim: boolean): Promise<void> {
    if (this.persistedCount === this.count && !trim && !this.hasStaleTail) return
    this.file ??= await this.storage.open(this.path, 'readWrite')
    if (this.hasStaleTail) {
      await this.file.truncate(this.count * this.entryBytes)
      this.hasStaleTail = false
    }
    if (this.count > this.persistedCount) {
      const start = this.persistedCount * this.entryBytes
      await this.file.write([Buffer.from(this.entries.subarray(start, this.count * this.entryBytes))], start)
      this.persistedCount = this.count
    }
    if (trim) await this.file.truncate(this.count * this.entryBytes)
  }

  async sync(): Promise<void> {
    await this.persist(false)
    await this.file?.sync()
  }

  /** Forgets every entry and empties the file (before a rebuild). */
  async reset(): Promise<void> {
    this.count = 0
    this.persistedCount = 0
    this.hasStaleTail = false
    this.file ??= await this.storage.open(this.path, 'readWrite')
    await this.file.truncate(0)
  }

  async close(): Promise<void> {
    const file = this.file
    this.file = undefined
    await file?.close()
  }
}
