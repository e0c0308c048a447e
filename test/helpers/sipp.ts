// SIPp (Debian's sip-tester 3.6.1) as an independent peer: scenarios written to a temporary folder,
// run bounded in calls and time, read back through SIPp's own statistics file and error log.
// Debian's SIPp knows only MD5 digest and aborts on a SHA-256 challenge offered first (RFC 8760
// §2.4 makes the UAC take the topmost it supports), so the Hailing it talks to must run with
// HAILING_DIGEST_ALGORITHMS=MD5 (or MD5 first): SIPP_HAILING_ENV is that setting.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

export const SIPP_HAILING_ENV = { HAILING_DIGEST_ALGORITHMS: 'MD5' } as const;

/**
 * REGISTER, 401, REGISTER with credentials, 200. SIPp 3.6 expands no [fieldN] inside
 * [authentication], so the injection file carries the whole keyword: see injectUser().
 */
const register = (cseq: number, credentials: string) => `  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: <sip:[field0]@[remote_ip]>;tag=[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: ${cseq} REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>${credentials}
Max-Forwards: 70
Expires: 3600
Content-Length: 0

]]></send>`;

export const REGISTER_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register with digest">
${register(1, '')}
  <recv response="401" auth="true"/>
${register(2, '\n[field1]')}
  <recv response="200"/>
</scenario>
`;

const SDP = `v=0
o=sipp 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;

const invite = (cseq: number, credentials: string) => `  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: <sip:[field0]@[remote_ip]>;tag=[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: ${cseq} INVITE
Contact: <sip:[field0]@[local_ip]:[local_port]>${credentials}
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>`;

/** ACK or BYE within the dialog the 200 set up (rrs="true" on its recv). */
const inDialog = (method: string, cseq: number, retrans: string) => `  <send${retrans}><![CDATA[
${method} [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: <sip:[field0]@[remote_ip]>;tag=[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: ${cseq} ${method}
[routes]
Max-Forwards: 70
Content-Length: 0

]]></send>`;

/**
 * An authenticated call as SIPp places it (-s names the callee): INVITE, 407, ACK, INVITE with
 * SIPp's own Proxy-Authorization (its digest uri is sip:host:port of the target, not the
 * Request-URI), 200, ACK, a second of call, BYE, 200.
 */
export const INVITE_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="authenticated call">
${invite(1, '')}
  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
From: <sip:[field0]@[remote_ip]>;tag=[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
${invite(2, '\n[field1]')}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
${inDialog('ACK', 2, '')}
  <pause milliseconds="1000"/>
${inDialog('BYE', 3, ' retrans="500"')}
  <recv response="200"/>
</scenario>
`;

/** A phone that answers one call: 180, 200 with SDP, then waits for ACK and BYE. */
export const ANSWER_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="answer">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv request="ACK" optional="true" rtd="true" crlf="true"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <pause milliseconds="500"/>
</scenario>
`;

/** An injection-file line for REGISTER_SCENARIO and INVITE scenarios: field0 the user, field1 its credentials. */
export function injectUser(user: string, password: string): string {
  return `${user};[authentication username=${user} password=${password}]`;
}

/** The final status lines (with ' stale=true' where the challenge said so) SIPp's error log shows, counted. */
export function unexpectedAnswers(errors: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const chunk of errors.split(/Aborting call on unexpected message/).slice(1)) {
    const status = /received 'SIP\/2\.0 (\d{3}[^\r\n]*)/.exec(chunk)?.[1];
    if (status === undefined) continue;
    const key = /stale=true/i.test(chunk) ? `${status} stale=true` : status;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export interface SippStats {
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  /** SIPp's own figure: calls completed per second over the run */
  readonly callRate: number;
  readonly elapsedSeconds: number;
}

export interface SippRun {
  readonly code: number | null;
  readonly stats: SippStats | undefined;
  /** SIPp's error log (unexpected messages, with the message itself) */
  readonly errors: string;
  readonly output: string;
  readonly dir: string;
}

export interface SippOptions {
  /** scenario XML text */
  readonly scenario: string;
  /** host:port of the server; none for a scenario that starts by receiving (a UAS) */
  readonly target?: string;
  /** injection file lines (without the SEQUENTIAL header) */
  readonly inject?: readonly string[];
  readonly calls: number;
  /** calls started per second */
  readonly rate: number;
  /** local address and port for SIPp's socket (default: a free port; SIPp's own default is 5060) */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** whole-run limit, s: SIPp stops itself then */
  readonly timeoutSeconds: number;
  /** further SIPp arguments */
  readonly args?: readonly string[];
}

function parseStats(file: string): SippStats | undefined {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0]?.split(';');
  const last = lines.at(-1)?.split(';');
  if (!header || !last || lines.length < 2) return undefined;
  const col = (name: string) => Number(last[header.indexOf(name)]);
  const elapsed = last[header.indexOf('ElapsedTime(C)')] ?? '0';
  const [h, m, s] = elapsed.split(/[:]/).map(Number);
  return {
    successful: col('SuccessfulCall(C)'),
    failed: col('FailedCall(C)'),
    retransmissions: col('Retransmissions(C)'),
    callRate: col('CallRate(C)'),
    elapsedSeconds: (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0),
  };
}

/** Runs SIPp to completion (bounded by `calls` and `timeoutSeconds`). */
export async function runSipp(options: SippOptions): Promise<SippRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hailing-sipp-'));
  const scenario = path.join(dir, 'scenario.xml');
  writeFileSync(scenario, options.scenario);
  const args = [...(options.target ? [options.target] : []), '-sf', scenario, '-m', String(options.calls), '-r', String(options.rate), '-rp', '1000'];
  if (options.inject) {
    const inf = path.join(dir, 'users.csv');
    writeFileSync(inf, ['SEQUENTIAL', ...options.inject].join('\n') + '\n');
    args.push('-inf', inf);
  }
  args.push('-i', options.localAddress ?? '127.0.0.1', '-p', String(options.localPort ?? (await freePort())));
  args.push('-timeout', `${options.timeoutSeconds}s`, '-timeout_error', '-nostdin');
  args.push('-trace_stat', '-stf', path.join(dir, 'stats.csv'), '-fd', '1', '-trace_err');
  args.push(...(options.args ?? []));
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  // a last guard should SIPp itself hang: its own -timeout plus a margin
  const guard = setTimeout(() => child.kill('SIGKILL'), (options.timeoutSeconds + 15) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(guard);
  const errFile = readdirSync(dir).find((f) => f.endsWith('_errors.log'));
  let stats: SippStats | undefined;
  try {
    stats = parseStats(path.join(dir, 'stats.csv'));
  } catch {
    stats = undefined;
  }
  return { code, stats, errors: errFile ? readFileSync(path.join(dir, errFile), 'utf8') : '', output, dir };
}
