// The dependency rules of decision 8, read from the decision itself so that the note and the
// check cannot drift apart: each line "- **feature** uses a, b" allows exactly those.
import fs from 'node:fs';
import path from 'node:path';

const NOTE = path.join(import.meta.dirname, 'docs/decisions/0008-feature-dependencies.md');
const KERNEL = ['config.ts', 'types.d.ts', 'db', 'http', 'i18n', 'access', 'storage', 'pdf', 'audit', 'exports'];
const ENTRY_POINTS = ['app.ts', 'server.ts', 'background-jobs.ts', 'cli', 'demo'];

const uses = {};
for (const [, feature, list] of fs.readFileSync(NOTE, 'utf8').matchAll(/^- \*\*([a-z-]+)\*\* uses (.+)$/gm)) {
  uses[feature] = list.trim() === 'nothing' ? [] : list.split(',').map((name) => name.trim());
}
const features = Object.keys(uses);
if (features.length === 0) throw new Error(`no "uses" lines found in ${NOTE}`);

const folder = (names) => `^src/(${names.map((n) => n.replace('.', '\\.')).join('|')})(/|$)`;
const kernel = folder(KERNEL);

export default {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'kernel-knows-no-feature',
      comment:
        'config, db, http, i18n, access, storage, pdf, audit and exports are used by features, never the other way',
      severity: 'error',
      from: { path: kernel },
      to: { path: '^src/', pathNot: kernel },
    },
    {
      name: 'models-are-private',
      comment: "a feature reads another feature's data through its service, never its model",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: folder(ENTRY_POINTS) },
      to: { path: '^src/[^/]+/[^/]+\\.model\\.ts$', pathNot: '^src/$1/' },
    },
    ...features.map((feature) => ({
      name: `${feature}-uses-only-its-list`,
      comment: `decision 8: ${feature} uses ${uses[feature].join(', ') || 'nothing'}`,
      severity: 'error',
      from: { path: `^src/${feature}/` },
      to: { path: '^src/', pathNot: [`^src/${feature}/`, kernel, ...uses[feature].map((u) => `^src/${u}/`)] },
    })),
    {
      name: 'every-feature-is-listed',
      comment: 'a folder under src/ that is neither kernel, entry point nor a feature of decision 8',
      severity: 'error',
      from: { path: '^src/', pathNot: [kernel, folder(ENTRY_POINTS), folder(features)] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
