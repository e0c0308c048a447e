import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { silentLogger } from '../logger.js';
import { ensureCertificate } from './certificate.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'hailing-cert-'));
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('ensureCertificate', () => {
  it('generates a self-signed pair once in <dataDir>/tls and reuses it on the next call', async () => {
    const dataDir = await tempDir();
    const first = await ensureCertificate({ dataDir, hostnames: ['sip.example.com', '127.0.0.1'], logger: silentLogger });
    assert.equal(first.generated, true);
    const second = await ensureCertificate({ dataDir, hostnames: ['sip.example.com', '127.0.0.1'], logger: silentLogger });
    assert.equal(second.generated, false);
    assert.equal(second.cert, first.cert);
    assert.equal(second.key, first.key);
  });

  it('the generated certificate is self-signed, names the hosts, and matches its key', async () => {
    const dataDir = await tempDir();
    const { cert, key } = await ensureCertificate({ dataDir, hostnames: ['sip.example.com', '127.0.0.1'], logger: silentLogger });
    const x509 = new X509Certificate(cert);
    // self-signed: issuer is subject, and the signature verifies with its own public key
    assert.equal(x509.issuer, x509.subject);
    assert.equal(x509.verify(x509.publicKey), true);
    assert.equal(x509.checkHost('sip.example.com'), 'sip.example.com');
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x509.checkPrivateKey(createPrivateKey(key)), true);
    assert.ok(new Date(x509.validTo).getTime() > Date.now());
  });

  it('writes the private key with mode 0600', async () => {
    const dataDir = await tempDir();
    await ensureCertificate({ dataDir, hostnames: ['localhost'], logger: silentLogger });
    const files = await import('node:fs/promises').then((fs) => fs.readdir(join(dataDir, 'tls')));
    const keyFile = files.find((f) => f.includes('key'));
    assert.ok(keyFile, 'a key file in <dataDir>/tls');
    const st = await stat(join(dataDir, 'tls', keyFile));
    assert.equal(st.mode & 0o777, 0o600);
  });

  it('uses the configured PEM files instead of generating', async () => {
    const source = await tempDir();
    const made = await ensureCertificate({ dataDir: source, hostnames: ['localhost'], logger: silentLogger });
    const certFile = join(source, 'operator-cert.pem');
    const keyFile = join(source, 'operator-key.pem');
    await writeFile(certFile, made.cert);
    await writeFile(keyFile, made.key);
    const dataDir = await tempDir();
    const used = await ensureCertificate({ dataDir, certFile, keyFile, hostnames: ['localhost'], logger: silentLogger });
    assert.equal(used.generated, false);
    assert.equal(used.cert, await readFile(certFile, 'utf8'));
    assert.equal(used.key, await readFile(keyFile, 'utf8'));
    await assert.rejects(stat(join(dataDir, 'tls')), { code: 'ENOENT' });
  });

  it('rejects a certificate file without a key file, and files that are not PEM', async () => {
    const dataDir = await tempDir();
    const junk = join(dataDir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    await assert.rejects(ensureCertificate({ dataDir, certFile: junk, hostnames: [], logger: silentLogger }), /key file/);
    await assert.rejects(
      ensureCertificate({ dataDir, certFile: junk, keyFile: junk, hostnames: [], logger: silentLogger }),
      /no PEM certificate/,
    );
  });
});
