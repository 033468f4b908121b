// Promise.withResolvers (ES2024) for Node 20, which lacks it. @platformatic/kafka 2.x calls it and
// declares Node >= 22; importing this module before that client lets it run on Node 20.
// Importing installs it; an existing implementation is left alone.

export interface PromiseWithResolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

export function promiseWithResolvers<T>(): PromiseWithResolvers<T> {
  let resolve!: (value: T | PromiseLike<T>) => void
  let reject!: (reason?: unknown) => void
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve
    reject = onReject
  })
  return { promise, resolve, reject }
}

/** Installs Promise.withResolvers when it is missing; returns whether it did. */
export function installPromiseWithResolvers(): boolean {
  const constructor = Promise as unknown as { withResolvers?: unknown }
  if (typeof constructor.withResolvers === 'function') return false
  Object.defineProperty(Promise, 'withResolvers', { value: promiseWithResolvers, writable: true, configurable: true })
  return true
}

installPromiseWithResolvers()
