// The two browser libraries of the staff forms, turned from the packages' own ES module builds into classic
// scripts (one file each, a global each), so that the forms work from the file system too: Chromium refuses
// to load an ES module from a file:// page. Neither package ships a classic-script bundle.
//
//   node tests/js/vendor.mjs          write site_templates/assets/vendor/*.js from node_modules/
//   node tests/js/vendor.mjs --check  compare them byte for byte (exit 1 and name the file when one differs)
//
// The versions are those of package-lock.json (npm ci --ignore-scripts); esbuild's output is deterministic for a
// given esbuild version and input, so tests/test_forms_vendor.py runs --check on every CI run.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repo, 'package.json'));
// esbuild names each bundled file by its path from absWorkingDir: take the folder node_modules really is in, so that a
// checkout whose node_modules is a link to another checkout's (a git worktree) writes the same bytes.
const modules = realpathSync(join(repo, 'node_modules'));
const esbuild = require('esbuild');
const out = join(repo, 'site_templates', 'assets', 'vendor');

const BUNDLES = [
  // package, its browser entry point (package.json "browser"/"module"), the global it becomes, its licence
  { name: 'yaml', entry: 'yaml/browser/index.js', global: 'YAML', file: 'yaml.js', licence: 'ISC' },
  { name: '@cfworker/json-schema', entry: '@cfworker/json-schema/dist/esm/index.js', global: 'JSONSchema',
    file: 'json-schema.js', licence: 'MIT' },
];

function version(name) {
  return JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version;
}

let failed = false;
for (const b of BUNDLES) {
  const banner = `/*! ${b.name} ${version(b.name)} (${b.licence}: ${b.file.replace('.js', '.LICENSE')}), ` +
    `node_modules/${b.entry} as a classic script by tests/js/vendor.mjs with esbuild ${esbuild.version} */`;
  const result = esbuild.buildSync({
    entryPoints: [join(modules, b.entry)],
    absWorkingDir: dirname(modules),
    bundle: true,
    format: 'iife',
    globalName: b.global,
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'inline',
    banner: { js: banner },
    write: false,
  });
  const bytes = result.outputFiles[0].contents;
  const path = join(out, b.file);
  if (process.argv.includes('--check')) {
    let current = null;
    try { current = readFileSync(path); } catch { current = null; }
    if (!current || Buffer.compare(current, Buffer.from(bytes)) !== 0) {
      console.error(`${path} differs from ${b.name} ${version(b.name)} in node_modules: run node tests/js/vendor.mjs`);
      failed = true;
    }
  } else {
    writeFileSync(path, bytes);
  }
}
process.exit(failed ? 1 : 0);
