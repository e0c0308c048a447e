// Whether a digest response's `uri` names the resource of the request it came with. RFC 2617
// §3.2.2.5 (kept by RFC 7616 §3.4.6): "the server SHOULD check that the URI in the request line
// and the URI in the digest-uri ... identify the same resource"; a response computed for another
// resource is answered 400, since it was not made for this request. SIP clients differ in what they
// put there: phones copy the Request-URI, SIPp writes sip:host:port of the target without the user.
// As Kamailio's auth does, a uri naming the same target is accepted: same host and port (RFC 3261
// §19.1.4 defaults applied) and, where the uri has a user, the same user. A host the server calls
// its own (its domain, an alias, the address the request arrived at) is the same target too, so a
// Request-URI rewritten by a proxy in front still matches.
import { parseUri } from '../message/uri.js';
import type { SipUri } from '../message/types.js';
import type { ReplyOptions } from '../stack/types.js';

/** RFC 2617 §3.2.2.5: "If they do not match, the server SHOULD return a 400 Bad Request error." */
export const URI_MISMATCH_REPLY: ReplyOptions = {
  status: 400,
  reason: 'Bad Request',
  headers: [{ name: 'Warning', value: '399 hailing "digest uri does not match the Request-URI"' }],
};

export interface DigestUriCheck {
  /** the digest response's uri parameter */
  readonly digestUri: string;
  /** the request line's Request-URI */
  readonly requestUri: string;
  /** hosts this server answers for, as well as the Request-URI's */
  readonly isOwnHost?: (host: string) => boolean;
}

const sipUri = (text: string): SipUri | undefined => {
  const parsed = parseUri(text.trim());
  if (!parsed.ok || (parsed.value.scheme !== 'sip' && parsed.value.scheme !== 'sips')) return undefined;
  return parsed.value as SipUri;
};

/** RFC 3261 §19.1.2: 5061 for sips:, else 5060 */
const portOf = (uri: SipUri): number => uri.port ?? (uri.scheme === 'sips' ? 5061 : 5060);

const bare = (host: string): string => host.toLowerCase().replace(/^\[(.*)\]$/, '$1');

export function digestUriNamesTarget(check: DigestUriCheck): boolean {
  if (check.digestUri === check.requestUri) return true;
  const digest = sipUri(check.digestUri);
  const request = sipUri(check.requestUri);
  if (digest === undefined || request === undefined) return false;
  if (digest.user !== undefined && digest.user !== request.user) return false;
  if (bare(digest.host) === bare(request.host)) return portOf(digest) === portOf(request);
  return check.isOwnHost?.(bare(digest.host)) === true;
}
