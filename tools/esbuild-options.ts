/**
 * The deployed bundling (lib/bundling.ts, `AuthFunction`) as esbuild options,
 * for everything that runs esbuild itself: the bundle-size test, the bench
 * and the package build. Kept out of `lib/` so the package's types never
 * name esbuild, which a consumer does not have.
 */
import type { BuildOptions } from 'esbuild';
import {
  BUNDLE_BANNER,
  BUNDLE_EXTERNAL_MODULES,
  BUNDLE_MAIN_FIELDS,
  BUNDLE_TARGET,
} from '../lib/bundling';

/** esbuild options equivalent to the deployed bundling of `entry`. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'esm',
    minify: true,
    mainFields: BUNDLE_MAIN_FIELDS,
    banner: { js: BUNDLE_BANNER },
    external: BUNDLE_EXTERNAL_MODULES,
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * What `NodejsFunction` adds for a deployed function: an external source map
 * without the sources (`AuthFunction`'s `sourceMap`, `SourceMapMode.EXTERNAL`,
 * `sourcesContent: false`).
 */
export function deployedBundleOptions(entry: string, outfile: string): BuildOptions {
  return { ...esbuildOptions(entry, outfile), sourcemap: 'external', sourcesContent: false };
}
