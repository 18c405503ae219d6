// Builds dist/ with tsc unless it is current: `npm start` after `npm ci` (whose prepare step has
// just built it) starts at once instead of compiling again. Current means dist/cli/main.js is newer
// than every TypeScript file under src/ and than the files that decide the build (package.json, tsconfigs).
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const BUILT = path.join(ROOT, 'dist', 'cli', 'main.js');
const DECIDING = ['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((file) => path.join(ROOT, file));

function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function isCurrent() {
  if (!existsSync(BUILT)) return false;
  const newestSource = Math.max(newestUnder(path.join(ROOT, 'src')), ...DECIDING.map((file) => statSync(file).mtimeMs));
  return statSync(BUILT).mtimeMs > newestSource;
}

if (isCurrent()) {
  process.stdout.write('dist/ is current: not rebuilt (npm run build rebuilds it).\n');
} else {
  const tsc = require.resolve('typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  process.exit(built.status ?? 1);
}
