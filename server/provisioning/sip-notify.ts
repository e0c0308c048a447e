// What provisioning sends over SIP: the check-sync NOTIFY that makes a registered phone fetch its
// configuration again without a reboot (the Event package Yealink, Poly, Grandstream and Fanvil
// phones act on, as Asterisk's sip_notify does), and SIP PnP (RFC 6080): a phone's SUBSCRIBE for
// Event ua-profile is answered, for enrolled MACs only, by a NOTIFY whose application/url body is
// the device's token URL.
import { createRequest, newCallId, newTag } from '../sip/message/build.js';
import { getHeader } from '../sip/message/headers.js';
import { parseNameAddr } from '../sip/message/name-addr.js';
import type { SipRequest } from '../sip/message/types.js';
import type { IncomingRequest, RequestHandler, SipStack } from '../sip/stack/types.js';
import type { Flow } from '../sip/transport/types.js';
import { normalizeMac } from './families.js';

/** What check-sync needs of a registration (the registrar's Binding). */
export interface ContactBinding {
  readonly contact: string;
  readonly flow: Flow;
  readonly source: { readonly address: string };
  readonly userAgent?: string;
}

export function buildCheckSync(o: { contact: string; domain: string }): SipRequest {
  return createRequest({
    method: 'NOTIFY',
    uri: o.contact,
    headers: [
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:provisioning@${o.domain}>;tag=${newTag()}` },
      { name: 'To', value: `<${o.contact}>` },
      { name: 'Call-ID', value: newCallId() },
      { name: 'CSeq', value: '1 NOTIFY' },
      { name: 'Event', value: 'check-sync' },
      { name: 'Content-Length', value: '0' },
    ],
  });
}

/**
 * The contacts of the device among its extension's registrations: those from the address the
 * device last fetched its configuration from, or whose User-Agent names its MAC; when none match,
 * every contact of the extension (a softphone that does not know check-sync answers 489 and
 * nothing else happens).
 */
export function deviceContacts(o: { bindings: readonly ContactBinding[]; mac: string; lastSource: string | null }): ContactBinding[] {
  const macs = [o.mac, o.mac.match(/../g)?.join(':') ?? o.mac];
  const mine = o.bindings.filter((b) => b.source.address === o.lastSource || macs.some((m) => (b.userAgent ?? '').toLowerCase().includes(m)));
  return mine.length > 0 ? mine : [...o.bindings];
}

export async function sendCheckSync(o: { stack: Pick<SipStack, 'request'>; bindings: readonly ContactBinding[]; domain: string }): Promise<number[]> {
  return Promise.all(
    o.bindings.map((b) =>
      o.stack.request({ request: buildCheckSync({ contact: b.contact, domain: o.domain }), to: b.flow }).then(
        (r) => r.status,
        () => 0,
      ),
    ),
  );
}

/** RFC 6080 §5.1.1: the device names itself in the Request-URI/From user as "MAC:" + its MAC (often %3a-escaped). */
export function macOfPnpRequest(message: SipRequest): string | undefined {
  for (const text of [message.uri, getHeader(message, 'From') ?? '']) {
    const m = /mac:([0-9a-f]{2}(?:[:-]?[0-9a-f]{2}){5})/i.exec(text.replace(/%3a/gi, ':'));
    const mac = m ? normalizeMac(m[1] as string) : undefined;
    if (mac !== undefined) return mac;
  }
  return undefined;
}

export interface PnpOptions {
  readonly stack: Pick<SipStack, 'request'>;
  readonly domain: string;
  /** the device's token URL, or undefined when the MAC is not enrolled */
  readonly urlFor: (mac: string) => string | undefined;
  /** an unknown MAC asked (pending list and scan guard) */
  readonly unknown: (o: { mac: string; source: string; userAgent: string | null }) => void;
}

/** RFC 6080 §5.1: takes SUBSCRIBE requests for Event ua-profile; everything else passes on. */
export function pnpHandler(o: PnpOptions): RequestHandler {
  return (request: IncomingRequest) => {
    const msg = request.message;
    if (msg.method !== 'SUBSCRIBE') return false;
    const event = (getHeader(msg, 'Event') ?? '').split(';')[0]?.trim().toLowerCase();
    if (event !== 'ua-profile') return false;
    const mac = macOfPnpRequest(msg);
    const url = mac === undefined ? undefined : o.urlFor(mac);
    if (mac === undefined || url === undefined) {
      if (mac !== undefined) o.unknown({ mac, source: request.source.address, userAgent: getHeader(msg, 'User-Agent') ?? null });
      request.reply({ status: 404 });
      return true;
    }
    const toTag = request.toTag?.() ?? newTag();
    // RFC 6665 §4.2.1.1: the subscription is accepted; one NOTIFY carries the profile URL and ends it
    request.reply({ status: 200, toTag, headers: [{ name: 'Expires', value: '0' }] });
    void o.stack.request({ request: buildPnpNotify({ subscribe: msg, toTag, url }), to: request.flow }).catch(() => undefined);
    return true;
  };
}

function buildPnpNotify(o: { subscribe: SipRequest; toTag: string; url: string }): SipRequest {
  const msg = o.subscribe;
  const from = getHeader(msg, 'From') ?? '';
  const to = getHeader(msg, 'To') ?? '';
  const contact = parseNameAddr(getHeader(msg, 'Contact') ?? '');
  const body = Buffer.from(o.url, 'utf8');
  return createRequest({
    method: 'NOTIFY',
    uri: contact.ok ? contact.value.uri : msg.uri,
    headers: [
      { name: 'Max-Forwards', value: '70' },
      // the dialog the SUBSCRIBE created: our To-tag on our side, the subscriber's From as the target
      { name: 'From', value: `${to.replace(/;\s*tag=[^;]*/i, '')};tag=${o.toTag}` },
      { name: 'To', value: from },
      { name: 'Call-ID', value: getHeader(msg, 'Call-ID') ?? newCallId() },
      { name: 'CSeq', value: '1 NOTIFY' },
      { name: 'Event', value: getHeader(msg, 'Event') ?? 'ua-profile' },
      { name: 'Subscription-State', value: 'terminated;reason=timeout' },
      { name: 'Content-Type', value: 'application/url' },
      { name: 'Content-Length', value: String(body.byteLength) },
    ],
    body,
  });
}
