// A certificate authority for a test, made by Debian's openssl (not by our code): a CA and server
// certificates it signs for the names and addresses a test asks for (subjectAltName, RFC 5280
// §4.2.1.6), so a peer can be verified, or refused, as a real deployment's would be.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCa {
  /** the CA certificate (PEM), what a client is told to trust */
  readonly cert: string;
  /** a key and a certificate signed by this CA naming `dnsNames` and `ips` */
  issue(o: { dnsNames?: readonly string[]; ips?: readonly string[] }): { key: string; cert: string };
  close(): void;
}

export function createTestCa(name = 'Hailing Test CA'): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'hailing-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${name}`);
  let serial = 0;
  return {
    cert: readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
    issue(o) {
      const n = ++serial;
      const san = [...(o.dnsNames ?? []).map((d) => `DNS:${d}`), ...(o.ips ?? []).map((ip) => `IP:${ip}`)].join(',');
      writeFileSync(path.join(dir, `ext${n}.cnf`), `subjectAltName=${san}\n`);
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `s${n}.key`, '-out', `s${n}.csr`, '-subj', `/CN=${o.dnsNames?.[0] ?? o.ips?.[0] ?? 'server'}`);
      openssl('x509', '-req', '-in', `s${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(1000 + n), '-days', '2', '-extfile', `ext${n}.cnf`, '-out', `s${n}.pem`);
      return { key: readFileSync(path.join(dir, `s${n}.key`), 'utf8'), cert: readFileSync(path.join(dir, `s${n}.pem`), 'utf8') };
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
