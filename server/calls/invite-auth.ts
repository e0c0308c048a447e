// RFC 3261 §22.3: a proxy-like server authenticates an INVITE with 407 and Proxy-Authenticate; the
// same digest rules as REGISTER (RFC 7616/8760, qop=auth, nonce lifetime, nc replay). Every
// failure, for known and unknown users alike, is a fresh 407, so nothing tells them apart.
import { NOT_A_GUESS, URI_MISMATCH_REPLY, getHeader, getHeaderLines, parseNameAddr, parseUri, readDigestIdentity } from '../sip/index.js';
import type { DigestAuthenticator, IncomingRequest, ReplyOptions, SipUri, TelUri, Uri } from '../sip/index.js';
import type { DigestCredentialSource } from './types.js';

export type InviteAuthOutcome =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly reply: ReplyOptions; readonly failure?: string; readonly username?: string };

function challenge(request: IncomingRequest, authenticator: DigestAuthenticator, stale: boolean): ReplyOptions {
  const values = authenticator.challenge({ stale, userAgent: getHeader(request.message, 'User-Agent') });
  return {
    status: 407,
    reason: 'Proxy Authentication Required',
    headers: values.map((value) => ({ name: 'Proxy-Authenticate', value })),
  };
}

/** The user part of a sip:/sips: URI, the number of a tel: URI. */
export function userOf(uri: Uri): string | undefined {
  if (uri.scheme === 'sip' || uri.scheme === 'sips') return (uri as SipUri).user;
  if (uri.scheme === 'tel') return (uri as TelUri).number;
  return undefined;
}

/** The From URI's user: an extension may only place calls as itself. */
export function fromUser(request: IncomingRequest): string | undefined {
  const from = parseNameAddr(getHeader(request.message, 'From') ?? '');
  if (!from.ok) return undefined;
  const uri = parseUri(from.value.uri);
  return uri.ok ? userOf(uri.value) : undefined;
}

export async function authenticateInvite(options: {
  readonly request: IncomingRequest;
  readonly authenticator: DigestAuthenticator;
  readonly credentials: DigestCredentialSource;
  /** the hosts the B2BUA answers for (the digest uri check, RFC 2617 §3.2.2.5) */
  readonly isOwnHost?: (host: string) => boolean;
}): Promise<InviteAuthOutcome> {
  const { request, authenticator } = options;
  // RFC 3261 §22.3: the credentials for our realm, among any a request carries for other proxies
  let authorization: string | undefined;
  let username: string | undefined;
  for (const line of getHeaderLines(request.message, 'Proxy-Authorization')) {
    const identity = readDigestIdentity(line);
    if (identity?.realm === authenticator.realm) {
      authorization = line;
      username = identity.username;
      break;
    }
  }
  if (authorization === undefined || username === undefined) return { ok: false, reply: challenge(request, authenticator, false) };
  const source = options.credentials;
  const cached = source.findCached?.(username);
  const credentials = cached === undefined ? await source.find(username) : (cached ?? undefined);
  const result = authenticator.verify({
    method: request.message.method,
    authorization,
    credentials,
    requestUri: request.message.uri,
    ...(options.isOwnHost ? { isOwnHost: options.isOwnHost } : {}),
  });
  // RFC 2617 §3.2.2.5: a response computed for another resource is a bad request, not a reason to challenge again
  // a failure answered from the cache waits for one store read, as an uncached lookup would (issue 18, finding 6)
  if (!result.ok && cached !== undefined) await source.recheck?.(username).catch(() => undefined);
  if (!result.ok && result.reason === 'uri-mismatch') {
    return { ok: false, reply: URI_MISMATCH_REPLY };
  }
  if (!result.ok) {
    return {
      ok: false,
      reply: challenge(request, authenticator, result.reason === 'stale'),
      username,
      ...(NOT_A_GUESS.has(result.reason) ? {} : { failure: result.reason }),
    };
  }
  // RFC 3261 §22.3 leaves the identity check to policy: ours is that the digest user is the caller
  if (fromUser(request) !== result.username) {
    return { ok: false, reply: { status: 403, reason: 'From Does Not Match Credentials' }, failure: 'identity-mismatch', username };
  }
  return { ok: true, username: result.username };
}
