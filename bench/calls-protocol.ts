// What bench/calls.ts and its two generator processes say to each other over the IPC channel: the
// arguments each generator starts with, the commands it takes and the figures it reports.
import type { DigestAlgorithm, percentiles } from './calls-sip.js';

export interface LoadArgs {
  /** where INVITEs go: Hailing, or in self mode the UAS's sockets (callee i → targets[i % n]) */
  targets: { host: string; port: number }[];
  domain: string;
  firstCaller: number;
  callers: number;
  firstCallee: number;
  callees: number;
  passwordPrefix: string;
  sources: number;
  algorithm: DigestAlgorithm;
  timeoutMs: number;
}

export interface RunCommand {
  type: 'run';
  rate: number;
  durationS: number;
  holdMinMs: number;
  holdMaxMs: number;
  arrival: 'uniform' | 'poisson';
}

export type Summary = ReturnType<typeof percentiles>;
export interface RunResult {
  attempted: number;
  completed: number;
  failed: number;
  failures: Record<string, number>;
  /** 200 OKs per second, from the first INVITE to the last 200 */
  setupPerSecond: number;
  seconds: number;
  /** from the authenticated INVITE (the one the call is placed with) */
  inviteTo180: Summary;
  inviteTo200: Summary;
  /** from the first, unauthenticated INVITE: includes the 407 round */
  firstInviteTo180: Summary;
  firstInviteTo200: Summary;
  byeTo200: Summary;
  inviteRetransmissions: number;
  no180: number;
  /** 180s that came after the call's 200 (reordered on the way) */
  late180: number;
  loadCpuSeconds: number;
  /** the caller process's own event-loop delay: how much of a latency figure may be the generator's */
  loopDelayP99Ms: number;
}

export interface UasArgs {
  /** Hailing's SIP address; absent in self mode */
  server?: { host: string; port: number };
  domain: string;
  firstCallee: number;
  callees: number;
  passwordPrefix: string;
  sources: number;
  algorithm: DigestAlgorithm;
  /** ms between 180 and 200 */
  ringMs: number;
  trying: boolean;
  /** self mode: the callers this UAS authenticates, as the server would */
  selfAuth?: { realm: string };
}

export interface UasStats {
  invites: number;
  inviteRetransmissions: number;
  answered: number;
  acks: number;
  byes: number;
  cancels: number;
  okRetransmissions: number;
  noAck: number;
  unknownDialog: number;
  rejected: Record<string, number>;
  cpuSeconds: number;
}
