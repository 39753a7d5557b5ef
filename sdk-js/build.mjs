#!/usr/bin/env node
// Builds a JavaScript playbook or connector into a WebAssembly component.
//
//     node sdk-js/build.mjs --entry app.js --world moat:platform/playbook@0.1.0 --out app.wasm
//
// Steps: install this package's pinned tools with `npm ci` when they are
// missing, bundle the entry module with esbuild (the import `moat-sdk`
// resolves to this SDK, and `moat:*` and `wasi:*` imports stay for the
// component's bindings), then build the component with componentize-js
// against `wit/`.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const sdkDir = dirname(fileURLToPath(import.meta.url));
const WORLDS = ['moat:platform/playbook@0.1.0', 'moat:platform/connector@0.1.0'];

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      entry: { type: 'string' },
      world: { type: 'string', default: WORLDS[0] },
      wit: { type: 'string', default: join(sdkDir, '..', 'wit') },
      out: { type: 'string' },
    },
  });
  if (!values.entry) fail('missing --entry FILE: the JavaScript module to build');
  if (!values.out) fail('missing --out FILE: where to write the component');
  if (!WORLDS.includes(values.world)) {
    fail(`unknown world \`${values.world}\`; use one of ${WORLDS.join(', ')}`);
  }
  if (!existsSync(values.entry)) fail(`entry module ${values.entry} does not exist`);
  return values;
}

// Installs the exact versions of package-lock.json when a pinned tool is
// missing or has another version.
function ensureTools() {
  const pinned = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).dependencies;
  const stale = Object.entries(pinned).filter(([name, version]) => {
    const manifest = join(sdkDir, 'node_modules', name, 'package.json');
    return !existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).version !== version;
  });
  if (stale.length === 0) return;

  process.stderr.write(`installing ${stale.map(([n, v]) => `${n}@${v}`).join(', ')} with npm ci\n`);
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: sdkDir, stdio: 'inherit' });
  if (npm.error) fail(`could not start npm (${npm.error.message}); install Node.js 20 or later with npm`);
  if (npm.status !== 0) fail(`npm ci in ${sdkDir} failed with status ${npm.status}`);
}

async function bundle(entry, workDir) {
  const esbuild = await import('esbuild');
  const outfile = join(workDir, 'bundle.js');
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      external: ['moat:*', 'wasi:*'],
      alias: { 'moat-sdk': join(sdkDir, 'src', 'index.js') },
      logLevel: 'error',
    });
  } catch (error) {
    fail(`esbuild could not bundle ${entry}: ${error.message}`);
  }
  return outfile;
}

async function componentize(bundlePath, options) {
  const { componentize: build } = await import('@bytecodealliance/componentize-js');
  try {
    const { component } = await build({
      sourcePath: bundlePath,
      witPath: resolve(options.wit),
      worldName: options.world,
      // A component serves no incoming HTTP requests.
      disableFeatures: ['fetch-event'],
    });
    return component;
  } catch (error) {
    fail(`componentize-js could not build ${options.entry}: ${error.message ?? error}`);
  }
}

async function main() {
  const options = parseOptions();
  ensureTools();

  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'moat-js-'));
  try {
    const bundlePath = await bundle(resolve(options.entry), workDir);
    const component = await componentize(bundlePath, options);
    writeFileSync(options.out, component);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`${options.out}: ${component.length} bytes in ${seconds} s\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
