// The bottom of the listener chain (CONVENTIONS.md §2): what the core answers when no handler
// took a request.
import type { CoreContext } from './context.js';
import type { ReplyOptions } from './types.js';

/** Methods this stack recognises (RFC 3261 plus the extensions a call center meets). */
const KNOWN_METHODS = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', // RFC 3261
  'PRACK', // RFC 3262
  'SUBSCRIBE', 'NOTIFY', // RFC 6665
  'PUBLISH', // RFC 3903
  'INFO', // RFC 6086
  'REFER', // RFC 3515
  'MESSAGE', // RFC 3428
  'UPDATE', // RFC 3311
]);

/**
 * The default answer, or undefined for ACK (absorbed: RFC 3261 §17 gives ACK no response).
 *
 * Choice: a method we recognise but nobody handled gets 405 with Allow (RFC 3261 §8.2.1: "If the
 * UAS recognizes but does not support the method of a request, it MUST generate a 405"); any other
 * method gets 501 (RFC 3261 §21.5.2). An in-dialog request (To-tag present) that no dialog took
 * gets 481 (RFC 3261 §12.2.2).
 */
export function defaultReply(ctx: Pick<CoreContext, 'allow' | 'supported' | 'accept'>, method: string, hasToTag: boolean): ReplyOptions | undefined {
  if (method === 'ACK') return undefined;
  const allow = { name: 'Allow', value: ctx.allow.join(', ') };
  if (hasToTag) return { status: 481 };
  if (method === 'OPTIONS') {
    // RFC 3261 §11.2: Allow, Accept, Accept-Encoding, Accept-Language and Supported SHOULD be present.
    const headers = [allow, { name: 'Accept', value: ctx.accept.join(', ') }, { name: 'Accept-Encoding', value: 'identity' }, { name: 'Accept-Language', value: 'en' }];
    if (ctx.supported.length > 0) headers.push({ name: 'Supported', value: ctx.supported.join(', ') });
    return { status: 200, headers };
  }
  if (KNOWN_METHODS.has(method)) return { status: 405, headers: [allow] };
  return { status: 501 };
}
