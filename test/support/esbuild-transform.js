/**
 * Jest's transform: esbuild turns TypeScript (and the ES-module-only
 * dependencies) into CommonJS. It strips types and checks none (that is
 * `npm run typecheck`'s job), which is what makes the suite fast.
 */
const { transformSync } = require('esbuild');
const { version } = require('esbuild/package.json');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

/** This file is part of every cache key: a change here re-transforms everything. */
const SELF = readFileSync(__filename);

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      // Jest's module registry serves require(): import() becomes one, as ts-jest did.
      supported: { 'dynamic-import': false },
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(version)
      .update(SELF)
      .update(filename)
      .update(source)
      .digest('hex');
  },
};
