// Desk-phone provisioning by MAC (docs/provisioning.md).
export { ProvisioningService, type ProvisioningAlert, type ProvisioningServiceOptions, type ProvisioningStore, type PendingRow, type TemplateView } from './service.js';
export { startProvisioningListener, type ProvisioningListener } from './http-server.js';
export { SecretBox } from './secret-box.js';
export { FAMILIES, FAMILY_SPECS, isFamily, normalizeMac, type Family, type TemplateFile } from './families.js';
export { VARIABLES } from './variables.js';
export type { Enrolled, Device } from './devices.js';
