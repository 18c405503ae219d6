// Lints the Dockerfile and docker-compose.yml for what the image promises (docs/run-without-cloning.md),
// because Docker does not run where CI does and Debian has no hadolint: several stages, a final stage
// that runs as a non-root user with a HEALTHCHECK and exec-form ENTRYPOINT/CMD, production
// dependencies only, a pinned Node LTS base, no ADD of URLs; compose builds this Dockerfile and
// listens on every interface. `npm run check:docker [Dockerfile] [docker-compose.yml]`; exit 1 on a problem.
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');

// Node's LTS lines with support left (nodejs.org/en/about/previous-releases); move on as they end.
const NODE_LTS = ['22', '24'];

/** The instructions, continuation lines joined, comments and heredoc bodies left out; `line` is where each begins. */
function instructions(text) {
  const lines = text.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(#|$)/.test(lines[i])) continue;
    const line = i + 1;
    let body = lines[i];
    while (/\\\s*$/.test(body) && i + 1 < lines.length) {
      body = body.replace(/\\\s*$/, ' ');
      i++;
      if (!/^\s*#/.test(lines[i])) body += lines[i];
    }
    const heredoc = /<<-?\s*["']?(\w+)["']?/.exec(body);
    if (heredoc) while (i + 1 < lines.length && lines[++i].trim() !== heredoc[1]);
    const [, keyword, args] = /^\s*(\S+)\s*(.*)$/.exec(body);
    found.push({ keyword: keyword.toUpperCase(), args: args.trim(), line });
  }
  return found;
}

/** FROM's image and stage name, past its flags: `FROM --platform=x node:24 AS build`. */
function fromOf(args) {
  const words = args.split(/\s+/).filter((word) => !word.startsWith('--'));
  return { image: words[0], name: words[1]?.toLowerCase() === 'as' ? words[2].toLowerCase() : undefined };
}

/** Why a base image is refused, or undefined: a stage named before, or node:<LTS>.<minor>.<patch>… (or a digest). */
function baseProblem(image, stages) {
  if (stages.has(image.toLowerCase())) return undefined;
  const [, repository, tag, digest] = /^([^:@]+)(?::([^@]+))?(?:@(.+))?$/.exec(image) ?? [];
  if (!tag && !digest) return `${image} is not pinned: name a tag (node:24.14.0-bookworm-slim) or a digest`;
  if (tag === 'latest') return `${image} is not pinned: latest moves`;
  if (!/^(docker\.io\/)?(library\/)?node$/.test(repository ?? '')) return `${image} is not Node's image: the base must be node:<${NODE_LTS.join(' or ')}>…`;
  const version = /^(\d+)(\.\d+\.\d+)?/.exec(tag ?? '');
  if (!version) return `${image} names no Node version: the tag must start with one (node:24.14.0-bookworm-slim)`;
  if (!NODE_LTS.includes(version[1])) return `${image} is Node ${version[1]}, not a maintained LTS (${NODE_LTS.join(', ')})`;
  if (!version[2] && !digest) return `${image} is not pinned: node:${version[1]}… moves with every release; name the full version (node:24.14.0-bookworm-slim) or a digest`;
  return undefined;
}

const isExecForm = (args) => {
  try {
    const parsed = JSON.parse(args);
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((word) => typeof word === 'string');
  } catch {
    return false;
  }
};

/** Problems of a Dockerfile's text, each "line N: what". */
function checkDockerfile(text) {
  const problems = [];
  const all = instructions(text);
  const froms = all.filter((step) => step.keyword === 'FROM');
  if (froms.length === 0) return ['no FROM: this is not a Dockerfile'];
  if (froms.length < 2) problems.push(`line ${froms[0].line}: one stage: build in one stage and copy only what runs into a final one`);
  const stages = new Set();
  for (const from of froms) {
    const { image, name } = fromOf(from.args);
    const problem = baseProblem(image, stages);
    if (problem) problems.push(`line ${from.line}: ${problem}`);
    if (name) stages.add(name);
  }
  for (const step of all) {
    if (step.keyword === 'ADD' && /(^|\s)(https?|ftp):\/\//i.test(step.args)) problems.push(`line ${step.line}: ADD of a URL: download in a RUN that checks a checksum, or COPY`);
  }
  const final = all.slice(all.indexOf(froms[froms.length - 1]));
  const users = final.filter((step) => step.keyword === 'USER');
  const user = users.at(-1);
  if (!user) problems.push('final stage: no USER: it would run as root (USER node)');
  else if (/^(root|0)(:|$)/.test(user.args)) problems.push(`line ${user.line}: the final stage runs as ${user.args}: use a non-root user (USER node)`);
  const health = final.filter((step) => step.keyword === 'HEALTHCHECK').at(-1);
  if (!health || /^NONE$/i.test(health.args)) problems.push('final stage: no HEALTHCHECK (GET /readyz)');
  else if (!isExecForm(health.args.replace(/^(--\S+\s+)*CMD\s+/i, ''))) problems.push(`line ${health.line}: HEALTHCHECK in shell form: write CMD ["node", "-e", "…"]`);
  for (const step of final.filter((step) => step.keyword === 'ENTRYPOINT' || step.keyword === 'CMD')) {
    if (!isExecForm(step.args))
      problems.push(`line ${step.line}: ${step.keyword} in shell form: /bin/sh -c would be PID 1 and keep SIGTERM from node; write ${step.keyword} ["…", "…"]`);
  }
  if (!final.some((step) => step.keyword === 'ENTRYPOINT' || step.keyword === 'CMD')) problems.push('final stage: no ENTRYPOINT or CMD');
  for (const step of final.filter((step) => step.keyword === 'RUN')) {
    for (const command of step.args.split(/&&|\|\||;/)) {
      if (/\bnpm\s+(ci|install|i|add)\b/.test(command) && !/--omit[= ]dev\b/.test(command)) {
        problems.push(`line ${step.line}: "${command.trim()}" in the final stage installs dev dependencies: add --omit=dev`);
      }
    }
  }
  return problems;
}

/** The lines of one top-level service in a compose file, by indentation (no YAML library: the check has no dependencies). */
function serviceBlock(text, name) {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^(\\s+)${name}:\\s*$`).test(line));
  if (start < 0) return undefined;
  const indent = /^(\s+)/.exec(lines[start])[1].length;
  const block = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() && !line.trim().startsWith('#') && /^(\s*)/.exec(line)[1].length <= indent) break;
    block.push(line.replace(/\s+#.*$/, ''));
  }
  return block.join('\n');
}

/** Problems of docker-compose.yml: its emulator service builds this folder's Dockerfile, listens on 0.0.0.0, mounts no source. */
function checkCompose(text, dockerfile) {
  const emulator = serviceBlock(text, 'emulator');
  if (emulator === undefined) return ['no emulator service'];
  const problems = [];
  const context = /^\s+build:\s*['"]?\.\/?['"]?\s*$/m.test(emulator) || /^\s+context:\s*['"]?\.\/?['"]?\s*$/m.test(emulator);
  const named = /^\s+dockerfile:\s*['"]?([^'"\s]+)/m.exec(emulator)?.[1];
  if (!context) problems.push('emulator: does not build this folder (build: .)');
  else if (named && path.basename(named) !== path.basename(dockerfile)) problems.push(`emulator: builds ${named}, not ${path.basename(dockerfile)}`);
  if (/^\s+image:\s*node:/m.test(emulator)) problems.push('emulator: runs a bare node image instead of the one the Dockerfile builds');
  if (!/^\s+(-\s*)?HOST[:=]\s*['"]?0\.0\.0\.0['"]?\s*$/m.test(emulator)) problems.push('emulator: HOST is not 0.0.0.0: the published port would not reach a service on loopback');
  if (/^\s+-\s*['"]?\.\/?:/m.test(emulator)) problems.push('emulator: bind-mounts the source folder: the image holds what runs');
  return problems;
}

function main(argv) {
  const root = path.resolve(__dirname, '..');
  const [dockerfile = path.join(root, 'Dockerfile'), compose = path.join(root, 'docker-compose.yml')] = argv;
  const shown = (file) => path.relative(process.cwd(), file) || file;
  const problems = [
    ...checkDockerfile(readFileSync(dockerfile, 'utf8')).map((problem) => `${shown(dockerfile)}: ${problem}`),
    ...checkCompose(readFileSync(compose, 'utf8'), dockerfile).map((problem) => `${shown(compose)}: ${problem}`),
  ];
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `${shown(dockerfile)} and ${shown(compose)}: several stages, a pinned Node LTS base, non-root, HEALTHCHECK, exec form, production dependencies only; compose builds it on 0.0.0.0\n`,
  );
}

main(process.argv.slice(2));
