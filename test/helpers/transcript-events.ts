// The transcript events (transcript.partial / .final / .keyword) a server publishes on its events
// WebSocket, collected for a test as they come.
import { WebSocket } from 'ws';
import type { HailingProcess } from './hailing-process.js';

export interface TranscriptEvent {
  type: 'transcript.partial' | 'transcript.final' | 'transcript.keyword';
  callId: string;
  /** a keyword hit's list */
  list?: string;
  leg: 'caller' | 'callee';
  startMs: number;
  endMs: number;
  text: string;
}

export async function watchTranscripts(server: HailingProcess): Promise<{ events: TranscriptEvent[]; close(): void }> {
  const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/api/v1/events`, { headers: { authorization: `Bearer ${await server.token()}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const events: TranscriptEvent[] = [];
  ws.on('message', (data: Buffer) => {
    const e = JSON.parse(data.toString('utf8')) as { type: string };
    if (e.type.startsWith('transcript.')) events.push(e as TranscriptEvent);
  });
  return { events, close: () => ws.close() };
}
