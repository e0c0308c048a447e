// A local ESLint rule that enforces the dependency direction of ARCHITECTURE.md.
// It resolves every relative import against the importing file, so `../../registrar/x.js`
// is judged by where it lands, not by how it is spelled.
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Each rule: files under `from` may not import anything under `deny`, unless it is under `allow`. */
const LAYERS = [
  { from: 'media/', deny: ['server/'], why: 'media/ is the data plane and never imports server/' },
  {
    from: 'server/sip/',
    deny: ['server/', 'media/'],
    allow: ['server/sip/'],
    why: 'server/sip imports no other server/ module',
  },
  {
    from: 'server/store/',
    deny: ['server/', 'media/'],
    allow: ['server/store/'],
    why: 'server/store imports nothing of the domain',
  },
  {
    from: 'server/',
    deny: ['media/'],
    allow: ['media/index.ts', 'media/index.js'],
    why: 'server/ imports media/ only through media/index.ts',
  },
  ...['acd', 'ivr', 'api'].map((m) => ({
    from: `server/${m}/`,
    deny: ['server/sip/'],
    allow: ['server/sip/index.ts', 'server/sip/index.js'],
    why: `server/${m} uses server/sip only through server/sip/index.ts`,
  })),
  {
    from: 'web/',
    deny: ['server/', 'media/', 'test/', 'bench/', 'scripts/'],
    why: 'web/ talks to the server only over HTTP; its API types are generated into web/src/api/schema.d.ts (npm run web:api)',
  },
];

const startsWithAny = (p, list) => (list ?? []).some((prefix) => p === prefix || p.startsWith(prefix));

export const layersPlugin = {
  rules: {
    direction: {
      meta: { type: 'problem', schema: [], messages: { denied: '{{from}} may not import {{target}}: {{why}}.' } },
      create(context) {
        const file = path.relative(root, context.filename).split(path.sep).join('/');
        const check = (node) => {
          const source = node.source?.value;
          if (typeof source !== 'string' || !source.startsWith('.')) return;
          const target = path
            .relative(root, path.resolve(path.dirname(context.filename), source))
            .split(path.sep)
            .join('/');
          for (const layer of LAYERS) {
            if (!file.startsWith(layer.from)) continue;
            if (startsWithAny(target, layer.deny) && !startsWithAny(target, layer.allow)) {
              context.report({ node, messageId: 'denied', data: { from: layer.from, target, why: layer.why } });
              return;
            }
          }
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};
