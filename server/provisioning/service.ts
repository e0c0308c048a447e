// Provisioning as the rest of Hailing sees it: devices (enrol, remove, approve a pending MAC),
// templates (the built-in ones and the administrator's versions), answering phones' file requests,
// check-sync and SIP PnP, and the extra passwords the registrar accepts for enrolled phones.
import type { DigestAuthenticator } from '../sip/auth/digest.js';
import type { Clock } from '../sip/clock.js';
import type { Logger } from '../sip/logger.js';
import type { RequestHandler, SipStack } from '../sip/stack/types.js';
import { DeviceRegistry, type Device, type DeviceStore, type EnrolInput, type Enrolled } from './devices.js';
import { answerFetch, type FetchRequest, type FetchResponse } from './fetch.js';
import { builtInTemplate, FAMILIES, FAMILY_SPECS, type Family, type TemplateFile } from './families.js';
import { ScanGuard } from './scan-guard.js';
import { withAlternates, type AlternatesLookup } from '../registrar/alternates.js';
import type { SecretBox } from './secret-box.js';
import { deviceContacts, pnpHandler, sendCheckSync, type ContactBinding } from './sip-notify.js';
import { unknownVariables, VARIABLES, variableMap, type SipTransport } from './variables.js';

export interface PendingRow {
  readonly mac: string;
  readonly family: string | null;
  readonly userAgent: string | null;
  readonly source: string;
  readonly via: string;
  readonly requests: number;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
}

/** server/store's ProvisioningRepository, structurally */
export interface ProvisioningStore extends DeviceStore {
  pending(): Promise<PendingRow[]>;
  sighted(s: { mac: string; family: string | null; userAgent: string | null; source: string; via: 'http' | 'pnp'; at: number }): void;
  dismissPending(mac: string): Promise<boolean>;
  templates(): Promise<{ id: string; body: string; updatedAt: number }[]>;
  saveTemplate(id: string, body: string): Promise<void>;
  deleteTemplate(id: string): Promise<boolean>;
}

export interface ProvisioningAlert {
  readonly alert: 'provisioning-scan';
  readonly source: string;
  readonly macs: number;
  readonly at: number;
}

export interface ProvisioningServiceOptions {
  readonly store: ProvisioningStore;
  readonly box: SecretBox;
  readonly clock: Clock;
  readonly logger: Logger;
  /** HTTP digest for the provisioning URL (its own realm and nonces) */
  readonly authenticator: DigestAuthenticator;
  /** per-source request limit of the provisioning listener */
  readonly allow: (source: string) => boolean;
  readonly scan: { readonly threshold: number; readonly windowMs: number };
  /** the SIP line every template gets */
  readonly sip: { readonly domain: string; readonly server: string; readonly port: number; readonly transport: SipTransport; readonly registerExpires: number };
  /** where PnP points phones: scheme://host:port of the provisioning listener, when it runs */
  readonly baseUrl: () => string | undefined;
  readonly displayName: (extension: string) => Promise<string | null>;
  readonly registrations: (aor: string) => readonly ContactBinding[];
  readonly stack: Pick<SipStack, 'request'>;
  /** a scan tripped: the events stream and the audit log hear it */
  readonly onAlert: (alert: ProvisioningAlert) => void;
  readonly random?: (n: number) => Uint8Array;
}

export interface TemplateView {
  readonly family: Family;
  readonly file: TemplateFile;
  readonly body: string;
  readonly custom: boolean;
  readonly builtIn: string;
  readonly contentType: string;
}

export const MAX_PENDING = 1000;

export class ProvisioningService {
  readonly #o: ProvisioningServiceOptions;
  readonly devices: DeviceRegistry;
  readonly #scans: ScanGuard;
  readonly #custom = new Map<string, string>();
  /**
   * the MACs on the pending list: the scan guard bounds one source, this bounds many (a scan spread
   * over addresses); past MAX_PENDING new MACs are not listed until some are approved or dismissed
   */
  readonly #pending = new Set<string>();

  constructor(options: ProvisioningServiceOptions) {
    this.#o = options;
    this.devices = new DeviceRegistry({ store: options.store, box: options.box, sipRealm: options.sip.domain, httpRealm: options.authenticator.realm, ...(options.random ? { random: options.random } : {}) });
    this.#scans = new ScanGuard({ clock: options.clock, threshold: options.scan.threshold, windowMs: options.scan.windowMs });
  }

  async start(): Promise<void> {
    await this.devices.load();
    this.#custom.clear();
    for (const t of await this.#o.store.templates()) this.#custom.set(t.id, t.body);
    this.#pending.clear();
    for (const p of await this.#o.store.pending()) this.#pending.add(p.mac);
  }

  async enrol(input: EnrolInput): Promise<Enrolled | undefined> {
    const enrolled = await this.devices.enrol(input);
    // the store drops an enrolled MAC's pending row
    if (enrolled) this.#pending.delete(input.mac);
    return enrolled;
  }

  /** enrols a MAC from the pending list (and drops it from there) */
  async approve(input: EnrolInput): Promise<Enrolled | undefined> {
    const enrolled = await this.devices.enrol(input);
    if (enrolled) {
      await this.#o.store.dismissPending(input.mac);
      this.#pending.delete(input.mac);
    }
    return enrolled;
  }

  pending(): Promise<PendingRow[]> {
    return this.#o.store.pending();
  }

  dismiss(mac: string): Promise<boolean> {
    this.#pending.delete(mac);
    return this.#o.store.dismissPending(mac);
  }

  answer(req: FetchRequest): Promise<FetchResponse> {
    return answerFetch(
      {
        devices: this.devices,
        authenticator: this.#o.authenticator,
        scans: this.#scans,
        allow: this.#o.allow,
        template: (family, file) => this.#template(family, file),
        variables: async (device, provisioningUrl) => this.#variables(device, provisioningUrl),
        now: () => this.#o.clock.now(),
        pending: (p) => this.#sighted({ ...p, via: 'http' }),
        scanAlert: (a) => this.#alert(a.source, a.macs),
      },
      req,
    );
  }

  async #variables(device: Device, provisioningUrl: string) {
    const { sip } = this.#o;
    return variableMap({
      family: device.row.family as Family,
      mac: device.row.mac,
      label: device.row.label,
      extension: device.row.extension,
      displayName: await this.#o.displayName(device.row.extension),
      sipPassword: device.sipPassword,
      sipServer: sip.server,
      sipPort: sip.port,
      sipTransport: sip.transport,
      registerExpires: sip.registerExpires,
      provisioningUrl,
    });
  }

  #sighted(s: { mac: string; family: string | null; userAgent: string | null; source: string; via: 'http' | 'pnp' }): void {
    if (!this.#pending.has(s.mac) && this.#pending.size >= MAX_PENDING) return;
    this.#pending.add(s.mac);
    this.#o.store.sighted({ ...s, at: this.#o.clock.now() });
  }

  #alert(source: string, macs: number): void {
    this.#o.logger.warn({ source, macs }, 'provisioning: unknown-MAC scan');
    this.#o.onAlert({ alert: 'provisioning-scan', source, macs, at: this.#o.clock.now() });
  }

  #template(family: Family, file: TemplateFile): string | undefined {
    return this.#custom.get(`${family}:${file}`) ?? builtInTemplate(family, file);
  }

  templates(): TemplateView[] {
    return FAMILIES.flatMap((family) =>
      FAMILY_SPECS[family].files.map((file) => {
        const builtIn = builtInTemplate(family, file) ?? '';
        const custom = this.#custom.get(`${family}:${file}`);
        return { family, file, body: custom ?? builtIn, custom: custom !== undefined, builtIn, contentType: FAMILY_SPECS[family].contentType };
      }),
    );
  }

  /** ok: false with the unknown variable names, or the file is not one of the family's */
  async saveTemplate(o: { family: Family; file: TemplateFile; body: string }): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (!FAMILY_SPECS[o.family].files.includes(o.file)) return { ok: false, reason: `${o.family} has no ${o.file} template` };
    const unknown = unknownVariables(o.body);
    if (unknown.length > 0) return { ok: false, reason: `unknown variables: ${unknown.join(', ')} (known: ${VARIABLES.join(', ')})` };
    await this.#o.store.saveTemplate(`${o.family}:${o.file}`, o.body);
    this.#custom.set(`${o.family}:${o.file}`, o.body);
    return { ok: true };
  }

  async resetTemplate(o: { family: Family; file: TemplateFile }): Promise<void> {
    await this.#o.store.deleteTemplate(`${o.family}:${o.file}`);
    this.#custom.delete(`${o.family}:${o.file}`);
  }

  /** check-sync NOTIFY to the device's registered contacts; the phones' final statuses (0: no answer) */
  async resync(mac: string): Promise<number[] | undefined> {
    const device = this.devices.byMac(mac);
    if (device === undefined) return undefined;
    const bindings = this.#o.registrations(`sip:${device.row.extension}@${this.#o.sip.domain.toLowerCase()}`);
    const targets = deviceContacts({ bindings, mac, lastSource: device.row.lastSource });
    return sendCheckSync({ stack: this.#o.stack, bindings: targets, domain: this.#o.sip.domain });
  }

  /** is any contact registered for the device's extension */
  registered(device: Device): boolean {
    return this.#o.registrations(`sip:${device.row.extension}@${this.#o.sip.domain.toLowerCase()}`).length > 0;
  }

  /** SIP PnP (RFC 6080): SUBSCRIBE Event ua-profile answered for enrolled MACs only */
  pnp(): RequestHandler {
    return pnpHandler({
      stack: this.#o.stack,
      domain: this.#o.sip.domain,
      urlFor: (mac) => {
        const device = this.devices.byMac(mac);
        const base = this.#o.baseUrl();
        return device === undefined || base === undefined ? undefined : `${base}/t/${device.token}/`;
      },
      unknown: ({ mac, source, userAgent }) => {
        const verdict = this.#scans.unknownMac(source, mac);
        if (verdict === 'tripped') this.#alert(source, this.#scans.count(source));
        if (verdict === 'ok') this.#sighted({ mac, family: null, userAgent, source, via: 'pnp' });
      },
    });
  }

  /**
   * The registrar's and the B2BUA's credential lookup with each extension's enrolled phones'
   * passwords added as alternates (docs/provisioning.md).
   */
  withDevicePasswords<C extends { readonly username: string }>(lookup: AlternatesLookup<C>) {
    return withAlternates(lookup, (username) => this.devices.passwordsOf(username));
  }
}
