// Our Contact (RFC 3261 §8.1.1.8 / §12.1.1): the listening point of the transport a leg uses, so
// in-dialog requests reach the port we listen on, with a transport parameter for non-UDP flows.
import type { Flow, ListeningPoint, SendTarget } from '../sip/index.js';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

export function hostFor(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

export function contactFor(options: {
  readonly user: string;
  readonly flow: Flow | SendTarget;
  readonly listening: readonly ListeningPoint[];
  readonly publicAddress: string;
}): string {
  const { flow } = options;
  const point = options.listening.find((l) => l.protocol === flow.protocol);
  let host = point?.address ?? options.publicAddress;
  if (WILDCARD.has(host)) host = 'local' in flow && !WILDCARD.has(flow.local.address) ? flow.local.address : options.publicAddress;
  const port = point?.port ?? ('local' in flow ? flow.local.port : 5060);
  const transport = flow.protocol === 'udp' ? '' : `;transport=${flow.protocol === 'wss' ? 'wss' : flow.protocol}`;
  // sip: with transport=tls rather than sips: (RFC 5630 §3.1.3 discourages it, but desk phones expect it)
  return `<sip:${options.user}@${hostFor(host)}:${port}${transport}>`;
}
