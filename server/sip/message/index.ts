// Public API of the sans-IO SIP message layer.
export * from './types.js';
export { parseMessage } from './parser.js';
export { serializeMessage } from './serializer.js';
export { parseUri, formatUri, uriEquals, aorOf, unescapePercent, isValidHost } from './uri.js';
export {
  getHeader,
  getHeaderLines,
  getHeaderValues,
  getVias,
  parseVia,
  parseNameAddr,
  parseCSeq,
  parseContacts,
  getExpires,
  getMaxForwards,
  parseAuthParams,
} from './headers.js';
export type { AuthParams } from './headers.js';
export {
  createResponse,
  createRequest,
  withHeaders,
  reasonPhrase,
  newBranch,
  newTag,
  newCallId,
} from './build.js';
export type { CreateResponseOptions, CreateRequestOptions, HeaderEdits, HeaderInput, BodyInput } from './build.js';
export { StreamFramer } from './framer.js';
export type { FramerEvent } from './framer.js';
export { canonicalHeaderName } from './names.js';
export { splitTopLevel } from './lexer.js';
