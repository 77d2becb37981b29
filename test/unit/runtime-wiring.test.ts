import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ENV } from '../../lambdas/config';
import { tableEnvironment } from '../../lambdas/contract/tables';
import {
  createRuntime,
  createWiring,
  issuer,
  keySet,
  type Part,
  signer,
  users,
  wire,
  wireParts,
} from '../../lambdas/runtime';

const TABLES = tableEnvironment();

async function localEnv(): Promise<Record<string, string>> {
  return { ...TABLES, [ENV.localKeyDir]: await mkdtemp(join(tmpdir(), 'jwt-wiring-')) };
}

describe('the runtime parts (lambdas/runtime.ts)', () => {
  it('gives a route exactly the parts its entry wires, besides the settings and the clock', async () => {
    const runtime = wire({ users }, await localEnv());

    expect(Object.keys(runtime).sort()).toEqual(['clock', 'config', 'users']);
    expect(typeof runtime.users().find).toBe('function');
  });

  it('builds a part once per instance, on first use', async () => {
    const built: string[] = [];
    const counted: Part<{ n: number }> = () => {
      built.push('counted');
      return { n: built.length };
    };
    const runtime = wire({ counted }, await localEnv());

    expect(built).toEqual([]);
    expect(runtime.counted()).toBe(runtime.counted());
    expect(built).toEqual(['counted']);
  });

  it('shares a part that several parts are built from: one instance, built once', async () => {
    let builds = 0;
    const shared: Part<object> = () => {
      builds += 1;
      return {};
    };
    const left: Part<{ shared: object }> = (w) => ({ shared: w.use(shared) });
    const right: Part<{ shared: object }> = (w) => ({ shared: w.use(shared) });
    const runtime = wire({ left, right }, await localEnv());

    expect(runtime.left().shared).toBe(runtime.right().shared);
    expect(builds).toBe(1);
  });

  it('creates each AWS client once per instance, whichever parts ask for it', async () => {
    const w = createWiring(await localEnv());

    expect(w.dynamo()).toBe(w.dynamo());
    expect(w.kms()).toBe(w.kms());
  });

  it('signs with the key the key set publishes when the issuer and the key set are wired together', async () => {
    const w = createWiring(await localEnv());
    const runtime = wireParts(w, { issuer, keySet });

    runtime.issuer();
    const published = await runtime.keySet().publicKeys();

    expect(published).toEqual([await w.use(signer).publicKey()]);
  });

  it('parses every setting when the entry wires (the cold start), whatever parts it takes', async () => {
    const env = { ...(await localEnv()), [ENV.accessTokenTtlSeconds]: 'soon' };

    expect(() => wire({}, env)).toThrow(ConfigError);
    expect(() => createRuntime(env)).toThrow(ENV.accessTokenTtlSeconds);
  });
});
