// A Storage that forwards everything to another: tests extend it and override the one operation
// they want to fail or delay, instead of repeating every forwarder.
import type { OpenMode, Storage, StorageFile } from '../../src/log/storage.js'

export class DelegatingStorage implements Storage {
  constructor(readonly inner: Storage) {}

  open(path: string, mode: OpenMode): Promise<StorageFile> {
    return this.inner.open(path, mode)
  }
  readFile(path: string): Promise<Buffer> {
    return this.inner.readFile(path)
  }
  writeFileAtomic(path: string, data: Buffer): Promise<void> {
    return this.inner.writeFileAtomic(path, data)
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to)
  }
  unlink(path: string): Promise<void> {
    return this.inner.unlink(path)
  }
  removeDirectory(path: string): Promise<void> {
    return this.inner.removeDirectory(path)
  }
  mkdir(path: string): Promise<void> {
    return this.inner.mkdir(path)
  }
  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path)
  }
  sizeOf(path: string): Promise<number | undefined> {
    return this.inner.sizeOf(path)
  }
  syncDirectory(path: string): Promise<void> {
    return this.inner.syncDirectory(path)
  }
}

/** A file whose operations all forward to `file`, with some replaced by `overrides`. */
export function delegatingFile(file: StorageFile, overrides: Partial<StorageFile>): StorageFile {
  return {
    path: file.path,
    write: (chunks, position) => file.write(chunks, position),
    read: (target, targetOffset, length, position) => file.read(target, targetOffset, length, position),
    sync: () => file.sync(),
    truncate: (sizeBytes) => file.truncate(sizeBytes),
    size: () => file.size(),
    close: () => file.close(),
    ...overrides,
  }
}
