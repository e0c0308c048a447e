// Connects the endpoints of two different calls (an attended transfer joins the party left in
// each). The engine relays only between endpoints on one worker, and each call's group was placed
// on a worker of its own choosing: when the two differ, a pair of loopback endpoints, one in each
// group, carries the media between the workers (each relays to its own party, and the two send
// RTP to each other's port on the media address). Those carry packets as they are: no format is
// set on them, so the engine passes the codec through rather than transcoding across workers.
import { MediaError } from '../../media/index.js';
import type { EndpointHandle, MediaEngine } from '../../media/index.js';

export interface JoinedMedia {
  /** the endpoints made for the join (none when both parties share a worker) */
  readonly hops: readonly EndpointHandle[];
  /** stops relaying and closes the hops (idempotent) */
  close(): Promise<void>;
}

export async function joinEndpoints(o: { readonly engine: Pick<MediaEngine, 'createEndpoint'>; readonly address: string; readonly a: EndpointHandle; readonly b: EndpointHandle }): Promise<JoinedMedia> {
  const { a, b } = o;
  try {
    a.connect(b);
    return { hops: [], close: async () => a.disconnect() };
  } catch (err) {
    if (!(err instanceof MediaError) || err.code !== 'not-same-group') throw err;
  }
  const sources = [o.address];
  const hopA = await o.engine.createEndpoint({ group: a.group, sources });
  const hopB = await o.engine.createEndpoint({ group: b.group, sources }).catch(async (err: unknown) => {
    await hopA.close();
    throw err;
  });
  hopA.setRemote({ address: o.address, rtpPort: hopB.rtpPort, rtcpPort: hopB.rtcpPort });
  hopB.setRemote({ address: o.address, rtpPort: hopA.rtpPort, rtcpPort: hopA.rtcpPort });
  a.connect(hopA);
  b.connect(hopB);
  let closed: Promise<void> | undefined;
  return {
    hops: [hopA, hopB],
    close: () =>
      (closed ??= (async () => {
        a.disconnect();
        b.disconnect();
        await Promise.all([hopA.close(), hopB.close()]).catch(() => undefined);
      })()),
  };
}
