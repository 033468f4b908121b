// The narrow file interface the log writes through. Production uses NodeStorage (node:fs); tests
// substitute storage that fails a write or an fsync, or forgets unflushed bytes to model power loss
// (test/helpers/memory-storage.ts). Nothing in src/log/ touches node:fs directly.
import { constants as fsConstants, close, closeSync, fdatasync, fstat, ftruncate, mkdir, open, openSync, read, readFile, readdir, rename, rm, stat, unlink, write, writev } from 'node:fs'
import { dirname } from 'node:path'
import { StorageError } from './storage-error.js'

export interface StorageFile {
  readonly path: string
  /** Writes every byte of `chunks` at `position` (a short write is retried, never returned). */
  write(chunks: readonly Buffer[], position: number): Promise<void>
  /** Reads up to `length` bytes at `position` into `target` at `targetOffset`; returns the count (0 at the end). */
  read(target: Buffer, targetOffset: number, length: number, position: number): Promise<number>
  /** Makes written bytes durable (fdatasync). */
  sync(): Promise<void>
  truncate(sizeBytes: number): Promise<void>
  size(): Promise<number>
  close(): Promise<void>
}

export type OpenMode =
  /** Read only; the file must exist. */
  | 'read'
  /** Read and write; created if missing. */
  | 'readWrite'

/** File-system operations of the log. Every failure is a StorageError carrying the errno code. */
export interface Storage {
  open(path: string, mode: OpenMode): Promise<StorageFile>
  readFile(path: string): Promise<Buffer>
  /** Replaces `path` atomically and durably: a temporary file, fsync, rename, fsync of the directory. */
  writeFileAtomic(path: string, data: Buffer): Promise<void>
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  /** Removes a directory and everything in it. */
  removeDirectory(path: string): Promise<void>
  mkdir(path: string): Promise<void>
  readdir(path: string): Promise<string[]>
  /** File size, or undefined when the path does not exist. */
  sizeOf(path: string): Promise<number | undefined>
  /** Makes the directory's entries (creates, renames, removals) durable. */
  syncDirectory(path: string): Promise<void>
}

function wrap<T>(operation: string, path: string, run: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    run((error, value) => (error === null ? resolve(value) : reject(StorageError.from(error, operation, path))))
  })
}

class NodeStorageFile implements StorageFile {
  constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  write(chunks: readonly Buffer[], position: number): Promise<void> {
    // The common case, one buffer written whole, costs a single thread-pool round trip.
    const only = chunks.length === 1 ? chunks[0]! : undefined
    if (only === undefined) return this.writeAll(chunks, position)
    return new Promise((resolve, reject) => {
      write(this.fd, only, 0, only.length, position, (error, written) => {
        if (error !== null) reject(StorageError.from(error, 'write', this.path))
        else if (written === only.length) resolve()
        else this.writeAll([only.subarray(written)], position + written).then(resolve, reject)
      })
    })
  }

  private async writeAll(chunks: readonly Buffer[], position: number): Promise<void> {
    let pending = chunks.filter((chunk) => chunk.length > 0)
    let at = position
    while (pending.length > 0) {
      const written =
        pending.length === 1
          ? await wrap<number>('write', this.path, (done) => write(this.fd, pending[0]!, 0, pending[0]!.length, at, done))
          : await wrap<number>('write', this.path, (done) => writev(this.fd, pending, at, done))
      at += written
      pending = skipBytes(pending, written)
    }
  }

  read(target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    return wrap<number>('read', this.path, (done) => read(this.fd, target, targetOffset, length, position, done))
  }

  sync(): Promise<void> {
    return wrap<void>('fsync', this.path, (done) => fdatasync(this.fd, (error) => done(error, undefined)))
  }

  truncate(sizeBytes: number): Promise<void> {
    return wrap<void>('truncate', this.path, (done) => ftruncate(this.fd, sizeBytes, (error) => done(error, undefined)))
  }

  async size(): Promise<number> {
    const stats = await wrap('stat', this.path, (done: (error: NodeJS.ErrnoException | null, value: { size: number }) => void) => fstat(this.fd, done))
    return stats.size
  }

  close(): Promise<void> {
    return wrap<void>('close', this.path, (done) => close(this.fd, (error) => done(error, undefined)))
  }
}

/** Drops the first `byteCount` bytes of a chunk list (after a short write). */
function skipBytes(chunks: readonly Buffer[], byteCount: number): Buffer[] {
  const rest: Buffer[] = []
  let skip = byteCount
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length
      continue
    }
    rest.push(skip > 0 ? chunk.subarray(skip) : chunk)
    skip = 0
  }
  return rest
}

/** O_RDWR | O_CREAT: read and write, created when missing, never truncated; one open call. */
const READ_WRITE_CREATE = fsConstants.O_RDWR | fsConstants.O_CREAT

/** The real file system. */
export class NodeStorage implements Storage {
  async open(path: string, mode: OpenMode): Promise<StorageFile> {
    // Not 'a+' for readWrite: on Linux it forces every write to the end whatever the position.
    const fd =
      mode === 'read'
        ? await wrap<number>('open', path, (done) => open(path, 'r', done))
        : await wrap<number>('open', path, (done) => open(path, READ_WRITE_CREATE, done))
    return new NodeStorageFile(path, fd)
  }

  readFile(path: string): Promise<Buffer> {
    return wrap<Buffer>('read', path, (done) => readFile(path, done))
  }

  async writeFileAtomic(path: string, data: Buffer): Promise<void> {
    const temporary = `${path}.tmp`
    const file = await this.open(temporary, 'readWrite')
    try {
      await file.truncate(0)
      await file.write([data], 0)
      await file.sync()
    } finally {
      await file.close()
    }
    await this.rename(temporary, path)
    await this.syncDirectory(dirname(path))
  }

  rename(from: string, to: string): Promise<void> {
    return wrap<void>('rename', from, (done) => rename(from, to, (error) => done(error, undefined)))
  }

  unlink(path: string): Promise<void> {
    return wrap<void>('unlink', path, (done) => unlink(path, (error) => done(error, undefined)))
  }

  removeDirectory(path: string): Promise<void> {
    return wrap<void>('rmdir', path, (done) => rm(path, { recursive: true, force: true }, (error) => done(error, undefined)))
  }

  mkdir(path: string): Promise<void> {
    return wrap<void>('mkdir', path, (done) => mkdir(path, { recursive: true }, (error) => done(error, undefined)))
  }

  readdir(path: string): Promise<string[]> {
    return wrap<string[]>('readdir', path, (done) => readdir(path, done))
  }

  sizeOf(path: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      stat(path, (error, stats) => {
        if (error === null) resolve(stats.size)
        else if (error.code === 'ENOENT') resolve(undefined)
        else reject(StorageError.from(error, 'stat', path))
      })
    })
  }

  syncDirectory(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        const fd = openSync(path, 'r')
        fdatasync(fd, (error) => {
          closeSync(fd)
          if (error === null) resolve()
          else reject(StorageError.from(error, 'fsync', path))
        })
      } catch (error) {
        reject(StorageError.from(error as NodeJS.ErrnoException, 'fsync', path))
      }
    })
  }
}
