// A phone's request for a provisioning file, answered without sockets (http-server.ts adapts it).
// Secure by default: every file needs per-device credentials, either HTTP digest (RFC 7616,
// username = the MAC) or a token URL (/t/<token>/<file>). What a request without valid credentials
// learns is the same whether its MAC is enrolled or not: a 401 with a fresh challenge, computed the
// same way (an unknown username is verified against a dummy secret), from memory, with no store
// read on the way. A bad token, a file name no family asks for, or another device's file is a 404
// with the same body. Unknown MACs go to the pending list; many from one source trip the scan alert.
import type { DigestAuthenticator } from '../sip/auth/digest.js';
import { readDigestCredentials } from '../sip/auth/digest.js';
import type { Device, DeviceRegistry } from './devices.js';
import { FAMILIES, FAMILY_SPECS, fileFor, familyFromUserAgent, macInFileName, type Family, type TemplateFile } from './families.js';
import type { ScanGuard } from './scan-guard.js';
import { render, type VariableMap } from './variables.js';

export interface FetchRequest {
  readonly method: string;
  /** the request-target's path, as sent */
  readonly path: string;
  readonly authorization?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly source: string;
  /** scheme://host[:port] the phone used, for {{provisioning_url}} */
  readonly base: string;
}

export interface FetchResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
}

export interface FetchDeps {
  readonly devices: DeviceRegistry;
  readonly authenticator: DigestAuthenticator;
  readonly scans: ScanGuard;
  readonly allow: (source: string) => boolean;
  readonly template: (family: Family, file: TemplateFile) => string | undefined;
  readonly variables: (device: Device, provisioningUrl: string) => Promise<VariableMap>;
  readonly now: () => number;
  /** an unknown MAC asked for its file (not called for a source found scanning) */
  readonly pending: (o: { mac: string; family: Family | null; userAgent: string | null; source: string }) => void;
  /** a source crossed the scan threshold */
  readonly scanAlert: (o: { source: string; macs: number }) => void;
}

const NOT_FOUND: FetchResponse = { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found\n' };
const TOO_MANY: FetchResponse = { status: 429, headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '60' }, body: 'too many requests\n' };

const challenge = (deps: FetchDeps, userAgent: string | undefined): FetchResponse => ({
  status: 401,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': deps.authenticator.challenge({ userAgent }) },
  body: 'unauthorized\n',
});

/** A name some family asks for (a MAC file or a common file): only those are challenged. */
function isProvisioningName(name: string): boolean {
  return FAMILIES.some((f) => fileFor(f, name) !== undefined) || macInFileName(name) !== undefined;
}

export async function answerFetch(deps: FetchDeps, req: FetchRequest): Promise<FetchResponse> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return NOT_FOUND;
  if (!deps.allow(req.source)) return TOO_MANY;
  const tokenForm = /^\/t\/([A-Za-z0-9_-]{16,64})\/([^/]+)$/.exec(req.path);
  if (tokenForm) {
    const device = deps.devices.byToken(tokenForm[1] as string);
    if (device === undefined) return NOT_FOUND;
    return serve(deps, req, device, tokenForm[2] as string, `${req.base}/t/${tokenForm[1] as string}/`);
  }
  const plain = /^\/([^/]+)$/.exec(req.path);
  const name = plain?.[1];
  if (name === undefined || !isProvisioningName(name)) return NOT_FOUND;
  const inName = macInFileName(name);
  // the bookkeeping of an unknown MAC runs after the answer is on its way, so it adds nothing to the time to a 401
  if (inName !== undefined && deps.devices.byMac(inName.mac) === undefined) setImmediate(() => noteUnknown(deps, req, inName.mac, inName.family));

  const presented = req.authorization === undefined ? undefined : readDigestCredentials(req.authorization);
  if (presented === undefined || presented.realm !== deps.authenticator.realm) return challenge(deps, req.userAgent);
  const device = deps.devices.byMac(presented.username.toLowerCase());
  // RFC 7616 §3.4.6: the digest-uri names this request's target
  if (presented.parsed.params.get('uri') !== req.path) return challenge(deps, req.userAgent);
  const verdict = deps.authenticator.verify({ method: req.method, authorization: req.authorization as string, parsed: presented.parsed, credentials: device?.provisioning });
  if (!verdict.ok || device === undefined) return challenge(deps, req.userAgent);
  return serve(deps, req, device, name, `${req.base}/`);
}

function noteUnknown(deps: FetchDeps, req: FetchRequest, mac: string, family: Family | null): void {
  const verdict = deps.scans.unknownMac(req.source, mac);
  if (verdict === 'tripped') deps.scanAlert({ source: req.source, macs: deps.scans.count(req.source) });
  if (verdict === 'ok') deps.pending({ mac, family: family ?? familyFromUserAgent(req.userAgent), userAgent: req.userAgent ?? null, source: req.source });
}

async function serve(deps: FetchDeps, req: FetchRequest, device: Device, name: string, provisioningUrl: string): Promise<FetchResponse> {
  const family = device.row.family as Family;
  const file = fileFor(family, name);
  // another device's file, or one this family never asks for
  if (file === undefined || (file.mac !== undefined && file.mac !== device.row.mac)) return NOT_FOUND;
  const template = deps.template(family, file.file);
  if (template === undefined) return NOT_FOUND;
  deps.devices.seen(device, { at: deps.now(), source: req.source, userAgent: req.userAgent ?? null });
  const spec = FAMILY_SPECS[family];
  const body = render(template, await deps.variables(device, provisioningUrl), spec);
  return { status: 200, headers: { 'content-type': spec.contentType, 'cache-control': 'no-store' }, body: req.method === 'HEAD' ? '' : body };
}
