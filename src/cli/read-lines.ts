// The lines of a stream, read as they arrive: the stream is pulled (async iteration) only when the
// consumer asks for the next line, so a slow consumer holds back the reading rather than the whole
// input piling up in memory. Lines end at \n; a \r before it is dropped (Windows line ends).
import { StringDecoder } from 'node:string_decoder'

export async function* readLines(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk)
    let start = 0
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield withoutCarriageReturn(pending.slice(start, end))
      start = end + 1
    }
    pending = pending.slice(start)
  }
  pending += decoder.end()
  if (pending !== '') yield withoutCarriageReturn(pending)
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}
