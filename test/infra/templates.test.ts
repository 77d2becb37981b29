/**
 * The template tests: every `*.spec.ts` beside this file, run as one Jest test
 * file. Jest gives each test file a module registry of its own, so each spec
 * run as its own file loaded aws-cdk-lib and synthesized the default stack
 * afresh (about a second before its first assertion); here they load it once
 * and share each synthesized context (`synthStack` memoizes by context; the
 * specs only read what it returns). Together they took 51 s of a worker as 19
 * files and take 20 s as one. One spec alone:
 * `npx jest test/infra/templates -t '<its describe>'`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SPECS = readdirSync(__dirname)
  .filter((file) => file.endsWith('.spec.ts'))
  .sort();

for (const spec of SPECS) {
  require(join(__dirname, spec));
}
