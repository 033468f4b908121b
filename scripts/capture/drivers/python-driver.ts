// The two Python clients, run by Debian's /usr/bin/python3 as child processes with a JSON spec on
// stdin: confluent-kafka (librdkafka 2.0.2) and kafka-python 2.0.2. The scripts live beside this
// file's source (scripts/capture/*.py); they print {"consumed": [...], "notes": [...]}.
import { join } from 'node:path'
import { runProcess } from '../bounded.js'
import { CODECS, goldenRecords, producerClientId } from '../golden-records.js'
import { SCRIPTS_SOURCE_DIR } from '../paths.js'
import type { ClientDriver, DriverContext } from './driver.js'

const PYTHON = '/usr/bin/python3'
const PROCESS_TIMEOUT_MS = 90_000

interface PythonClient {
  readonly name: string
  readonly software: string
  readonly script: string
  readonly modules: readonly string[]
  readonly aptPackages: readonly string[]
}

function pythonDriver(client: PythonClient): ClientDriver {
  return {
    name: client.name,
    software: client.software,
    codecs: CODECS,
    unsupportedCodecs: {},

    async checkInstalled() {
      const install = `apt-get install -y ${client.aptPackages.join(' ')}`
      try {
        const result = await runProcess(PYTHON, ['-c', `import ${client.modules.join(', ')}`], { timeoutMs: 10_000 })
        return result.exitCode === 0 ? undefined : `${client.name}: ${result.stderr.trim().split('\n').at(-1) ?? 'import failed'}; install with: ${install}`
      } catch {
        return `${PYTHON} is missing; install with: apt-get install -y python3 && ${install}`
      }
    },

    async run(context: DriverContext) {
      const spec = {
        bootstrap: context.bootstrap,
        topic: context.topic,
        client: client.name,
        groupId: `golden-${client.name}`,
        batches: CODECS.map((codec) => ({ codec, clientId: producerClientId(client.name, codec), records: goldenRecords(client.name, codec) })),
      }
      const result = await runProcess(PYTHON, [join(SCRIPTS_SOURCE_DIR, 'capture', client.script)], { input: JSON.stringify(spec), timeoutMs: PROCESS_TIMEOUT_MS })
      if (result.exitCode !== 0) throw new Error(`${client.script} exited ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-8).join('\n')}`)
      const lastLine = result.stdout.trim().split('\n').at(-1) ?? ''
      const output = JSON.parse(lastLine) as { consumed: string[]; notes: string[] }
      context.notes.push(...output.notes)
      const expected = spec.batches.flatMap((batch) => batch.records.map((record) => record.value))
      if (JSON.stringify(output.consumed) !== JSON.stringify(expected)) {
        throw new Error(`${client.name} consumed ${JSON.stringify(output.consumed)}, expected ${JSON.stringify(expected)}`)
      }
    },
  }
}

export const confluentKafkaDriver = pythonDriver({
  name: 'confluent-kafka',
  software: 'confluent-kafka-python 1.7.0-4 (Debian bookworm), librdkafka 2.0.2',
  script: 'confluent-kafka-driver.py',
  modules: ['confluent_kafka'],
  aptPackages: ['python3-confluent-kafka'],
})

export const kafkaPythonDriver = pythonDriver({
  name: 'kafka-python',
  software: 'kafka-python 2.0.2-3 (Debian bookworm) with python3-snappy, python3-lz4, python3-zstandard',
  script: 'kafka-python-driver.py',
  modules: ['kafka', 'snappy', 'lz4.frame', 'zstandard'],
  aptPackages: ['python3-kafka', 'python3-snappy', 'python3-lz4', 'python3-zstandard'],
})
