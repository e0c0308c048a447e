// baresip's -s SIP trace, parsed into the messages the phone sent and received, so a test can
// assert on what crossed the wire (e.g. a CANCEL reaching the callee, the SDP Hailing offered).

/** One SIP message from baresip's -s trace, sent or received by the phone. */
export interface TracedMessage {
  transport: string;
  src: string;
  dst: string;
  /** the request or status line, e.g. "CANCEL sip:1002@127.0.0.1 SIP/2.0" or "SIP/2.0 487 Request Terminated" */
  startLine: string;
  /** first value of a header (case-insensitive, full names only) */
  header(name: string): string | undefined;
  body: string;
}

// RFC 3261 §7.3.3 compact forms, so a header is found whichever form the peer used
const COMPACT: Record<string, string> = { 'call-id': 'i', from: 'f', to: 't', via: 'v', contact: 'm', 'content-type': 'c', 'content-length': 'l' };

// baresip -s prints each message as ESC[36;1m "#" NL "UDP 1.2.3.4:5 -> 6.7.8.9:10" NL message ESC[;m
export function parseTrace(out: string): TracedMessage[] {
  const found: TracedMessage[] = [];
  const re = /\x1b\[36;1m#\r?\n(\S+) (\S+) -> (\S+)\r?\n([\s\S]*?)\x1b\[;m/g;
  for (let m = re.exec(out); m; m = re.exec(out)) {
    const [, transport = '', src = '', dst = '', text = ''] = m;
    const split = text.search(/\r?\n\r?\n/);
    const head = (split < 0 ? text : text.slice(0, split)).split(/\r?\n/);
    const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
    const header = (name: string) => {
      const names = [name.toLowerCase(), COMPACT[name.toLowerCase()]].filter(Boolean);
      const line = head.slice(1).find((l) => names.includes(l.slice(0, l.indexOf(':')).trim().toLowerCase()));
      return line?.slice(line.indexOf(':') + 1).trim();
    };
    found.push({ transport, src, dst, startLine: head[0] ?? '', header, body });
  }
  return found;
}
