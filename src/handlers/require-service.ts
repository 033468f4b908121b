// A handler whose node lacks a service it needs is a wiring bug, not a client's doing: it throws,
// and the dispatcher answers UNKNOWN_SERVER_ERROR and logs the stack.
import { SluiceError } from '../errors.js'

export function requireService<T>(service: T | undefined, name: string): T {
  if (service === undefined) throw new SluiceError('ERR_SERVICE_MISSING', `the handler needs BrokerServices.${name}, which this node does not provide`)
  return service
}
