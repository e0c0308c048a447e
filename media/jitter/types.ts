// Shapes of the jitter buffer's API.

/** pop(): silence (not started, rebuffering after an underrun, or a DTX gap); outSamples of it */
export const JITTER_EMPTY = 0;
/** pop(): a packet to decode is in out[0..outLength) and covers outSamples */
export const JITTER_PLAY = 1;
/** pop(): outSamples of a lost packet: conceal (PLC), or decode FEC from peekNext() */
export const JITTER_LOST = 2;
export type JitterResult = typeof JITTER_EMPTY | typeof JITTER_PLAY | typeof JITTER_LOST;

export interface JitterBufferOptions {
  /** RTP clock rate (8000 for G.711/G.722, 48000 for Opus, ...) */
  readonly clockRate: number;
  /** the caller's playout tick (ms): one pop per tick for packets of this length */
  readonly frameMs?: number;
  /** bounds of the adaptive playout delay (ms) */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** packets held at most (rounded up to a power of two) */
  readonly capacity?: number;
  /** largest payload accepted (bytes); larger ones are refused and counted as invalid */
  readonly maxPayload?: number;
  /** share of packets the delay target aims to have in time (default 0.95) */
  readonly percentile?: number;
}

/**
 * One received packet, described by the caller. The buffer copies the bytes and keeps nothing of
 * the object, so a worker reuses one per stream and allocates nothing per packet.
 */
export interface JitterPacket {
  ssrc: number;
  /** RTP sequence number (16 bits) */
  seq: number;
  /** RTP timestamp (32 bits) */
  timestamp: number;
  payload: Uint8Array;
  offset: number;
  length: number;
  /** local arrival time (ms, any monotonic origin) */
  arrivalMs: number;
  /** the payload's duration in clock units when the codec tells it (G.711: bytes; Opus: TOC), else 0 */
  samples: number;
}

export interface JitterStats {
  /** audio held ahead of the playout point at the last pop (ms) */
  readonly delayMs: number;
  /** the adaptive target (ms) */
  readonly targetMs: number;
  /** RFC 3550 A.8 interarrival jitter (ms) */
  readonly jitterMs: number;
  readonly packets: number;
  readonly played: number;
  /** arrived after their playout time (already played past, or concealed as lost) */
  readonly late: number;
  /** sequence numbers never played: skipped as lost (a packet that then arrives late is counted in both) */
  readonly lost: number;
  readonly duplicates: number;
  /** discarded to bound the buffer: capacity reached, or more than maxDelayMs held */
  readonly overflow: number;
  /** arrived with a lower sequence number than one already received */
  readonly reorders: number;
  /** pops that found nothing to play: playout stops and rebuffers to the target */
  readonly underruns: number;
  /** restarts: new SSRC, sequence or timestamp jump (RFC 3550 A.1) */
  readonly resyncs: number;
  /** refused: payload larger than maxPayload, bad offsets, or an unconfirmed sequence jump */
  readonly invalid: number;
  /** adaptation the caller reported: frames dropped (shrink) and inserted (grow) */
  readonly drops: number;
  readonly inserts: number;
}
