// Provisioned desk phones, MACs waiting for approval and the model-family templates, as the API
// shows them. A device view never carries a secret; enrolment answers the provisioning password
// and the token URL once.
import { z } from 'zod';
import { FAMILIES, VARIABLES, normalizeMac } from '../provisioning/index.js';

export const Family = z.enum(FAMILIES);
export const TemplateFileName = z.enum(['device', 'common', 'master']);

const Mac = z
  .string()
  .transform((v, ctx) => {
    const mac = normalizeMac(v);
    if (mac === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a MAC address: 12 hex digits, separators allowed' });
      return z.NEVER;
    }
    return mac;
  })
  .meta({ description: 'MAC address, e.g. 00:15:65:12:34:56 or 001565123456' });

export const MacParams = z.object({ mac: Mac });
export const TemplateParams = z.object({ family: Family, file: TemplateFileName });

export const DeviceEnrol = z.object({
  mac: Mac,
  family: Family,
  extension: z.string().regex(/^[0-9]{2,15}$/, 'an extension number'),
  model: z.string().max(64).optional(),
  label: z.string().max(64).optional(),
});
export const PendingApprove = DeviceEnrol.omit({ mac: true });

export const DeviceView = z.object({
  mac: z.string(),
  family: Family,
  model: z.string().nullable(),
  label: z.string().nullable(),
  extension: z.string(),
  registered: z.boolean().meta({ description: "a contact is registered for the device's extension" }),
  lastSeenAt: z.iso.datetime().nullable().meta({ description: 'when the phone last fetched a file' }),
  lastSource: z.string().nullable(),
  lastUserAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export const DeviceList = z.object({
  items: z.array(DeviceView),
  provisioningUrl: z.string().nullable().meta({ description: 'the provisioning listener, when it runs' }),
});

export const DeviceEnrolled = z.object({
  device: DeviceView,
  provisioning: z
    .object({
      username: z.string(),
      password: z.string(),
      tokenUrl: z.string().nullable().meta({ description: 'the token URL (null when no listener runs); tokenPath alone otherwise' }),
      tokenPath: z.string(),
    })
    .meta({ description: 'shown only now: the HTTP digest credentials and the token URL for the phone' }),
});

export const PendingView = z.object({
  mac: z.string(),
  family: Family.nullable(),
  userAgent: z.string().nullable(),
  source: z.string(),
  via: z.enum(['http', 'pnp']),
  requests: z.number().int(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});
export const PendingList = z.object({ items: z.array(PendingView) });

export const ResyncResult = z.object({
  contacts: z.number().int().meta({ description: 'registered contacts a check-sync NOTIFY went to' }),
  statuses: z.array(z.number().int()).meta({ description: "each phone's final answer (0: none)" }),
});

export const TemplateView = z.object({
  family: Family,
  file: TemplateFileName,
  body: z.string(),
  custom: z.boolean().meta({ description: "the administrator's version is in use" }),
  builtIn: z.string(),
  contentType: z.string(),
});
export const TemplateList = z.object({ items: z.array(TemplateView), variables: z.array(z.enum(VARIABLES)) });
export const TemplateWrite = z.object({ body: z.string().min(1).max(32 * 1024) });
