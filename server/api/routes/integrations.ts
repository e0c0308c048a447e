// What the console shows of the directory and mail relay configured in the environment, and the
// checks an admin runs on them before relying on them: look a user up in LDAP/AD (the groups found
// and the roles they map to, no password involved), ask the OIDC provider for its discovery
// document, send a test e-mail. Settings are shown without passwords or client secrets; each check
// is audited.
import type { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { readBody, remoteAddress } from '../http-errors.js';
import { DirectoryLookupRequest, MailTestRequest } from '../schemas-integrations.js';

export function mountIntegrationRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const audited = (c: Parameters<typeof remoteAddress>[0], action: string, detail: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, ...(source !== undefined ? { source } : {}), detail });
  };

  app.get('/api/v1/directory', (c) => c.json({ ldap: deps.directory?.settings() ?? null, oidc: deps.oidc?.settings() ?? null }));

  app.post('/api/v1/directory/lookup', async (c) => {
    const body = await readBody(c, DirectoryLookupRequest);
    if (!body.ok) return body.response;
    if (!deps.directory) return c.json({ error: 'not configured', reason: 'no LDAP/AD directory is configured (HAILING_LDAP_URL)' }, 404);
    const result = await deps.directory.lookup(body.value.username);
    audited(c, 'directory.lookup', { username: body.value.username, found: result.found });
    return c.json(result);
  });

  app.post('/api/v1/directory/oidc-check', async (c) => {
    if (!deps.oidc) return c.json({ error: 'not configured', reason: 'no OpenID Connect provider is configured (HAILING_OIDC_ISSUER)' }, 404);
    const result = await deps.oidc.check();
    audited(c, 'directory.oidc-check', { ok: result.ok });
    return c.json(result);
  });

  app.get('/api/v1/system/mail', async (c) => c.json({ smtp: deps.mail?.settings() ?? null, queue: (await deps.mailQueue?.counts()) ?? null }));

  app.post('/api/v1/system/mail/test', async (c) => {
    const body = await readBody(c, MailTestRequest);
    if (!body.ok) return body.response;
    if (!deps.mail) return c.json({ error: 'not configured', reason: 'no SMTP relay is configured (HAILING_SMTP_HOST, HAILING_SMTP_FROM)' }, 404);
    const user = c.get('auth').user.username;
    const result = await deps.mail.sendTest(body.value.to, user);
    audited(c, 'mail.test', { to: body.value.to, ok: result.ok });
    return c.json(result);
  });
}
