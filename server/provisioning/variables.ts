// The variable map a template is rendered with: the device, its extension's line and where the
// phone finds Hailing. One map for every family; transport_code is the family's own number or name.
import type { Family, FamilySpec } from './families.js';

export const VARIABLES = [
  'mac',
  'label',
  'display_name',
  'extension',
  'auth_name',
  'sip_password',
  'sip_server',
  'sip_port',
  'sip_transport',
  'transport_code',
  'register_expires',
  'provisioning_url',
] as const;
export type VariableName = (typeof VARIABLES)[number];
export type VariableMap = Readonly<Record<VariableName, string>>;

export type SipTransport = 'udp' | 'tcp' | 'tls';

// Yealink transport_type and Grandstream P130: 0 UDP, 1 TCP, 2 TLS; Fanvil SIP1 Transport likewise;
// Poly reg.x.server.y.transport takes names
const TRANSPORT_CODES: Readonly<Record<Family, Readonly<Record<SipTransport, string>>>> = {
  yealink: { udp: '0', tcp: '1', tls: '2' },
  grandstream: { udp: '0', tcp: '1', tls: '2' },
  fanvil: { udp: '0', tcp: '1', tls: '2' },
  poly: { udp: 'UDPOnly', tcp: 'TCPOnly', tls: 'TLS' },
};

export interface VariableInput {
  readonly family: Family;
  readonly mac: string;
  readonly label: string | null;
  readonly extension: string;
  readonly displayName: string | null;
  readonly sipPassword: string;
  readonly sipServer: string;
  readonly sipPort: number;
  readonly sipTransport: SipTransport;
  readonly registerExpires: number;
  readonly provisioningUrl: string;
}

export function variableMap(i: VariableInput): VariableMap {
  return {
    mac: i.mac,
    label: i.label ?? i.extension,
    display_name: i.displayName ?? i.extension,
    extension: i.extension,
    // the digest username is the extension number: a device's password is one more password of it
    auth_name: i.extension,
    sip_password: i.sipPassword,
    sip_server: i.sipServer,
    sip_port: String(i.sipPort),
    sip_transport: i.sipTransport,
    transport_code: TRANSPORT_CODES[i.family][i.sipTransport],
    register_expires: String(i.registerExpires),
    provisioning_url: i.provisioningUrl,
  };
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** The names a template uses that the map does not have (a template is refused with them). */
export function unknownVariables(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) if (!(VARIABLES as readonly string[]).includes(m[1] as string)) names.add(m[1] as string);
  return [...names];
}

/** Every {{name}} replaced by its value, escaped for the family's format. */
export function render(template: string, variables: VariableMap, spec: FamilySpec): string {
  return template.replace(PLACEHOLDER, (_, name: string) => spec.escape(variables[name as VariableName] ?? ''));
}
