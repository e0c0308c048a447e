// RFC 3261 §22 digest authentication of a request at the registrar (UAS side, 401/WWW-Authenticate).
// Every path that is not a success ends in the same-shaped 401 with a fresh challenge, whether the
// user exists or not, so a scan learns nothing about which extensions exist.
import { URI_MISMATCH_REPLY } from '../sip/auth/digest-uri.js';
import { NOT_A_GUESS, readDigestCredentials, type DigestAuthenticator } from '../sip/auth/digest.js';
import type { DigestChallengeResponse } from '../sip/auth/digest-params.js';
import type { Logger } from '../sip/logger.js';
import { getHeader } from '../sip/message/headers.js';
import type { SipHeader, SipMessage } from '../sip/message/types.js';
import type { IncomingRequest, ReplyOptions } from '../sip/stack/types.js';
import type { AuthAttempt, DigestCredentials } from './ports.js';
import { challengeReply } from './responses.js';

export interface VerifyOptions {
  readonly request: IncomingRequest;
  readonly authenticator: DigestAuthenticator;
  readonly logger: Logger;
  /** what findOwnCredentials() found */
  readonly presented: PresentedCredentials;
  /** what the credential lookup returned for its username (undefined: no such user) */
  readonly credentials: DigestCredentials | undefined;
  /** the hosts the registrar answers for (the digest uri check, RFC 2617 §3.2.2.5) */
  readonly isOwnHost?: (host: string) => boolean;
  readonly onFailure?: (attempt: AuthAttempt) => void;
  /** sends a failure's reply, possibly later (the registrar evens out the time to a 401) */
  readonly deferReply?: (send: () => void) => void;
  readonly onSuccess?: (attempt: AuthAttempt) => void;
}

export interface PresentedCredentials {
  readonly authorization: string;
  readonly username: string;
  readonly parsed: DigestChallengeResponse;
}

export type AuthOutcome = { readonly ok: true; readonly username: string } | { readonly ok: false };

/**
 * RFC 3261 §22.4 / §20.7: the Authorization line for our realm and its username, if any. The values
 * contain commas, so whole header lines are read, and a request may carry credentials for several
 * realms.
 */
function findOwnCredentials(msg: SipMessage, realm: string): PresentedCredentials | undefined {
  const headers = msg.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as SipHeader;
    if (h.name.length !== 13 || h.name.toLowerCase() !== 'authorization') continue;
    const read = readDigestCredentials(h.value);
    if (read?.realm === realm) return { authorization: h.value, username: read.username, parsed: read.parsed };
  }
  return undefined;
}

/** The 401 with a fresh challenge; the same for every user, existing or not. */
export function challengeFor(msg: SipMessage, authenticator: DigestAuthenticator, stale: boolean): ReplyOptions {
  return challengeReply(challengeValues(msg, authenticator, stale));
}

/** The WWW-Authenticate values of a fresh challenge for this request's agent. */
export function challengeValues(msg: SipMessage, authenticator: DigestAuthenticator, stale: boolean): string[] {
  return authenticator.challenge({ stale, userAgent: getHeader(msg, 'User-Agent') });
}

/**
 * RFC 3261 §22.1: the credentials the request presents for our realm; when there are none, the
 * request is answered with a challenge (a normal first REGISTER, not a failure) and undefined returned.
 * The caller then looks the username up and hands both to verifyPresented(); the lookup is the one
 * step that may have to wait, so keeping it between two synchronous steps lets a cached lookup
 * complete the whole authentication without a promise.
 */
export function presentedCredentials(request: IncomingRequest, authenticator: DigestAuthenticator): PresentedCredentials | undefined {
  const own = findOwnCredentials(request.message, authenticator.realm);
  if (own === undefined) request.reply(challengeFor(request.message, authenticator, false));
  return own;
}

/** RFC 3261 §22.4: checks the presented response; every failure is answered with a fresh 401. */
export function verifyPresented(options: VerifyOptions): AuthOutcome {
  const { request, authenticator, presented, credentials } = options;
  const msg = request.message;
  const source = request.source.address;
  const { authorization, username, parsed } = presented;
  const result = authenticator.verify({
    method: msg.method,
    authorization,
    parsed,
    credentials,
    requestUri: msg.uri,
    ...(options.isOwnHost ? { isOwnHost: options.isOwnHost } : {}),
  });
  if (result.ok) {
    options.onSuccess?.({ source, username: result.username });
    return { ok: true, username: result.username };
  }
  if (!NOT_A_GUESS.has(result.reason)) options.onFailure?.({ source, username, reason: result.reason });
  options.logger.info({ source, username, reason: result.reason }, 'digest authentication failed');
  // RFC 2617 §3.2.2.5: credentials computed for another resource are a bad request, not a reason to challenge again
  // RFC 7616 §3.3: stale=true tells the client to retry with the new nonce without asking the user
  const reply = result.reason === 'uri-mismatch' ? URI_MISMATCH_REPLY : challengeFor(msg, authenticator, result.reason === 'stale');
  const send = (): void => request.reply(reply);
  if (options.deferReply) options.deferReply(send);
  else send();
  return { ok: false };
}
