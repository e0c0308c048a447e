// /api/v1/extensions/{number}/mailbox and /api/v1/voicemail/messages: mailbox settings (PIN set or
// reset, never read back), the greetings (WAV uploads of each kind, sealed like a recording), and the messages
// (listed, downloaded decrypted, marked read, deleted). Messages are recordings of what callers
// said: admins and supervisors only, and every download and deletion is audited.
import { Readable } from 'node:stream';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { parseWav } from '../../../media/index.js';
import type { MailboxRow, VoicemailMessageRow } from '../../store/index.js';
import type { VoicemailService } from '../../voicemail/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireAdmin, requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { ExtensionParams } from '../schemas.js';
import { maskParties, seesUnmasked } from '../pii-access.js';
import { GreetingQuery, MailboxWrite, VoicemailMessageParams, VoicemailMessagePatch } from '../schemas-voicemail.js';

/** a greeting of up to about two minutes of 8 kHz 16-bit audio, or a minute at 16 kHz */
export const MAX_GREETING_BYTES = 2 * 1024 * 1024;
export const GREETING_PATH = '/api/v1/extensions/:number/mailbox/greeting';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function mailboxJson(vm: VoicemailService, row: MailboxRow) {
  const counts = vm.counts(row.number);
  return {
    number: row.number,
    enabled: row.enabled,
    hasPin: row.pinHash !== null,
    hasGreeting: row.greetingPath !== null,
    greetings: { unavailable: row.greetingPath !== null, busy: row.busyGreetingPath !== null, temporary: row.temporaryGreetingPath !== null },
    maxMessageS: row.maxMessageS,
    email: row.email,
    emailAttachAudio: row.emailAttachAudio,
    ...counts,
  };
}

// a message's caller is masked as call records are without pii.unmasked (pii-access.ts)
const messageJson = (m: VoicemailMessageRow) => ({
  id: m.id,
  mailbox: m.mailbox,
  caller: m.caller,
  callerName: m.callerName,
  callId: m.callId,
  createdAt: iso(m.createdAt)!,
  durationMs: m.durationMs,
  read: m.readAt !== null,
  readAt: iso(m.readAt),
});

const shown = <M extends { caller: string; callerName: string | null }>(c: Context<ApiEnv>, m: M): M => (seesUnmasked(c.get('auth')) ? m : maskParties(m));

function requireSupervisor(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const role = c.get('auth').user.role;
    if (role !== 'admin' && role !== 'supervisor') return jsonError(c, 403, { error: 'forbidden' });
    await next();
  };
}

function audit(deps: ApiDeps, c: Context<ApiEnv>, action: string, target: string, detail: Record<string, unknown> = {}): void {
  const source = remoteAddress(c);
  deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), detail });
}

export function mountVoicemailRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const vm = deps.voicemail;
  if (vm === undefined) return;
  const extensions = deps.repositories.extensions;
  const path = '/api/v1/extensions/:number/mailbox';

  app.get('/api/v1/voicemail/mailboxes', requireSession(deps), async (c) => c.json({ items: (await vm.mailboxes()).map((r) => mailboxJson(vm, r)) }));

  app.get(path, requireSession(deps), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const row = await vm.mailbox(params.value.number);
    return row ? c.json(mailboxJson(vm, row)) : jsonError(c, 404, { error: 'mailbox not found' });
  });

  app.put(path, requireSession(deps), requireAdmin(), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const number = params.value.number;
    if ((await extensions.get(number)) === undefined) return jsonError(c, 404, { error: 'extension not found' });
    const body = await readBody(c, MailboxWrite);
    if (!body.ok) return body.response;
    const row = await vm.saveMailbox(number, body.value);
    // the PIN is a credential: the audit says it changed, never what it is
    const { pin, ...rest } = body.value;
    audit(deps, c, 'voicemail.mailbox', number, { ...rest, ...(pin !== undefined ? { pinReset: true } : {}) });
    return c.json(mailboxJson(vm, row));
  });

  app.put(GREETING_PATH, bodyLimit({ maxSize: MAX_GREETING_BYTES, onError: (c) => c.json({ error: 'payload too large', reason: `a greeting is at most ${MAX_GREETING_BYTES} bytes` }, 413) }), requireSession(deps), requireAdmin(), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const number = params.value.number;
    // ?kind= names the greeting; without it, the unavailable one (the one greeting there once was)
    const query = validate(c, GreetingQuery, c.req.query());
    if (!query.ok) return query.response;
    const kind = query.value.kind;
    if ((await vm.mailbox(number)) === undefined) return jsonError(c, 404, { error: 'mailbox not found' });
    if (!/^audio\/(?:wav|x-wav|wave)\b/i.test(c.req.header('content-type') ?? '')) return jsonError(c, 415, { error: 'unsupported media type', reason: 'expected audio/wav' });
    const bytes = Buffer.from(await c.req.arrayBuffer());
    // only audio the player can play is kept: a WAV it parses (PCM, A-law, µ-law)
    const wav = parseWav(bytes);
    if (!wav.ok) return jsonError(c, 400, { error: 'not a playable WAV file', reason: `${wav.error.code}: ${wav.error.detail}` });
    const row = await vm.setGreeting(number, bytes, kind);
    audit(deps, c, 'voicemail.greeting', number, { kind, bytes: bytes.length });
    return c.json(mailboxJson(vm, row));
  });

  app.delete(GREETING_PATH, requireSession(deps), requireAdmin(), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const query = validate(c, GreetingQuery, c.req.query());
    if (!query.ok) return query.response;
    await vm.clearGreeting(params.value.number, query.value.kind);
    audit(deps, c, 'voicemail.greeting-removed', params.value.number, { kind: query.value.kind });
    return c.body(null, 204);
  });

  app.get(`${path}/messages`, requireSession(deps), requireSupervisor(), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    if ((await vm.mailbox(params.value.number)) === undefined) return jsonError(c, 404, { error: 'mailbox not found' });
    return c.json({ items: (await vm.messagesOf(params.value.number)).map((m) => shown(c, messageJson(m))) });
  });

  const messagePath = '/api/v1/voicemail/messages/:id';
  app.get(`${messagePath}/audio`, requireSession(deps), requireSupervisor(), async (c) => {
    const params = validate(c, VoicemailMessageParams, c.req.param());
    if (!params.ok) return params.response;
    const m = await vm.message(params.value.id);
    if (!m) return jsonError(c, 404, { error: 'message not found' });
    const opened = await vm.files.openPlain(m.path);
    if (!opened.ok) return jsonError(c, opened.reason.includes('master key') ? 409 : 404, { error: 'message audio unavailable', reason: opened.reason });
    audit(deps, c, 'voicemail.download', m.id, { mailbox: m.mailbox, bytes: opened.size });
    const stream = Readable.toWeb(opened.stream() as Readable) as ReadableStream<Uint8Array>;
    return c.body(stream, 200, { 'Content-Type': 'audio/wav', 'Content-Length': String(opened.size), 'Content-Disposition': `attachment; filename="${m.id}.wav"`, 'Cache-Control': 'no-store' });
  });

  app.patch(messagePath, requireSession(deps), requireSupervisor(), async (c) => {
    const params = validate(c, VoicemailMessageParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, VoicemailMessagePatch);
    if (!body.ok) return body.response;
    if (!(await vm.setRead(params.value.id, body.value.read))) return jsonError(c, 404, { error: 'message not found' });
    return c.json(shown(c, messageJson((await vm.message(params.value.id))!)));
  });

  app.delete(messagePath, requireSession(deps), requireSupervisor(), async (c) => {
    const params = validate(c, VoicemailMessageParams, c.req.param());
    if (!params.ok) return params.response;
    const deleted = await vm.deleteByPerson(params.value.id);
    if (!deleted.ok) return jsonError(c, deleted.status, deleted.status === 404 ? { error: 'message not found' } : { error: 'message kept', reason: deleted.reason });
    audit(deps, c, 'voicemail.delete', params.value.id);
    return c.body(null, 204);
  });
}
