// What our own SDP holds: werift's local description once gathering is complete (non-trickle, as
// SIP carries SDP), and the host candidates it advertises.
import type { RTCPeerConnection } from 'werift';

/** Resolves once werift has gathered every candidate, so the SDP it returns holds them all. */
export async function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const sub = pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') {
        sub.unSubscribe();
        resolve();
      }
    });
    if (pc.iceGatheringState === 'complete') {
      sub.unSubscribe();
      resolve();
    }
  });
}

/** "address:port" of each a=candidate line (RFC 8839 §5.1: foundation component transport priority address port typ ...). */
export function candidatesOf(sdp: string): string[] {
  const out: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (!line.startsWith('a=candidate:')) continue;
    const f = line.split(' ');
    if (f.length >= 6 && f[4] !== undefined && f[5] !== undefined) out.push(`${f[4]}:${f[5]}`);
  }
  return out;
}
