// A real OpenLDAP server (Debian's slapd) for directory sign-in tests: a throw-away mdb database
// loaded with slapadd from the test's LDIF, listening on loopback. The rootdn changes entries while
// it runs (ldapts), as a directory administrator would.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import { freePort } from './ports.js';

export const SUFFIX = 'dc=hailing,dc=test';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
const ROOT_PW = 'root-secret';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const GROUPS = `ou=groups,${SUFFIX}`;
export const SERVICE = `cn=hailing,ou=services,${SUFFIX}`;
export const SERVICE_PASSWORD = 'service-pw';

/** LDIF of a person under PEOPLE */
export const person = (uid: string, name: string, password: string): string => `dn: uid=${uid},${PEOPLE}
objectClass: inetOrgPerson
uid: ${uid}
cn: ${name}
sn: ${name.split(' ').at(-1)}
displayName: ${name}
userPassword: ${password}
`;
/** LDIF of a groupOfNames under GROUPS with these uids as members */
export const group = (cn: string, members: string[]): string => `dn: cn=${cn},${GROUPS}
objectClass: groupOfNames
cn: ${cn}
${members.map((m) => `member: uid=${m},${PEOPLE}`).join('\n')}
`;
/** the suffix, people, groups and services, and Hailing's service account (SERVICE / SERVICE_PASSWORD) */
export const BASE_LDIF = [
  `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Hailing test\ndc: hailing\n`,
  `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n`,
  `dn: ${GROUPS}\nobjectClass: organizationalUnit\nou: groups\n`,
  `dn: ou=services,${SUFFIX}\nobjectClass: organizationalUnit\nou: services\n`,
  `dn: ${SERVICE}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\ncn: hailing\nuserPassword: ${SERVICE_PASSWORD}\n`,
];

/** HAILING_LDAP_* for a slapd loaded with BASE_LDIF: the service account, people and groups, and this role map */
export const ldapEnv = (url: string, roleMap: Record<string, string | string[]>): Record<string, string> => ({
  HAILING_LDAP_URL: url,
  HAILING_LDAP_BIND_DN: SERVICE,
  HAILING_LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
  HAILING_LDAP_USER_BASE: PEOPLE,
  HAILING_LDAP_GROUP_BASE: GROUPS,
  HAILING_LDAP_ROLE_MAP: JSON.stringify(roleMap),
});

export interface Slapd {
  readonly url: string;
  /** runs `f` with a client bound as the rootdn */
  asRoot<T>(f: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

export async function startSlapd(ldif: string): Promise<Slapd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hailing-slapd-'));
  mkdirSync(path.join(dir, 'db'));
  const conf = path.join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${path.join(dir, 'slapd.pid')}`,
      'database mdb',
      `suffix "${SUFFIX}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${path.join(dir, 'db')}`,
      'maxsize 10485760',
      // passwords are only for binding; signed-in users (the service account) may read the rest
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  const data = path.join(dir, 'data.ldif');
  writeFileSync(data, ldif);
  execFileSync(SLAPADD, ['-f', conf, '-l', data], { stdio: 'pipe' });
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d keeps slapd in the foreground, so it dies with the test's handle on it
  const child: ChildProcess = spawn(SLAPD, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));

  const asRoot = async <T>(f: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, timeout: 2000, connectTimeout: 2000 });
    try {
      await client.bind(ROOT_DN, ROOT_PW);
      return await f(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await asRoot(async () => undefined);
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`slapd did not start: ${String(err)}\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    asRoot,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
