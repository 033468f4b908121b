// The contract between the capture run and one real client.
import type { CaptureServer } from '../capture-server.js'
import type { Codec } from '../golden-records.js'

export interface DriverContext {
  readonly server: CaptureServer
  /** host:port of the capture server. */
  readonly bootstrap: string
  readonly topic: string
  /** Things worth reporting (an unsupported codec, a step that did not complete). */
  readonly notes: string[]
  log(message: string): void
}

export interface ClientDriver {
  /** Directory name under test/fixtures/protocol/ and the <client> of record values. */
  readonly name: string
  /** The client and version, as the manifest states them. */
  readonly software: string
  /** The codecs this client can produce here, in order. */
  readonly codecs: readonly Codec[]
  /** Codecs it cannot produce here, with why. */
  readonly unsupportedCodecs: Readonly<Partial<Record<Codec, string>>>
  /** Why the client cannot run (missing binary or module, with the command that installs it), or undefined. */
  checkInstalled(): Promise<string | undefined>
  /** Produces one batch per codec, then consumes them all; every step is bounded. */
  run(context: DriverContext): Promise<void>
}
