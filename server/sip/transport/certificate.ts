// The TLS/WSS certificate: the operator's PEM files when configured, otherwise a self-signed
// pair generated once into <dataDir>/tls/ and reused, so a fresh install speaks TLS at once
// and phones that pinned the certificate keep working across restarts.
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import net from 'node:net';
import { generate } from 'selfsigned';
import type { Logger } from '../logger.js';

export interface CertificateOptions {
  readonly dataDir: string;
  /** PEM certificate (chain) file; used with keyFile instead of generating */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** names and IP addresses the generated certificate is for (subjectAltName) */
  readonly hostnames: readonly string[];
  readonly logger: Logger;
}

export interface CertificateMaterial {
  readonly cert: string;
  readonly key: string;
  /** true when this call created a new self-signed pair */
  readonly generated: boolean;
}

const CERT_NAME = 'selfsigned-cert.pem';
const KEY_NAME = 'selfsigned-key.pem';
const VALID_DAYS = 3650;

function isPem(text: string, label: 'CERTIFICATE' | 'PRIVATE KEY'): boolean {
  return new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function ensureCertificate(options: CertificateOptions): Promise<CertificateMaterial> {
  const { certFile, keyFile, logger } = options;
  if (certFile || keyFile) {
    if (!certFile || !keyFile) throw new Error('TLS needs both a certificate file and a key file');
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    if (!isPem(cert, 'CERTIFICATE')) throw new Error(`${certFile} holds no PEM certificate`);
    if (!isPem(key, 'PRIVATE KEY')) throw new Error(`${keyFile} holds no PEM private key`);
    return { cert, key, generated: false };
  }

  const dir = join(options.dataDir, 'tls');
  const certPath = join(dir, CERT_NAME);
  const keyPath = join(dir, KEY_NAME);
  const [oldCert, oldKey] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (oldCert && oldKey && isPem(oldCert, 'CERTIFICATE') && isPem(oldKey, 'PRIVATE KEY')) {
    return { cert: oldCert, key: oldKey, generated: false };
  }

  const names = options.hostnames.length > 0 ? options.hostnames : ['localhost'];
  const commonName = names.find((n) => net.isIP(n) === 0) ?? names[0] ?? 'localhost';
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((n) => (net.isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })),
      },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // the key is written 0600 from the start (and chmod'ed in case the file pre-existed)
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  logger.info({ certFile: certPath, hostnames: names }, 'generated a self-signed TLS certificate');
  return { cert: pems.cert, key: pems.private, generated: true };
}
