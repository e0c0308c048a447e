// SDP writer: the RFC 4566 §5 line order, CRLF line ends. `rtpmaps` is a read-only view; the
// attributes are what gets written.
import type { SdpAttribute, SdpBandwidth, SdpConnection, SessionDescription } from './types.js';

export function connectionLine(c: SdpConnection): string {
  let address = c.address;
  if (c.addrType === 'IP6') {
    if (c.count !== undefined) address += `/${c.count}`;
  } else {
    if (c.ttl !== undefined) address += `/${c.ttl}`;
    if (c.count !== undefined) address += `/${c.count}`;
  }
  return `c=${c.netType} ${c.addrType} ${address}`;
}

const bandwidthLines = (list: readonly SdpBandwidth[]): string[] => list.map((b) => `b=${b.type}:${b.value}`);
const attributeLines = (list: readonly SdpAttribute[]): string[] => list.map((a) => (a.value === null ? `a=${a.name}` : `a=${a.name}:${a.value}`));

export function serializeSdp(sdp: SessionDescription): string {
  const o = sdp.origin;
  const lines = [`v=${sdp.version}`, `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`, `s=${sdp.sessionName}`];
  if (sdp.information !== undefined) lines.push(`i=${sdp.information}`);
  if (sdp.uri !== undefined) lines.push(`u=${sdp.uri}`);
  for (const e of sdp.emails) lines.push(`e=${e}`);
  for (const p of sdp.phones) lines.push(`p=${p}`);
  if (sdp.connection) lines.push(connectionLine(sdp.connection));
  lines.push(...bandwidthLines(sdp.bandwidths));
  const timing = sdp.timing.length > 0 ? sdp.timing : [{ start: '0', stop: '0', repeats: [] }];
  for (const t of timing) {
    lines.push(`t=${t.start} ${t.stop}`);
    for (const r of t.repeats) lines.push(`r=${r}`);
  }
  if (sdp.timeZones !== undefined) lines.push(`z=${sdp.timeZones}`);
  if (sdp.key !== undefined) lines.push(`k=${sdp.key}`);
  lines.push(...attributeLines(sdp.attributes));
  for (const m of sdp.media) {
    const port = m.portCount !== undefined ? `${m.port}/${m.portCount}` : `${m.port}`;
    lines.push(`m=${m.type} ${port} ${m.proto} ${m.formats.join(' ')}`);
    if (m.information !== undefined) lines.push(`i=${m.information}`);
    if (m.connection) lines.push(connectionLine(m.connection));
    lines.push(...bandwidthLines(m.bandwidths));
    if (m.key !== undefined) lines.push(`k=${m.key}`);
    lines.push(...attributeLines(m.attributes));
  }
  return lines.join('\r\n') + '\r\n';
}
