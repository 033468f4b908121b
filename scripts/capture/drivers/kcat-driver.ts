// kcat 1.7.1 (Debian), built on librdkafka 2.0.2, as child processes: metadata listing, one
// producer process per codec (-z), then a consumer from the beginning that exits at the end (-e).
import { runProcess } from '../bounded.js'
import { CODECS, goldenRecords, producerClientId } from '../golden-records.js'
import type { ClientDriver, DriverContext } from './driver.js'

const NAME = 'kcat'
const PROCESS_TIMEOUT_MS = 20_000

export const kcatDriver: ClientDriver = {
  name: NAME,
  software: 'kcat 1.7.1-2 (Debian bookworm), librdkafka 2.0.2',
  codecs: CODECS,
  unsupportedCodecs: {},

  async checkInstalled() {
    try {
      const result = await runProcess('kcat', ['-V'], { timeoutMs: 5000 })
      return result.exitCode === 0 ? undefined : `kcat -V failed: ${result.stderr}`
    } catch {
      return 'kcat is not installed: apt-get install -y kcat'
    }
  },

  async run(context: DriverContext) {
    const common = ['-b', context.bootstrap, '-X', 'socket.timeout.ms=5000', '-X', 'message.timeout.ms=10000']
    const listing = await runProcess('kcat', ['-L', ...common, '-X', `client.id=golden-${NAME}-metadata`], { timeoutMs: PROCESS_TIMEOUT_MS })
    if (listing.exitCode !== 0) throw new Error(`kcat -L exited ${listing.exitCode}: ${listing.stderr}`)

    for (const codec of CODECS) {
      const records = goldenRecords(NAME, codec)
      // kcat -H adds the same header to every record, which is what goldenRecords describes.
      const header = records[0]?.headers[0]
      const result = await runProcess('kcat', [
        '-P', ...common, '-t', context.topic, '-p', '0', '-z', codec, '-K', '\t',
        ...(header === undefined ? [] : ['-H', `${header[0]}=${header[1]}`]),
        '-X', `client.id=${producerClientId(NAME, codec)}`, '-X', 'linger.ms=100',
      ], { input: records.map((record) => `${record.key}\t${record.value}\n`).join(''), timeoutMs: PROCESS_TIMEOUT_MS })
      if (result.exitCode !== 0) throw new Error(`kcat -P -z ${codec} exited ${result.exitCode}: ${result.stderr}`)
    }

    const consumed = await runProcess('kcat', [
      '-C', ...common, '-t', context.topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%k\\t%s\\n',
      '-X', `client.id=golden-${NAME}-consumer`,
    ], { timeoutMs: PROCESS_TIMEOUT_MS })
    if (consumed.exitCode !== 0) throw new Error(`kcat -C exited ${consumed.exitCode}: ${consumed.stderr}`)
    const values = consumed.stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t')[1] ?? '')
    const expected = CODECS.flatMap((codec) => goldenRecords(NAME, codec).map((record) => record.value))
    if (JSON.stringify(values) !== JSON.stringify(expected)) {
      throw new Error(`kcat consumed ${JSON.stringify(values)}, expected ${JSON.stringify(expected)}`)
    }
  },
}
