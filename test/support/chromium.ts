/**
 * The Chromium the browser suite drives (Debian's `chromium`, through
 * playwright-core; nothing is downloaded). Without one, the suite is skipped
 * on a developer's machine, saying so, but fails under `CI=true` (.ci/run
 * sets it): a CI step that skips itself would stay green without testing.
 */
import { existsSync } from 'node:fs';

const DEFAULT_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome',
];

const INSTALL_HINT = 'Install it with `apt-get install -y chromium` or set CHROMIUM_PATH.';

/**
 * The executable to launch, or `undefined` (after a warning) when none is
 * found outside CI; throws when none is found under `CI=true`.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const candidates = [env.CHROMIUM_PATH, ...DEFAULT_CANDIDATES].filter(
    (path): path is string => !!path,
  );
  const found = candidates.find((path) => exists(path));
  if (found) return found;
  const looked = `looked at ${candidates.join(', ')}`;
  if (env.CI === 'true') {
    throw new Error(
      `CI=true and no Chromium found (${looked}): the browser test cannot run. ${INSTALL_HINT}`,
    );
  }
  console.warn(`Browser test skipped: no Chromium found (${looked}). ${INSTALL_HINT}`);
  return undefined;
}
