/**
 * What the deployment rehearsal reads from the synthesized template matches
 * the shared contract: the same routes, methods and protection as the route
 * table, the authorizer on the Authorization header with caching off, one
 * gateway response per shared definition, the shared tables, one signing key;
 * and every function's environment resolves to local values.
 */
import { GATEWAY_RESPONSES } from '../../lambdas/contract/gateway-responses';
import { TABLES } from '../../lambdas/contract/tables';
import { TemplateResolver } from '../../tools/rehearse/resolve';
import {
  type CfnTemplate,
  readKeys,
  readRestApi,
  readTables,
  resourcesOfType,
} from '../../tools/rehearse/template';
import { DEFAULT_ROUTES, synthStack } from './stack';

const template = synthStack().template.toJSON() as CfnTemplate;

/** The attributes `Fn::GetAtt` reads of resource `id` anywhere in the template. */
function attributesRead(source: CfnTemplate, id: string): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      const att = (value as Record<string, unknown>)['Fn::GetAtt'];
      if (Array.isArray(att) && att[0] === id) found.add(String(att[1]));
      Object.values(value).forEach(walk);
    }
  };
  walk(source.Resources);
  return [...found];
}

describe('the template as the rehearsal reads it', () => {
  it('serves exactly the routes of the route table, with the same protection, but the IAM ones', () => {
    const api = readRestApi(template);
    const served = api.routes.map((route) => `${route.method} ${route.path} ${route.auth}`).sort();
    // SigV4 needs IAM, which a rehearsal has not got: it lists those routes as skipped.
    const iam = DEFAULT_ROUTES.filter((route) => route.auth === 'iam');

    expect(served).toEqual(
      DEFAULT_ROUTES.filter((route) => route.auth !== 'iam')
        .map((route) => `${route.method} ${route.path} ${route.auth}`)
        .sort(),
    );
    expect(api.skipped).toHaveLength(iam.length);
    expect(api.authorizer).toMatchObject({ identityHeader: 'Authorization', resultTtlSeconds: 0 });
    expect(Object.keys(api.responses).sort()).toEqual(Object.keys(GATEWAY_RESPONSES).sort());
  });

  it('leaves out the CORS preflight methods (no Lambda proxies) and the IAM routes, nothing else', () => {
    const cors = synthStack({
      corsOrigins: 'http://localhost:5173',
    }).template.toJSON() as CfnTemplate;
    const api = readRestApi(cors);

    const iam = DEFAULT_ROUTES.filter((route) => route.auth === 'iam');
    expect(api.routes).toHaveLength(DEFAULT_ROUTES.length - iam.length);
    const preflights = api.skipped.filter((skipped) => skipped.startsWith('OPTIONS '));
    expect(preflights.length).toBeGreaterThan(0);
    expect(api.skipped).toHaveLength(preflights.length + iam.length);
    for (const skipped of preflights) expect(skipped).toMatch(/^OPTIONS \S+ \(MOCK integration\)$/);
    expect(api.responses.UNAUTHORIZED?.headers).toMatchObject({
      'Access-Control-Allow-Origin': "'http://localhost:5173'",
    });
  });

  it('finds the shared tables’ keys and TTL attributes, one signing key, the refresh-token key and the TOTP secrets’ key', () => {
    const tables = readTables(template);

    expect(tables.map((table) => table.ttlAttribute ?? null).sort()).toEqual(
      Object.values(TABLES)
        .map((table) => ('ttlAttribute' in table ? table.ttlAttribute : null))
        .sort(),
    );
    expect(
      readKeys(template)
        .map((key) => key.spec)
        .sort(),
    ).toEqual(['ECC_NIST_P256', 'HMAC_256', 'SYMMETRIC_DEFAULT']);
  });

  it('resolves every function’s environment without deploying anything', async () => {
    const resolver = new TemplateResolver({
      template,
      stackName: 'TestStack',
      physicalIds: {},
      // A custom resource answers (at its ResponseURL, or as a provider framework's
      // onEvent) with a value for every attribute the template reads of it.
      invoke: async (_fn, event) => {
        const { ResponseURL, LogicalResourceId, RequestId } = event as Record<string, string>;
        const data = Object.fromEntries(
          attributesRead(template, LogicalResourceId ?? '').map((name) => [name, `${name}-value`]),
        );
        if (ResponseURL?.includes('cloudformation-response')) {
          await fetch(ResponseURL, {
            method: 'PUT',
            body: JSON.stringify({ Status: 'SUCCESS', RequestId, Data: data }),
          });
          return null;
        }
        return { Data: data };
      },
    });

    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(DEFAULT_ROUTES.length);
    for (const [id, fn] of functions) {
      const variables =
        (fn.Properties?.Environment as { Variables: object } | undefined)?.Variables ?? {};
      for (const [name, value] of Object.entries(variables)) {
        await expect(resolver.resolveString(value, `${id} ${name}`)).resolves.toEqual(
          expect.any(String),
        );
      }
    }
  });
});
