// /api/v1/setup: what a new administrator needs in the first five minutes. The SIP domain and the
// public address are read at start from the environment (the digest hashes of every extension depend
// on the domain, so they are not changed at run time): the answer shows them with the variable to
// set. The reachability check, the first extensions with passwords shown once, and the flag that
// says the setup was completed or dismissed (a row of the settings table, so it survives restarts).
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress } from '../http-errors.js';
import { SetupComplete, SetupExtensions } from '../schemas-setup.js';

const SETTING = 'setup.completed';
/** who may run the setup: it creates extensions */
const SETUP_PERMISSION = 'extensions.write';

interface Done {
  readonly at: number;
  readonly by: string;
  readonly outcome: 'completed' | 'dismissed';
}

async function done(deps: ApiDeps): Promise<Done | null> {
  const raw = await deps.repositories.userSecurity.setting(SETTING);
  return raw === undefined ? null : (JSON.parse(raw) as Done);
}

/** the console opens the setup screen after sign-in while this is true */
export async function setupPending(deps: ApiDeps, permissions: ReadonlySet<string> | readonly string[]): Promise<boolean> {
  const may = Array.isArray(permissions) ? permissions.includes(SETUP_PERMISSION) : (permissions as ReadonlySet<string>).has(SETUP_PERMISSION);
  return may && deps.setup !== undefined && (await done(deps)) === null;
}

/** `count` numbers up from `start`, keeping its width (0100 → 0101) */
function numbersFrom(start: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (BigInt(start) + BigInt(i)).toString().padStart(start.length, '0'));
}

export function mountSetupRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const served = deps.setup;
  const absent = (c: Context<ApiEnv>) => jsonError(c, 404, { error: 'not found', reason: 'this server has no first-run setup (no SIP side)' });
  // mounted either way, so the routes exist for the role matrix; without a SIP side they answer 404
  const session = requireSession(deps);
  const setup = served ?? { sipDomain: '', publicAddress: '', listening: () => [], reach: () => Promise.reject(new Error('no setup')) };
  const audit = (c: Context<ApiEnv>, action: string, detail: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, target: 'setup', ...(source !== undefined ? { source } : {}), detail });
  };
  const state = async () => {
    const d = await done(deps);
    return {
      completed: d !== null,
      completedAt: d === null ? null : new Date(d.at).toISOString(),
      completedBy: d?.by ?? null,
      outcome: d?.outcome ?? null,
      sipDomain: setup.sipDomain,
      publicAddress: setup.publicAddress,
      listening: setup.listening().map((l) => ({ protocol: l.protocol, port: l.port })),
      settings: [
        { name: 'HAILING_SIP_DOMAIN', value: setup.sipDomain, description: 'SIP domain and digest realm (default: the public address); changing it later means setting every extension password again' },
        { name: 'HAILING_PUBLIC_ADDRESS', value: setup.publicAddress, description: 'the address phones and carriers reach this server at' },
        { name: 'HAILING_SIP_UDP_PORT', value: String(setup.listening().find((l) => l.protocol === 'udp')?.port ?? ''), description: 'SIP over UDP (and HAILING_SIP_TCP_PORT, HAILING_SIP_TLS_PORT, HAILING_SIP_WS_PORT)' },
      ],
      extensions: (await deps.repositories.extensions.list({ limit: 1, offset: 0 })).total,
    };
  };

  app.get('/api/v1/setup', session, async (c) => (served === undefined ? absent(c) : c.json(await state())));

  app.post('/api/v1/setup/reachability', session, async (c) => {
    if (served === undefined) return absent(c);
    const r = await setup.reach();
    audit(c, 'first-run.reachability', { target: r.target, reached: r.reached });
    return c.json(r);
  });

  app.post('/api/v1/setup/extensions', session, async (c) => {
    const body = await readBody(c, SetupExtensions);
    if (!body.ok) return body.response;
    if (served === undefined) return absent(c);
    const numbers = numbersFrom(body.value.start, body.value.count);
    const last = numbers.at(-1)!;
    if (last.length > 15) return jsonError(c, 400, { error: 'validation failed', reason: `the last number ${last} would be longer than 15 digits`, field: 'count' });
    for (const number of numbers) {
      if (await deps.repositories.extensions.get(number)) return jsonError(c, 409, { error: 'extension exists', reason: `extension ${number} exists: choose another starting number or a smaller count`, field: 'start' });
    }
    const items: { number: string; password: string }[] = [];
    for (const number of numbers) {
      // 96 random bits; shown once here, kept only as digest hashes (HA1) by the repository
      const password = randomBytes(12).toString('base64url');
      const created = await deps.repositories.extensions.create({ number, password, realm: deps.realm, displayName: null });
      if (!created) return jsonError(c, 409, { error: 'extension exists', reason: `extension ${number} was created meanwhile; ${items.length} of the range were made`, field: 'start' });
      items.push({ number, password });
    }
    audit(c, 'first-run.extensions', { numbers: numbers.join(',') });
    return c.json({ items }, 201);
  });

  app.post('/api/v1/setup/complete', session, async (c) => {
    const body = await readBody(c, SetupComplete);
    if (!body.ok) return body.response;
    if (served === undefined) return absent(c);
    const by = c.get('auth').user.username;
    const value: Done = { at: (deps.now ?? Date.now)(), by, outcome: body.value.outcome };
    await deps.repositories.userSecurity.setSetting(SETTING, JSON.stringify(value), by);
    audit(c, `first-run.${body.value.outcome}`, {});
    return c.json(await state());
  });
}
