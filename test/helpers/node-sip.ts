// node-sip (npm `sip`, an independent SIP implementation) as the test UAs load it: the shape of its
// parsed messages and the few stack functions they use. node-sip ships no types; these name only
// what the helpers read and write.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** node-sip's message object: parsed headers by lower-case name */
export interface Aor {
  name?: string;
  uri: string | Record<string, unknown>;
  params: Record<string, string | null | undefined>;
}
export interface Via {
  version?: string;
  protocol?: string;
  host?: string;
  port?: number;
  params: Record<string, string | null | undefined>;
}
export interface SipMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  version?: string;
  headers: {
    via?: Via[];
    to?: Aor;
    from?: Aor;
    'call-id'?: string;
    cseq?: { method: string; seq: number };
    contact?: Aor[];
    route?: Aor[];
    'record-route'?: Aor[];
    [name: string]: unknown;
  };
  content?: string;
}
export interface SipStack {
  send(m: SipMessage, onResponse?: (rs: SipMessage) => void): void;
  destroy(): void;
}

const require = createRequire(import.meta.url);
export const sip = require('sip') as {
  create(options: Record<string, unknown>, onRequest: (rq: SipMessage) => void): SipStack;
  makeResponse(rq: SipMessage, status: number, reason: string): SipMessage;
  stringifyUri(uri: unknown): string;
  /** undefined when the text is not a SIP URI node-sip understands */
  parseUri(text: string): { user?: string; host: string; params: Record<string, string | null>; headers: Record<string, string> } | undefined;
};

export const uriText = (u: Aor['uri']): string => (typeof u === 'string' ? u : sip.stringifyUri(u));

/** a random token for tags, Call-IDs and cnonces */
export const randomToken = (): string => randomBytes(6).toString('hex');
