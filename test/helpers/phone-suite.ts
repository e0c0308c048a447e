// A suite's servers and baresip phones, cleaned up in its after(): `start` starts a Hailing process
// the suite kills (SIGKILL) and removes afterwards, `phone` registers an auto-answering UDP phone
// playing `audioFile` as its microphone, and `scratch` is a folder for the suite's audio files.
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registeredPhone, stopPhones, type Phone } from './baresip.js';
import { startHailing, type HailingProcess } from './hailing-process.js';

export interface PhoneSuite {
  readonly scratch: string;
  start(env: Record<string, string>): Promise<HailingProcess>;
  phone(server: HailingProcess, user: string, audioFile: string): Promise<Phone>;
}

/** call inside describe(): registers the suite's after() */
export function phoneSuite(name: string): PhoneSuite {
  const phones: Phone[] = [];
  const servers: HailingProcess[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), `hailing-${name}-`));
  after(async () => {
    await stopPhones(phones);
    for (const s of servers) {
      await s.kill('SIGKILL');
      rmSync(s.dataDir, { recursive: true, force: true });
    }
    rmSync(scratch, { recursive: true, force: true });
  });
  return {
    scratch,
    async start(env) {
      const server = await startHailing({ env });
      servers.push(server);
      return server;
    },
    phone: (server, user, audioFile) =>
      registeredPhone({ user, password: `secret-${user}`, domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', audioFile, answerMode: 'auto' }, phones),
  };
}
