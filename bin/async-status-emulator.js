#!/usr/bin/env node
'use strict';
// The CLI: `npx async-status-emulator` starts the service, `--help` lists the commands. It runs the compiled sources in dist/.
const path = require('node:path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('cli')) {
    process.stderr.write('async-status-emulator is not built yet: run `npm run build` in its folder (`npm start` builds it too).\n');
    process.exit(2);
  }
  throw error;
}
cli.runCli(process.argv.slice(2));
