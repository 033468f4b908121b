// An in-memory Storage that models what survives a power loss, and fails operations on demand.
//
// Durability, as on a POSIX file system:
// - a file's bytes (and size) become durable when StorageFile.sync() is called on it;
// - a directory's entries (files and directories created, renamed in or out, removed) become
//   durable when syncDirectory(thatDirectory) is called;
// - writeFileAtomic goes through the same steps as NodeStorage (temporary file, sync, rename,
//   directory sync), so it is durable when it resolves and a fault can stop it half way.
// simulatePowerLoss() then keeps only what was made durable: every directory gets back its durable
// entries, every file its durable bytes (optionally with a random prefix of the unsynced changes, as
// when writeback had reached some of the dirty pages), and handles opened before it fail with EBADF.
//
// Paths are '/'-separated strings; relative paths resolve against the root, "." and ".." are
// folded. The root always exists; directories passed to the constructor exist durably, like the
// temporary directory a test starts from.
import { StorageError } from '../../src/log/storage-error.js'
import type { OpenMode, Storage, StorageFile } from '../../src/log/storage.js'

/** The operations faults can target; 'sync' covers StorageFile.sync and syncDirectory, 'unlink' covers removeDirectory. */
export type FaultOperation = 'open' | 'read' | 'write' | 'sync' | 'truncate' | 'rename' | 'unlink' | 'mkdir' | 'readdir' | 'stat' | 'close' | 'any'

export interface PowerLossOptions {
  /**
   * 'none' (default): a file keeps exactly its synced bytes. 'random': writeback got to a random
   * point (possibly none, possibly all) of the unsynced changes, in file order: the bytes before
   * that point are the current ones, the rest the synced ones. For a file only appended to since
   * its last sync, that is its synced bytes plus a random prefix of the unsynced tail.
   */
  readonly keepUnsyncedPrefix?: 'none' | 'random'
  /** Source of randomness for 'random', in [0, 1); pass a seeded one so a failure replays. */
  readonly random?: () => number
}

export interface MemoryStorageOptions {
  /** Directories (with their ancestors) that exist, durably, from the start. */
  readonly directories?: readonly string[]
}

interface Fault {
  readonly operation: FaultOperation
  readonly errno: string
  readonly matchPath: ((path: string) => boolean) | undefined
  readonly isOnce: boolean
}

class FileNode {
  readonly kind = 'file'
  /** Current bytes are bytes[0, size); the rest is spare capacity. */
  bytes = Buffer.alloc(0)
  size = 0
  /** The bytes a power loss leaves. */
  durable = Buffer.alloc(0)

  content(): Buffer {
    return this.bytes.subarray(0, this.size)
  }

  writeAt(data: Buffer, position: number): void {
    const end = position + data.length
    this.reserve(end)
    if (position > this.size) this.bytes.fill(0, this.size, position)
    data.copy(this.bytes, position)
    this.size = Math.max(this.size, end)
  }

  resize(sizeBytes: number): void {
    this.reserve(sizeBytes)
    if (sizeBytes > this.size) this.bytes.fill(0, this.size, sizeBytes)
    this.size = sizeBytes
  }

  replaceContent(content: Buffer): void {
    this.bytes = Buffer.from(content)
    this.size = content.length
    this.durable = Buffer.from(content)
  }

  private reserve(capacity: number): void {
    if (capacity <= this.bytes.length) return
    const grown = Buffer.alloc(Math.max(capacity, this.bytes.length * 2, 64))
    this.bytes.copy(grown, 0, 0, this.size)
    this.bytes = grown
  }
}

class DirectoryNode {
  readonly kind = 'directory'
  entries = new Map<string, MemoryNode>()
  /** The entries a power loss leaves. */
  durableEntries = new Map<string, MemoryNode>()
}

type MemoryNode = FileNode | DirectoryNode

function segmentsOf(path: string): string[] {
  const segments: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') segments.pop()
    else segments.push(part)
  }
  return segments
}

const pathOf = (segments: readonly string[]): string => `/${segments.join('/')}`

/** What a MemoryFile needs from its storage, kept off MemoryStorage's public surface. */
interface FileHost {
  generation(): number
  injectFault(operation: Exclude<FaultOperation, 'any'>, path: string, errorOperation: string): void
  countWritten(byteCount: number): void
}

class MemoryFile implements StorageFile {
  private isClosed = false

  constructor(
    private readonly host: FileHost,
    readonly path: string,
    private readonly node: FileNode,
    private readonly isWritable: boolean,
    private readonly generation: number,
  ) {}

  async write(chunks: readonly Buffer[], position: number): Promise<void> {
    this.check('write', true)
    this.host.injectFault('write', this.path, 'write')
    let at = position
    for (const chunk of chunks) {
      this.node.writeAt(chunk, at)
      at += chunk.length
    }
    this.host.countWritten(at - position)
  }

  async read(target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    this.check('read', false)
    this.host.injectFault('read', this.path, 'read')
    const count = Math.max(0, Math.min(length, this.node.size - position, target.length - targetOffset))
    if (count === 0) return 0
    this.node.bytes.copy(target, targetOffset, position, position + count)
    return count
  }

  async sync(): Promise<void> {
    this.check('fsync', false)
    this.host.injectFault('sync', this.path, 'fsync')
    this.node.durable = Buffer.from(this.node.content())
  }

  async truncate(sizeBytes: number): Promise<void> {
    this.check('truncate', true)
    this.host.injectFault('truncate', this.path, 'truncate')
    this.node.resize(sizeBytes)
  }

  async size(): Promise<number> {
    this.check('stat', false)
    this.host.injectFault('stat', this.path, 'stat')
    return this.node.size
  }

  /** Closing a handle from before a power loss is allowed (and does nothing); closing twice is EBADF. */
  async close(): Promise<void> {
    if (this.isClosed) throw new StorageError('EBADF', 'close', this.path)
    this.isClosed = true
    if (this.generation !== this.host.generation()) return
    this.host.injectFault('close', this.path, 'close')
  }

  private check(operation: string, needsWrite: boolean): void {
    const isStale = this.generation !== this.host.generation()
    if (this.isClosed || isStale || (needsWrite && !this.isWritable)) throw new StorageError('EBADF', operation, this.path)
  }
}

export class MemoryStorage implements Storage {
  /** Bumped by simulatePowerLoss; handles from an older generation are dead. */
  private generation = 0
  private readonly root = new DirectoryNode()
  private faults: Fault[] = []
  private written = 0
  private readonly host: FileHost = {
    generation: () => this.generation,
    injectFault: (operation, path, errorOperation) => this.injectFault(operation, path, errorOperation),
    countWritten: (byteCount) => {
      this.written += byteCount
    },
  }

  constructor(options: MemoryStorageOptions = {}) {
    for (const directory of options.directories ?? []) {
      let parent = this.root
      for (const name of segmentsOf(directory)) {
        let child = parent.entries.get(name)
        if (child === undefined) {
          child = new DirectoryNode()
          parent.entries.set(name, child)
          parent.durableEntries.set(name, child)
        }
        if (child.kind !== 'directory') throw new StorageError('ENOTDIR', 'mkdir', directory)
        parent = child
      }
    }
  }

  /** Bytes passed to StorageFile.write (writeFileAtomic included) since the storage was made. */
  get bytesWritten(): number {
    return this.written
  }

  // ----- fault injection -----

  /** The next call of `operation` (on a path `matchPath` accepts) rejects with a StorageError carrying `errno`, and changes nothing. */
  failNext(operation: FaultOperation, errno = 'EIO', matchPath?: (path: string) => boolean): void {
    this.faults.push({ operation, errno, matchPath, isOnce: true })
  }

  /** Every call of `operation` (on a path `matchPath` accepts) rejects until clearFaults(). */
  failAlways(operation: FaultOperation, errno = 'EIO', matchPath?: (path: string) => boolean): void {
    this.faults.push({ operation, errno, matchPath, isOnce: false })
  }

  clearFaults(): void {
    this.faults = []
  }

  // ----- power loss and inspection -----

  /** Forgets everything not made durable; see the top of this file. */
  simulatePowerLoss(options: PowerLossOptions = {}): void {
    const random = options.random ?? Math.random
    const keepTail = options.keepUnsyncedPrefix === 'random'
    this.generation++
    const visited = new Set<MemoryNode>()
    const restore = (directory: DirectoryNode): void => {
      directory.entries = new Map(directory.durableEntries)
      for (const node of directory.entries.values()) {
        if (visited.has(node)) continue
        visited.add(node)
        if (node.kind === 'directory') {
          restore(node)
          continue
        }
        // Writeback modelled as running in file order and stopping at a random point: bytes before
        // the cut are the current ones, bytes after it the durable ones.
        const current = node.content()
        const durable = node.durable
        let firstChange = 0
        while (firstChange < Math.min(current.length, durable.length) && current[firstChange] === durable[firstChange]) firstChange++
        const unsyncedLength = current.length - firstChange
        const cut = keepTail && unsyncedLength > 0 ? firstChange + Math.floor(random() * (unsyncedLength + 1)) : firstChange
        node.replaceContent(Buffer.concat([current.subarray(0, cut), durable.subarray(Math.min(cut, durable.length))]))
      }
    }
    restore(this.root)
  }

  /** Every file's path, sorted. */
  files(): string[] {
    const found: string[] = []
    const visit = (directory: DirectoryNode, segments: string[]): void => {
      for (const [name, node] of directory.entries) {
        if (node.kind === 'file') found.push(pathOf([...segments, name]))
        else visit(node, [...segments, name])
      }
    }
    visit(this.root, [])
    return found.sort()
  }

  /** A copy of the file's current (not necessarily durable) bytes; throws StorageError ENOENT when missing. */
  readSync(path: string): Buffer {
    const node = this.nodeAt(path, 'read')
    if (node === undefined) throw new StorageError('ENOENT', 'read', path)
    if (node.kind !== 'file') throw new StorageError('EISDIR', 'read', path)
    return Buffer.from(node.content())
  }

  // ----- Storage -----

  async open(path: string, mode: OpenMode): Promise<StorageFile> {
    this.injectFault('open', path, 'open')
    const { parent, name, node } = this.locate(path, 'open')
    if (node?.kind === 'directory') throw new StorageError('EISDIR', 'open', path)
    let file = node
    if (file === undefined) {
      if (mode === 'read') throw new StorageError('ENOENT', 'open', path)
      file = new FileNode()
      parent.entries.set(name, file)
    }
    return new MemoryFile(this.host, pathOf(segmentsOf(path)), file, mode === 'readWrite', this.generation)
  }

  async readFile(path: string): Promise<Buffer> {
    this.injectFault('read', path, 'read')
    return this.readSync(path)
  }

  /** NodeStorage's steps, through this storage's own operations so that faults apply to each. */
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
    await this.syncDirectory(pathOf(segmentsOf(path).slice(0, -1)))
  }

  async rename(from: string, to: string): Promise<void> {
    this.injectFault('rename', from, 'rename')
    const source = this.locate(from, 'rename')
    const target = this.locate(to, 'rename')
    const node = source.node
    if (node === undefined) throw new StorageError('ENOENT', 'rename', from)
    if (node === target.node) return
    const existing = target.node
    if (existing?.kind === 'directory' && node.kind === 'file') throw new StorageError('EISDIR', 'rename', to)
    if (existing?.kind === 'file' && node.kind === 'directory') throw new StorageError('ENOTDIR', 'rename', to)
    if (existing?.kind === 'directory' && existing.entries.size > 0) throw new StorageError('ENOTEMPTY', 'rename', to)
    const fromSegments = segmentsOf(from)
    const toSegments = segmentsOf(to)
    const isIntoItself = node.kind === 'directory' && fromSegments.every((segment, index) => toSegments[index] === segment)
    if (isIntoItself) throw new StorageError('EINVAL', 'rename', to)
    source.parent.entries.delete(source.name)
    target.parent.entries.set(target.name, node)
  }

  async unlink(path: string): Promise<void> {
    this.injectFault('unlink', path, 'unlink')
    const { parent, name, node } = this.locate(path, 'unlink')
    if (node === undefined) throw new StorageError('ENOENT', 'unlink', path)
    if (node.kind === 'directory') throw new StorageError('EISDIR', 'unlink', path)
    parent.entries.delete(name)
  }

  /** Like rm -rf: a missing path is not an error. */
  async removeDirectory(path: string): Promise<void> {
    this.injectFault('unlink', path, 'rmdir')
    const segments = segmentsOf(path)
    if (segments.length === 0) throw new StorageError('EBUSY', 'rmdir', path)
    const parent = this.nodeAt(pathOf(segments.slice(0, -1)), 'rmdir')
    if (parent?.kind === 'directory') parent.entries.delete(segments[segments.length - 1]!)
  }

  /** Creates the directory and missing ancestors; an existing directory is fine. */
  async mkdir(path: string): Promise<void> {
    this.injectFault('mkdir', path, 'mkdir')
    let directory = this.root
    for (const name of segmentsOf(path)) {
      let child = directory.entries.get(name)
      if (child === undefined) {
        child = new DirectoryNode()
        directory.entries.set(name, child)
      }
      if (child.kind !== 'directory') throw new StorageError('EEXIST', 'mkdir', path)
      directory = child
    }
  }

  async readdir(path: string): Promise<string[]> {
    this.injectFault('readdir', path, 'readdir')
    const node = this.nodeAt(path, 'readdir')
    if (node === undefined) throw new StorageError('ENOENT', 'readdir', path)
    if (node.kind !== 'directory') throw new StorageError('ENOTDIR', 'readdir', path)
    return [...node.entries.keys()].sort()
  }

  async sizeOf(path: string): Promise<number | undefined> {
    this.injectFault('stat', path, 'stat')
    const node = this.nodeAt(path, 'stat')
    if (node === undefined) return undefined
    return node.kind === 'file' ? node.size : 0
  }

  async syncDirectory(path: string): Promise<void> {
    this.injectFault('sync', path, 'fsync')
    const node = this.nodeAt(path, 'fsync')
    if (node === undefined) throw new StorageError('ENOENT', 'fsync', path)
    if (node.kind !== 'directory') throw new StorageError('ENOTDIR', 'fsync', path)
    node.durableEntries = new Map(node.entries)
  }

  // ----- internals -----

  /** Throws the first armed fault matching this call, removing it when it was armed once. */
  private injectFault(operation: Exclude<FaultOperation, 'any'>, path: string, errorOperation: string): void {
    const normalized = pathOf(segmentsOf(path))
    const index = this.faults.findIndex(
      (fault) => (fault.operation === 'any' || fault.operation === operation) && (fault.matchPath?.(normalized) ?? true),
    )
    const fault = this.faults[index]
    if (fault === undefined) return
    if (fault.isOnce) this.faults.splice(index, 1)
    throw new StorageError(fault.errno, errorOperation, path)
  }

  /** The node at `path` (the root for "/"), or undefined; ENOTDIR when an ancestor is a file. */
  private nodeAt(path: string, operation: string): MemoryNode | undefined {
    let node: MemoryNode = this.root
    for (const name of segmentsOf(path)) {
      if (node.kind !== 'directory') throw new StorageError('ENOTDIR', operation, path)
      const child = node.entries.get(name)
      if (child === undefined) return undefined
      node = child
    }
    return node
  }

  /** The parent directory of `path` (which must exist: ENOENT otherwise) and the entry's name. */
  private locate(path: string, operation: string): { parent: DirectoryNode; name: string; node: MemoryNode | undefined } {
    const segments = segmentsOf(path)
    const name = segments.pop()
    if (name === undefined) throw new StorageError('EISDIR', operation, path)
    const parent = this.nodeAt(pathOf(segments), operation)
    if (parent === undefined) throw new StorageError('ENOENT', operation, path)
    if (parent.kind !== 'directory') throw new StorageError('ENOTDIR', operation, path)
    return { parent, name, node: parent.entries.get(name) }
  }
}
