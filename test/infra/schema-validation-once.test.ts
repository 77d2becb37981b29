/**
 * aws-cdk-lib validates every template against CloudFormation's schemas
 * unless told not to, at 15–20 s a template here. One test keeps it on
 * (bundling.test.ts, in `npm run test:bundles`); every other app a test
 * builds turns it off, through `testApp()` or explicitly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const TEST_ROOT = join(__dirname, '..');
const VALIDATING = ['infra/bundling.test.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each `new App(…)` of a file with whether its options turn the validation off. */
function appsIn(source: string): { call: string; validates: boolean }[] {
  return [...source.matchAll(/new App\(([^)]*)\)/g)].map(([call, options]) => ({
    call,
    validates: !/builtinCloudFormationValidation:\s*false/.test(options ?? ''),
  }));
}

describe('CloudFormation schema validation in tests', () => {
  it('is on only where one test asks for it', () => {
    const validating = sources(TEST_ROOT)
      .filter((file) => file !== __filename)
      .flatMap((file) =>
        appsIn(readFileSync(file, 'utf8'))
          .filter((app) => app.validates)
          .map(() => relative(TEST_ROOT, file)),
      );

    expect(validating).toEqual(VALIDATING);
  });

  it('tells an app that validates from one that does not', () => {
    expect(appsIn('new App({ outdir })')).toEqual([
      { call: 'new App({ outdir })', validates: true },
    ]);
    expect(appsIn('new App({ builtinCloudFormationValidation: false })')[0]?.validates).toBe(false);
  });
});
