// The desk-phone provisioning routes in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as d from './schemas-devices.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('Role may not change devices');
const tag = 'devices';

export const DEVICE_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/devices', summary: 'Provisioned desk phones (never their secrets)', tag, auth: true, responses: { 200: { description: 'The devices', schema: d.DeviceList }, 401: unauthorized } },
  {
    method: 'post',
    path: '/api/v1/devices',
    summary: 'Enrol a phone by MAC for an extension: generates its SIP password, provisioning password and token URL (the latter two answered only now)',
    tag,
    auth: true,
    body: d.DeviceEnrol,
    responses: { 201: { description: 'Enrolled', schema: d.DeviceEnrolled }, 400: invalid, 401: unauthorized, 403: forbidden, 409: err('The MAC is enrolled already') },
  },
  { method: 'get', path: '/api/v1/devices/pending', summary: 'MACs that asked for a configuration but are not enrolled', tag, auth: true, responses: { 200: { description: 'The pending MACs', schema: d.PendingList }, 401: unauthorized } },
  {
    method: 'post',
    path: '/api/v1/devices/pending/{mac}/approve',
    summary: 'Approve a pending MAC: enrol it for an extension',
    tag,
    auth: true,
    params: d.MacParams,
    body: d.PendingApprove,
    responses: { 201: { description: 'Enrolled', schema: d.DeviceEnrolled }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such pending MAC'), 409: err('Enrolled already') },
  },
  { method: 'delete', path: '/api/v1/devices/pending/{mac}', summary: 'Dismiss a pending MAC', tag, auth: true, params: d.MacParams, responses: { 204: { description: 'Dismissed' }, 401: unauthorized, 403: forbidden, 404: err('No such pending MAC') } },
  { method: 'get', path: '/api/v1/devices/{mac}', summary: 'One device', tag, auth: true, params: d.MacParams, responses: { 200: { description: 'The device', schema: d.DeviceView }, 400: invalid, 401: unauthorized, 404: err('No such device') } },
  { method: 'delete', path: '/api/v1/devices/{mac}', summary: 'Remove a device: its SIP password and provisioning credentials stop working at once', tag, auth: true, params: d.MacParams, responses: { 204: { description: 'Removed' }, 401: unauthorized, 403: forbidden, 404: err('No such device') } },
  {
    method: 'post',
    path: '/api/v1/devices/{mac}/resync',
    summary: "Send check-sync NOTIFY to the device's registered contacts: the phone fetches its configuration again without a reboot",
    tag,
    auth: true,
    params: d.MacParams,
    responses: { 200: { description: 'Sent', schema: d.ResyncResult }, 401: unauthorized, 403: forbidden, 404: err('No such device') },
  },
  { method: 'get', path: '/api/v1/provisioning/templates', summary: "Each family's templates and the variables they may use", tag, auth: true, responses: { 200: { description: 'The templates', schema: d.TemplateList }, 401: unauthorized } },
  {
    method: 'put',
    path: '/api/v1/provisioning/templates/{family}/{file}',
    summary: "Replace a family's template with your own ({{variable}} placeholders)",
    tag,
    auth: true,
    params: d.TemplateParams,
    body: d.TemplateWrite,
    responses: { 200: { description: 'Saved', schema: d.TemplateView }, 400: err('Unknown variables, or a file the family does not have'), 401: unauthorized, 403: forbidden },
  },
  { method: 'delete', path: '/api/v1/provisioning/templates/{family}/{file}', summary: 'Restore the built-in template', tag, auth: true, params: d.TemplateParams, responses: { 204: { description: 'Restored' }, 401: unauthorized, 403: forbidden } },
];
