// RFC 3261 §22 digest authentication of a request at the registrar (UAS side, 401/WWW-Authenticate).
// Every path that is not a success ends in the same-shaped 401 with a fresh challenge, whether the
// user exists or not, so a scan learns nothing about which extensions exist.
import { readDigestIdentity, type DigestAuthenticator, type VerifyFailureReason } from '../sip/auth/digest.js';
import type { Logger } from '../sip/logger.js';
import { getHeader } from '../sip/message/headers.js';
import type { IncomingRequest } from '../sip/stack/types.js';
import type { CredentialLookup } from './ports.js';
import { challengeReply } from './responses.js';

export interface AuthenticateOptions {
  readonly request: IncomingRequest;
  readonly authenticator: DigestAuthenticator;
  readonly credentials: CredentialLookup;
  readonly logger: Logger;
  readonly onFailure?: (source: string, reason: string) => void;
  readonly onSuccess?: (source: string) => void;
}

export type AuthOutcome = { readonly ok: true; readonly username: string } | { readonly ok: false };

/**
 * Failures that say nothing about the password are not counted towards a ban: a nonce from before
 * a restart or past its lifetime, or a client reusing a nonce-count (some phones do), is simply
 * re-challenged. Guessing passwords always ends in 'mismatch', which is counted.
 */
const NOT_COUNTED: ReadonlySet<VerifyFailureReason> = new Set(['stale', 'bad-nonce', 'replay']);

export async function authenticate(options: AuthenticateOptions): Promise<AuthOutcome> {
  const { request, authenticator } = options;
  const msg = request.message;
  const source = request.source.address;
  const userAgent = getHeader(msg, 'User-Agent');
  // RFC 3261 §22.4 / §20.7: Authorization values contain commas, so read whole header lines, and
  // pick the one for our realm (a request may carry credentials for several realms).
  let authorization: string | undefined;
  let username: string | undefined;
  for (const h of msg.headers) {
    if (h.name.toLowerCase() !== 'authorization') continue;
    const identity = readDigestIdentity(h.value);
    if (identity?.realm === authenticator.realm) {
      authorization = h.value;
      username = identity.username;
      break;
    }
  }
  if (authorization === undefined || username === undefined) {
    // RFC 3261 §22.1: no credentials for our realm → challenge (a normal first REGISTER, not a failure)
    request.reply(challengeReply(authenticator.challenge({ userAgent })));
    return { ok: false };
  }
  const credentials = await options.credentials.find(username);
  const result = authenticator.verify({ method: msg.method, authorization, credentials });
  if (result.ok) {
    options.onSuccess?.(source);
    return { ok: true, username: result.username };
  }
  if (!NOT_COUNTED.has(result.reason)) options.onFailure?.(source, result.reason);
  options.logger.info({ source, username, reason: result.reason }, 'digest authentication failed');
  // RFC 7616 §3.3: stale=true tells the client to retry with the new nonce without asking the user
  request.reply(challengeReply(authenticator.challenge({ stale: result.reason === 'stale', userAgent })));
  return { ok: false };
}
