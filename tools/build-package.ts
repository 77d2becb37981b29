/**
 * `npm pack` (prepack): builds what the package ships into `dist/`.
 * - `dist/lib`, `dist/lambdas`: the construct library compiled to CommonJS
 *   with type declarations (tsconfig.build.json), and the identity helper;
 * - `dist/functions/<id>`: every function bundled with the deployed settings,
 *   with its assets, which `AuthFunction` uses instead of bundling from
 *   source: a consumer's app needs neither esbuild nor Docker.
 * The shipped code may import only Node's built-ins, relative files and the
 * peer dependencies; `checkImports` fails the build otherwise.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { EVERY_FUNCTION } from '../lambdas/contract/routes';
import { BUNDLE_FILE, PROJECT_ROOT } from '../lib/auth-function';
import { deployedBundleOptions } from './esbuild-options';

const DIST = path.join(PROJECT_ROOT, 'dist');
/** What a consumer has besides the package: its peer dependencies. */
const PEER_DEPENDENCIES = Object.keys(
  (
    JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
    }
  ).peerDependencies ?? {},
);

/** Compiled JavaScript and declarations of the library. */
function compileLibrary(): void {
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

/** Each function's bundle and assets under `dist/functions/<id>`. */
async function bundleFunctions(): Promise<void> {
  for (const spec of EVERY_FUNCTION) {
    const dir = path.join(DIST, 'functions', spec.id);
    mkdirSync(dir, { recursive: true });
    await build(
      deployedBundleOptions(path.join(PROJECT_ROOT, spec.entry), path.join(dir, BUNDLE_FILE)),
    );
    for (const asset of spec.assets ?? []) {
      copyFileSync(path.join(PROJECT_ROOT, asset), path.join(dir, path.basename(asset)));
    }
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** The packages a compiled file imports (`require` in .js, `import … from` in .d.ts). */
export function importedPackages(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/\brequire\("([^"]+)"\)/g),
    ...source.matchAll(/^(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(["']([^"']+)["']\)/g),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

/** Fails when the library imports anything a consumer's app would not have. */
function checkImports(): void {
  const offenders = ['lib', 'lambdas'].flatMap((dir) =>
    filesUnder(path.join(DIST, dir)).flatMap((file) =>
      importedPackages(readFileSync(file, 'utf8'))
        .filter((name) => !PEER_DEPENDENCIES.includes(name))
        .map((name) => `${path.relative(PROJECT_ROOT, file)} imports ${name}`),
    ),
  );
  if (offenders.length > 0) {
    throw new Error(`The package would import what a consumer lacks:\n${offenders.join('\n')}`);
  }
}

async function main(): Promise<void> {
  for (const dir of ['lib', 'lambdas', 'functions']) {
    rmSync(path.join(DIST, dir), { recursive: true, force: true });
  }
  compileLibrary();
  await bundleFunctions();
  checkImports();
  console.log(`Built ${path.relative(PROJECT_ROOT, DIST)}/{lib,lambdas,functions}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
