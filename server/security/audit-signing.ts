// Signed exports of the audit log: a range of rows, with their hash-chain fields, signed with the
// server's Ed25519 key (RFC 8032) so an auditor can check offline that the export came from this
// server unaltered. The private key lives in <dataDir>/keys/audit-signing.pem (PKCS #8, mode
// 0600), made on first start; the public key is served by the API and is in every export.
// Verification: Ed25519-verify `signature.value` (base64) over the UTF-8 bytes of `payload`; then,
// inside the payload, each row's hash = SHA-256(prevHash + JSON [id, at, actor, action, target,
// source, detail]) and each prevHash the hash of the row before it (docs/data-at-rest.md).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface AuditSigningKey {
  readonly keyId: string;
  /** SPKI PEM */
  readonly publicKeyPem: string;
  sign(payload: string): string;
}

export function loadOrCreateAuditSigningKey(file: string): AuditSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    privateKey = generateKeyPairSync('ed25519').privateKey;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const keyId = createHash('sha256').update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  return { keyId, publicKeyPem, sign: (payload) => sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64') };
}

export interface AuditExportRow {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly source: string | null;
  /** as stored (JSON text): what the hash covers */
  readonly detail: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface SignedAuditExport {
  /** JSON: { format, exportedAt, range, rows } exactly as signed */
  readonly payload: string;
  readonly signature: { readonly algorithm: 'Ed25519'; readonly keyId: string; readonly publicKey: string; readonly value: string };
}

export function signAuditExport(o: { readonly key: AuditSigningKey; readonly rows: readonly AuditExportRow[]; readonly range: { readonly since: string | null; readonly until: string | null }; readonly exportedAt: number }): SignedAuditExport {
  const payload = JSON.stringify({
    format: 'hailing-audit-export/1',
    exportedAt: new Date(o.exportedAt).toISOString(),
    range: o.range,
    rows: o.rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, source: r.source, detail: r.detail, prevHash: r.prevHash, hash: r.hash })),
  });
  return { payload, signature: { algorithm: 'Ed25519', keyId: o.key.keyId, publicKey: o.key.publicKeyPem, value: o.key.sign(payload) } };
}

/** PCI DSS 10.5.1 keeps a year; MLPS 2.0 (GB/T 22239-2019 §8.1.4.3) at least six months: never less than this. */
export const MIN_AUDIT_RETENTION_DAYS = 180;
