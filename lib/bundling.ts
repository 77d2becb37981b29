/**
 * How every function is bundled, in one place: `AuthFunction` hands these
 * settings to `NodejsFunction`, and the bundle-size test, `npm run bench` and
 * the package build run esbuild with the very same ones
 * (`tools/esbuild-options.ts`), so the sizes and cold starts they measure are
 * the deployed ones, and so is what the package ships.
 *
 * The AWS SDK is bundled, minified and tree-shaken, instead of loaded from
 * the Lambda runtime: the runtime's copy is the full CommonJS distribution of
 * every client, and loading it is most of a cold start (docs/performance.md:
 * authorizer import 219 ms with the SDK left to the runtime, 106 ms bundled).
 */
/** Node.js 24, as `Runtime.NODEJS_24_X`; esbuild's target for it. */
export const BUNDLE_TARGET = 'node24';

/** jose and middy ship only ES modules; the bundle is one too. */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** A CommonJS dependency inside an ES module bundle may still call `require`. */
export const BUNDLE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** Nothing is left to the runtime: the SDK is bundled too (see the file comment). */
export const BUNDLE_EXTERNAL_MODULES: string[] = [];
