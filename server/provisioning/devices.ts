// The enrolled devices, held in memory (loaded at start, changed only through enrol/remove) so that
// answering a phone never waits on the store: a known and an unknown MAC take the same path and time.
//
// Credentials (docs/provisioning.md): enrolment generates for each device
// - a SIP password that is one more password of its extension: the digest username stays the
//   extension number and the registrar accepts the extension's own password or any of its devices'
//   (DigestSecrets.alternates), so removing a device revokes only that phone;
// - a provisioning password for HTTP digest, username = the MAC, kept as HA1 only and shown once;
// - a token for token URLs (/t/<token>/...), for phones and PnP where no credentials can be set.
import { createHash } from 'node:crypto';
import { computeHa1, type DigestSecrets } from '../sip/auth/digest.js';
import type { Family } from './families.js';
import { randomSecret, type SecretBox } from './secret-box.js';

export interface DeviceRow {
  readonly mac: string;
  readonly family: string;
  readonly model: string | null;
  readonly label: string | null;
  readonly extension: string;
  readonly sipPasswordSealed: string;
  readonly provisionHa1Md5: string;
  readonly provisionHa1Sha256: string;
  readonly tokenSealed: string;
  readonly lastSeenAt: number | null;
  readonly lastSource: string | null;
  readonly lastUserAgent: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What devices.ts needs of the store (server/store's ProvisioningRepository). */
export interface DeviceStore {
  devices(): Promise<DeviceRow[]>;
  createDevice(input: Omit<DeviceRow, 'lastSeenAt' | 'lastSource' | 'lastUserAgent' | 'createdAt' | 'updatedAt'>): Promise<DeviceRow | undefined>;
  deleteDevice(mac: string): Promise<boolean>;
  seen(o: { mac: string; at: number; source: string; userAgent: string | null }): void;
}

export interface Device {
  row: DeviceRow;
  readonly sipPassword: string;
  readonly token: string;
  /** the extension's digest secrets for this device's password */
  readonly sipHa1: { readonly ha1Md5: string; readonly ha1Sha256: string };
  /** HTTP digest secrets of the provisioning password (username = MAC) */
  readonly provisioning: DigestSecrets;
}

export interface EnrolInput {
  readonly mac: string;
  readonly family: Family;
  readonly extension: string;
  readonly model?: string | null;
  readonly label?: string | null;
}

export interface Enrolled {
  readonly device: DeviceRow;
  /** shown once: the phone's HTTP digest credentials */
  readonly provisioningUsername: string;
  readonly provisioningPassword: string;
  /** shown once: the token path, /t/<token>/ */
  readonly tokenPath: string;
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export class DeviceRegistry {
  readonly #store: DeviceStore;
  readonly #box: SecretBox;
  /** the SIP digest realm (the extensions' realm) */
  readonly #sipRealm: string;
  /** the HTTP digest realm of the provisioning service */
  readonly #httpRealm: string;
  readonly #random: ((n: number) => Uint8Array) | undefined;
  readonly #byMac = new Map<string, Device>();
  readonly #byToken = new Map<string, Device>();
  /** extension → its devices: the registrar asks on every authentication */
  readonly #byExtension = new Map<string, Set<Device>>();

  constructor(options: { store: DeviceStore; box: SecretBox; sipRealm: string; httpRealm: string; random?: (n: number) => Uint8Array }) {
    this.#store = options.store;
    this.#box = options.box;
    this.#sipRealm = options.sipRealm;
    this.#httpRealm = options.httpRealm;
    this.#random = options.random;
  }

  async load(): Promise<void> {
    this.#byMac.clear();
    this.#byToken.clear();
    this.#byExtension.clear();
    for (const row of await this.#store.devices()) this.#index(row);
  }

  #index(row: DeviceRow): Device {
    const sipPassword = this.#box.open(row.sipPasswordSealed);
    const token = this.#box.open(row.tokenSealed);
    const device: Device = {
      row,
      sipPassword,
      token,
      sipHa1: { ha1Md5: computeHa1('MD5', row.extension, this.#sipRealm, sipPassword), ha1Sha256: computeHa1('SHA-256', row.extension, this.#sipRealm, sipPassword) },
      provisioning: { username: row.mac, realm: this.#httpRealm, ha1Md5: row.provisionHa1Md5, ha1Sha256: row.provisionHa1Sha256 },
    };
    this.#byMac.set(row.mac, device);
    this.#byToken.set(tokenHash(token), device);
    const same = this.#byExtension.get(row.extension) ?? new Set<Device>();
    same.add(device);
    this.#byExtension.set(row.extension, same);
    return device;
  }

  /** undefined when the MAC is enrolled already */
  async enrol(input: EnrolInput): Promise<Enrolled | undefined> {
    if (this.#byMac.has(input.mac)) return undefined;
    // 18 random bytes: 24 characters of base64url, 144 bits; phones take such passwords everywhere
    const sipPassword = randomSecret(18, this.#random);
    const provisioningPassword = randomSecret(18, this.#random);
    const token = randomSecret(24, this.#random);
    const row = await this.#store.createDevice({
      mac: input.mac,
      family: input.family,
      model: input.model ?? null,
      label: input.label ?? null,
      extension: input.extension,
      sipPasswordSealed: this.#box.seal(sipPassword),
      provisionHa1Md5: computeHa1('MD5', input.mac, this.#httpRealm, provisioningPassword),
      provisionHa1Sha256: computeHa1('SHA-256', input.mac, this.#httpRealm, provisioningPassword),
      tokenSealed: this.#box.seal(token),
    });
    if (row === undefined) return undefined;
    this.#index(row);
    return { device: row, provisioningUsername: input.mac, provisioningPassword, tokenPath: `/t/${token}/` };
  }

  async remove(mac: string): Promise<boolean> {
    const device = this.#byMac.get(mac);
    const removed = await this.#store.deleteDevice(mac);
    if (device) {
      this.#byMac.delete(mac);
      this.#byToken.delete(tokenHash(device.token));
      const same = this.#byExtension.get(device.row.extension);
      same?.delete(device);
      if (same?.size === 0) this.#byExtension.delete(device.row.extension);
    }
    return removed;
  }

  byMac(mac: string): Device | undefined {
    return this.#byMac.get(mac);
  }

  byToken(token: string): Device | undefined {
    return this.#byToken.get(tokenHash(token));
  }

  list(): Device[] {
    return [...this.#byMac.values()].sort((a, b) => a.row.mac.localeCompare(b.row.mac));
  }

  /** the HA1 pairs of every device enrolled for the extension (the registrar's alternates) */
  passwordsOf(extension: string): { ha1Md5: string; ha1Sha256: string }[] {
    const same = this.#byExtension.get(extension);
    return same === undefined ? [] : [...same].map((d) => d.sipHa1);
  }

  seen(device: Device, o: { at: number; source: string; userAgent: string | null }): void {
    device.row = { ...device.row, lastSeenAt: o.at, lastSource: o.source, lastUserAgent: o.userAgent };
    this.#store.seen({ mac: device.row.mac, ...o });
  }
}
