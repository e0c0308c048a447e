// The registrar module's public surface, for server/app (composition) and the B2BUA (lookup).
export { createRegistrar } from './registrar.js';
export type { BindingChange, Registrar, RegistrarEvents, RegistrarOptions } from './types.js';
export type { Binding, BindingPersistence, CredentialLookup, DigestCredentials, SecurityEvent, SecuritySink } from './ports.js';
export { buildKeepaliveOptions } from './keepalive.js';
