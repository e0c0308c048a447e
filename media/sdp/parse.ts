// SDP parser (RFC 4566 §5). Line-oriented: `<type>=<value>`, a session section, then one section
// per m= line. Bad input comes back as { ok: false, error }; nothing here throws on any input.
import type {
  SdpAttribute,
  SdpBandwidth,
  SdpConnection,
  SdpError,
  SdpErrorCode,
  SdpMedia,
  SdpOrigin,
  SdpParseResult,
  SdpRtpMap,
  SdpTiming,
} from './types.js';

/** SIP bodies carrying SDP are a few kB; anything this big is not an offer we will anchor */
export const MAX_SDP_LENGTH = 65_536;

const decoder = new TextDecoder('utf-8');

class SdpSyntaxError {
  constructor(readonly error: SdpError) {}
}
const fail = (code: SdpErrorCode, detail: string): never => {
  throw new SdpSyntaxError({ code, detail });
};

const isUint = (s: string): boolean => /^[0-9]{1,10}$/.test(s);
const tokens = (value: string): string[] => value.split(' ').filter((t) => t !== '');

function origin(value: string): SdpOrigin {
  // RFC 4566 §5.2: o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
  const t = tokens(value);
  if (t.length !== 6) fail('bad-origin', `o= needs 6 fields, has ${t.length}`);
  const [username, sessionId, sessionVersion, netType, addrType, address] = t as [string, string, string, string, string, string];
  return { username, sessionId, sessionVersion, netType, addrType, address };
}

function connection(value: string): SdpConnection {
  // RFC 4566 §5.7: c=<nettype> <addrtype> <connection-address>; multicast IPv4 adds /<ttl>[/<n>], IPv6 /<n>
  const t = tokens(value);
  if (t.length !== 3) fail('bad-connection', `c= needs 3 fields, has ${t.length}`);
  const [netType, addrType, full] = t as [string, string, string];
  const parts = full.split('/');
  const address = parts[0]!;
  if (address === '' || parts.length > 3 || !parts.slice(1).every(isUint)) fail('bad-connection', `bad connection address ${full}`);
  const nums = parts.slice(1).map(Number);
  if (addrType === 'IP6') {
    if (nums.length > 1) fail('bad-connection', `IP6 takes one /<number of addresses>: ${full}`);
    return { netType, addrType, address, ...(nums[0] !== undefined ? { count: nums[0] } : {}) };
  }
  return { netType, addrType, address, ...(nums[0] !== undefined ? { ttl: nums[0] } : {}), ...(nums[1] !== undefined ? { count: nums[1] } : {}) };
}

function bandwidth(value: string): SdpBandwidth {
  // RFC 4566 §5.8: b=<bwtype>:<bandwidth>
  const colon = value.indexOf(':');
  const type = value.slice(0, colon);
  const amount = value.slice(colon + 1);
  if (colon <= 0 || !isUint(amount)) fail('bad-bandwidth', `b=${value}`);
  return { type, value: Number(amount) };
}

function attribute(value: string): SdpAttribute {
  // RFC 4566 §5.13: a=<attribute> or a=<attribute>:<value>
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (name === '' || /\s/.test(name)) fail('bad-attribute', `a=${value}`);
  return { name, value: colon < 0 ? null : value.slice(colon + 1) };
}

/** RFC 4566 §6 rtpmap; a malformed one is left out of the view (the attribute itself stays) */
export function parseRtpMap(value: string): SdpRtpMap | null {
  const m = /^([0-9]{1,3}) +([^/ ]+)\/([0-9]{1,10})(?:\/([0-9]{1,3}))? *$/.exec(value);
  if (m === null || Number(m[1]) > 127) return null;
  return { payloadType: Number(m[1]), encoding: m[2]!, clockRate: Number(m[3]), ...(m[4] !== undefined ? { channels: Number(m[4]) } : {}) };
}

interface MediaBuilder {
  type: string;
  port: number;
  portCount?: number;
  proto: string;
  formats: string[];
  information?: string;
  connection?: SdpConnection;
  bandwidths: SdpBandwidth[];
  key?: string;
  attributes: SdpAttribute[];
}

function media(value: string): MediaBuilder {
  // RFC 4566 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  const t = tokens(value);
  if (t.length < 4) fail('bad-media', `m= needs media, port, proto and at least one format: m=${value}`);
  const [type, portField, proto] = t as [string, string, string];
  const [port, count, extra] = portField.split('/');
  if (!isUint(port!) || Number(port) > 65535 || extra !== undefined || (count !== undefined && (!isUint(count) || Number(count) === 0))) {
    fail('bad-media', `bad port ${portField}`);
  }
  return {
    type,
    port: Number(port),
    ...(count !== undefined ? { portCount: Number(count) } : {}),
    proto,
    formats: t.slice(3),
    bandwidths: [],
    attributes: [],
  };
}

const SESSION_ONLY = new Set(['v', 'o', 's', 'u', 'e', 'p', 't', 'r', 'z']);
const KNOWN = new Set(['v', 'o', 's', 'i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'k', 'a', 'm']);

function parse(text: string): SdpParseResult {
  if (text.length > MAX_SDP_LENGTH) fail('too-large', `${text.length} characters`);
  // RFC 4566 §5: records end in CRLF, but parsers "SHOULD be tolerant and also accept records
  // terminated with a single newline character"; blank lines carry nothing and are skipped.
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l !== '');
  if (lines.length === 0) fail('empty', 'no SDP lines');
  let version: number | undefined;
  let o: SdpOrigin | undefined;
  let sessionName: string | undefined;
  const session = {
    emails: [] as string[],
    phones: [] as string[],
    bandwidths: [] as SdpBandwidth[],
    timing: [] as { start: string; stop: string; repeats: string[] }[],
    attributes: [] as SdpAttribute[],
  } as {
    information?: string;
    uri?: string;
    emails: string[];
    phones: string[];
    connection?: SdpConnection;
    bandwidths: SdpBandwidth[];
    timing: { start: string; stop: string; repeats: string[] }[];
    timeZones?: string;
    key?: string;
    attributes: SdpAttribute[];
  };
  const mediaList: MediaBuilder[] = [];
  for (const [index, line] of lines.entries()) {
    // RFC 4566 §5: "<type>=<value>", type exactly one case-significant character, no space around '='
    if (line.length < 2 || line[1] !== '=' || !/^[a-zA-Z]$/.test(line[0]!)) fail('bad-line', `line ${index + 1}: ${line.slice(0, 40)}`);
    const type = line[0]!;
    const value = line.slice(2);
    // RFC 4566 §5: "An SDP parser MUST completely ignore any session description that contains a
    // type letter that it does not understand."
    if (!KNOWN.has(type)) fail('unknown-type', `line ${index + 1}: ${type}=`);
    if (index === 0) {
      // RFC 4566 §5.1: v=0 comes first
      if (type !== 'v' || value !== '0') fail('bad-version', `first line must be v=0, is ${line.slice(0, 40)}`);
      version = 0;
      continue;
    }
    const current = mediaList[mediaList.length - 1];
    if (current !== undefined && SESSION_ONLY.has(type)) fail('misplaced-line', `line ${index + 1}: ${type}= inside a media section`);
    switch (type) {
      case 'v':
        fail('misplaced-line', `line ${index + 1}: a second v=`);
        break;
      case 'o':
        if (o !== undefined) fail('misplaced-line', `line ${index + 1}: a second o=`);
        o = origin(value);
        break;
      case 's':
        if (sessionName !== undefined) fail('misplaced-line', `line ${index + 1}: a second s=`);
        sessionName = value;
        break;
      case 'i':
        if (current) current.information = value;
        else session.information = value;
        break;
      case 'u':
        session.uri = value;
        break;
      case 'e':
        session.emails.push(value);
        break;
      case 'p':
        session.phones.push(value);
        break;
      case 'c':
        if (current) current.connection ??= connection(value);
        else if (session.connection !== undefined) fail('misplaced-line', `line ${index + 1}: a second session-level c=`);
        else session.connection = connection(value);
        break;
      case 'b':
        (current ?? session).bandwidths.push(bandwidth(value));
        break;
      case 't': {
        // RFC 4566 §5.9: t=<start-time> <stop-time>
        const t = tokens(value);
        if (t.length !== 2 || !/^[0-9]+$/.test(t[0]!) || !/^[0-9]+$/.test(t[1]!)) fail('bad-timing', `t=${value}`);
        session.timing.push({ start: t[0]!, stop: t[1]!, repeats: [] });
        break;
      }
      case 'r': {
        const last = session.timing[session.timing.length - 1];
        if (last === undefined) fail('misplaced-line', `line ${index + 1}: r= before t=`);
        else last.repeats.push(value);
        break;
      }
      case 'z':
        session.timeZones = value;
        break;
      case 'k':
        if (current) current.key = value;
        else session.key = value;
        break;
      case 'a':
        (current ?? session).attributes.push(attribute(value));
        break;
      case 'm':
        mediaList.push(media(value));
        break;
    }
  }
  if (o === undefined) fail('missing-origin', 'no o= line');
  if (sessionName === undefined) fail('missing-session-name', 'no s= line');
  // RFC 4566 §5.9 requires t=; some phones leave it out. RFC 3264 §5 wants "t=0 0" anyway.
  const timing: SdpTiming[] = session.timing.length > 0 ? session.timing : [{ start: '0', stop: '0', repeats: [] }];
  return {
    ok: true,
    value: {
      version: version ?? 0,
      origin: o!,
      sessionName: sessionName!,
      ...session,
      timing,
      media: mediaList.map(
        (m): SdpMedia => ({
          ...m,
          rtpmaps: m.attributes
            .filter((a) => a.name === 'rtpmap' && a.value !== null)
            .map((a) => parseRtpMap(a.value!))
            .filter((r): r is SdpRtpMap => r !== null),
        }),
      ),
    },
  };
}

/** Parses an SDP body (text or UTF-8 bytes). Never throws. */
export function parseSdp(input: string | Uint8Array): SdpParseResult {
  try {
    return parse(typeof input === 'string' ? input : decoder.decode(input));
  } catch (err) {
    if (err instanceof SdpSyntaxError) return { ok: false, error: err.error };
    // not reachable by design; kept as a value so a parser bug cannot take the caller down
    return { ok: false, error: { code: 'bad-line', detail: `parser fault: ${String(err)}` } };
  }
}
