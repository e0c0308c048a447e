// Users, roles, MFA, policies and API tokens: what server/api and the console check.
export * from './roles.js';
export * from './route-permissions.js';
export * from './policy.js';
export * from './policy-store.js';
export * from './totp.js';
