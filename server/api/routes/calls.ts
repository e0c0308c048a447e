// Calls in progress (issue 12): list them, hang up, hold and resume (music on hold), transfer the
// caller, send DTMF, start and stop the recording (pause/resume are in recording-control.ts). Each
// action is audited; what follows from it (hold, transfer progress, hangup) is on the events stream.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv, LiveCallControl } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, validate } from '../http-errors.js';
import { DtmfRequest, JoinRequest, LiveCallParams, TransferRequest } from '../schemas-calls.js';
import { auditFrom } from './recording-control.js';
import { liveCallVisible, liveCallsVisible } from '../call-scope.js';
import { maskParties, seesUnmasked } from '../pii-access.js';

type Outcome = { readonly ok: true } | { readonly ok: false; readonly status: 404 | 409; readonly reason: string };

export function mountCallRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);
  const absent = (c: Context<ApiEnv>) => jsonError(c, 404, { error: 'not found', reason: 'calls are not handled by this server' });

  app.get('/api/v1/calls', session, (c) => {
    if (deps.liveCalls === undefined) return absent(c);
    const visible = deps.liveCalls.list().filter(liveCallsVisible(deps, c.get('auth')));
    const shown = seesUnmasked(c.get('auth')) ? visible : visible.map(maskParties);
    return c.json({ items: shown.map((v) => ({ ...v, startedAt: new Date(v.startedAt).toISOString() })) });
  });

  /** one action on one call: 404 for an unknown call, 409 when the call cannot do it now */
  const action = (name: string, run: (calls: LiveCallControl, id: string, c: Context<ApiEnv>) => Promise<Outcome | Response>) =>
    app.post(`/api/v1/calls/:id/${name}`, session, async (c) => {
      const params = validate(c, LiveCallParams, c.req.param());
      if (!params.ok) return params.response;
      if (deps.liveCalls === undefined) return absent(c);
      const done = await run(deps.liveCalls, params.value.id, c);
      if (done instanceof Response) return done;
      if (!done.ok) return jsonError(c, done.status, { error: done.status === 404 ? 'call not found' : 'not possible now', reason: done.reason });
      auditFrom(deps, c, { action: `call.${name.replace('/', '.')}`, target: params.value.id });
      return c.json({ callId: params.value.id, action: name });
    });

  action('hangup', (calls, id) => calls.hangup(id));
  action('hold', (calls, id) => calls.hold(id));
  action('resume', (calls, id) => calls.resume(id));
  action('recording/start', (calls, id) => calls.startRecording(id));
  action('recording/stop', async (calls, id) => calls.stopRecording(id));
  action('dtmf', async (calls, id, c) => {
    const body = await readBody(c, DtmfRequest);
    if (!body.ok) return body.response;
    return calls.dtmf(id, { digits: body.value.digits, to: body.value.to, ...(body.value.durationMs !== undefined ? { durationMs: body.value.durationMs } : {}) });
  });

  app.post('/api/v1/calls/:id/transfer', session, async (c) => {
    const params = validate(c, LiveCallParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, TransferRequest);
    if (!body.ok) return body.response;
    if (deps.liveCalls === undefined) return absent(c);
    const started = deps.liveCalls.transfer(params.value.id, body.value.target);
    if (!started.ok) return jsonError(c, started.status, { error: started.status === 404 ? 'call not found' : 'not possible now', reason: started.reason });
    auditFrom(deps, c, { action: 'call.transfer', target: params.value.id, detail: { to: body.value.target } });
    return c.json({ callId: params.value.id, target: body.value.target }, 202);
  });

  app.post('/api/v1/calls/:id/join', session, async (c) => {
    const params = validate(c, LiveCallParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, JoinRequest);
    if (!body.ok) return body.response;
    if (deps.liveCalls === undefined) return absent(c);
    // the path's call is checked by call-scope.ts; the one it joins must be overseen too
    const other = deps.liveCalls.list().find((v) => v.id === body.value.call);
    if (other !== undefined && !liveCallVisible(deps, c.get('auth'), other)) return jsonError(c, 403, { error: 'forbidden', reason: `call ${other.id} is not one you oversee` });
    const joined = await deps.liveCalls.join(params.value.id, body.value.call);
    if (!joined.ok) return jsonError(c, joined.status, { error: joined.status === 404 ? 'call not found' : 'not possible now', reason: joined.reason });
    auditFrom(deps, c, { action: 'call.join', target: params.value.id, detail: { with: body.value.call } });
    return c.json({ callId: params.value.id, action: 'join' });
  });
}
