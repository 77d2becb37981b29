/**
 * Route requirements: the table the construct writes into a user API's stage
 * variables, read back by the shared authorizer from its REQUEST event, and
 * the answer for a token that does not hold a route's scopes, in every shape:
 * an explicit Deny on REST (never an unconditional stage wildcard, so a
 * cached policy cannot carry into a stricter route), a refusal on an HTTP API.
 */
import {
  MAX_REQUIREMENT_CHUNKS,
  REQUIREMENTS_VARIABLE,
  type RouteRequirement,
  readRequirements,
  requirementVariables,
  STAGE_VARIABLE_MAX_LENGTH,
  unmetRoutes,
} from '../../lambdas/contract/route-requirements';
import type { EventShape } from '../../lambdas/http/authorizer-events';
import { policyAllows } from '../../local/policy';
import { authorizerOverFakes } from '../support/authorizer';
import { authorizerEvent } from '../support/authorizer-events';

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

const REQUIREMENTS = {
  'POST /notes': { scopes: ['notes:write'] },
  'GET /notes': {},
  'DELETE /notes/{id}': { scopes: ['notes:write', 'notes:admin'] },
};

/** A scope on one route, a second factor on another. */
const MFA_AND_SCOPES = {
  'POST /notes': { scopes: ['notes:write'] },
  'GET /notes': {},
  'DELETE /notes/{id}': { mfa: true },
};

const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod';

describe('the stage variables', () => {
  it('round-trip the table in characters a stage variable may hold', () => {
    const variables = requirementVariables(REQUIREMENTS);

    for (const value of Object.values(variables)) {
      expect(value).toMatch(/^[A-Za-z0-9\-._~:/?#&=,]+$/);
      expect(value.length).toBeLessThanOrEqual(STAGE_VARIABLE_MAX_LENGTH);
    }
    expect(readRequirements({ other: 'x', ...variables })).toEqual(REQUIREMENTS);
  });

  it('cut a long table into several variables, read back in order', () => {
    const long = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`GET /r${i}`, { scopes: [`scope:${i}`] }]),
    );

    const variables = requirementVariables(long);

    expect(Object.keys(variables).length).toBeGreaterThan(1);
    expect(Object.keys(variables).length).toBeLessThanOrEqual(MAX_REQUIREMENT_CHUNKS);
    expect(readRequirements(variables)).toEqual(long);
  });

  it('are none for an API without requirements, and read as none', () => {
    expect(requirementVariables({})).toEqual({});
    expect(readRequirements(null)).toBeUndefined();
    expect(readRequirements({ unrelated: 'value' })).toBeUndefined();
  });

  it('fail loudly when tampered with: the authorizer then fails closed', () => {
    expect(() => readRequirements({ [`${REQUIREMENTS_VARIABLE}0`]: 'bm90IGpzb24' })).toThrow();
  });
});

/** The routes `unmetRoutes` names, in order. */
const unmetKeys = (...args: Parameters<typeof unmetRoutes>) => [...unmetRoutes(...args).keys()];

describe('unmetRoutes', () => {
  it('names every route the token does not meet, with why', () => {
    expect(unmetRoutes(MFA_AND_SCOPES, 'notes:read', ['pwd'])).toEqual(
      new Map([
        ['POST /notes', 'insufficient_scope'],
        ['DELETE /notes/{id}', 'insufficient_user_authentication'],
      ]),
    );
  });

  it('names every route whose scopes the token lacks', () => {
    expect(unmetKeys(REQUIREMENTS, 'notes:read')).toEqual(['POST /notes', 'DELETE /notes/{id}']);
    expect(unmetKeys(REQUIREMENTS, 'notes:write')).toEqual(['DELETE /notes/{id}']);
    expect(unmetKeys(REQUIREMENTS, 'notes:admin notes:write')).toEqual([]);
  });

  it('treats a token without scope (issued before scopes existed) as holding none', () => {
    expect(unmetKeys(REQUIREMENTS, undefined)).toEqual(['POST /notes', 'DELETE /notes/{id}']);
    expect(unmetKeys(undefined, undefined)).toEqual([]);
  });
});

/** Why `unmetRoutes` refuses a table of one route with `requirement`, if it does. */
const unmetBy = (requirement: RouteRequirement, scope: string, amr: string[] | undefined) =>
  unmetRoutes({ 'GET /r': requirement }, scope, amr).get('GET /r');

describe('a second factor (mfa)', () => {
  const MFA = {
    'DELETE /notes/{id}': { mfa: true },
    'POST /notes': { scopes: ['notes:write'], mfa: true },
  };

  it('is met by a token whose amr holds mfa only', () => {
    expect(unmetBy({ mfa: true }, '', ['pwd'])).toBe('insufficient_user_authentication');
    expect(unmetBy({ mfa: true }, '', undefined)).toBe('insufficient_user_authentication');
    expect(unmetBy({ mfa: true }, '', ['pwd', 'otp', 'mfa'])).toBeUndefined();
    expect(unmetBy({ mfa: true }, '', ['pwd', 'mfa'])).toBeUndefined();
    expect(unmetBy({ mfa: false }, '', ['pwd'])).toBeUndefined();
    expect(unmetKeys(MFA, 'notes:write', ['pwd'])).toEqual(['DELETE /notes/{id}', 'POST /notes']);
    expect(unmetKeys(MFA, 'notes:write', ['pwd', 'otp', 'mfa'])).toEqual([]);
  });

  it('names a missing scope first: a step-up would not give it', () => {
    expect(unmetBy(MFA['POST /notes'], '', ['pwd'])).toBe('insufficient_scope');
    expect(unmetBy(MFA['POST /notes'], 'notes:write', ['pwd'])).toBe(
      'insufficient_user_authentication',
    );
  });
});

async function setup(scope: string | undefined, amr?: string[]) {
  const { authorize, pair } = await authorizerOverFakes({
    subject: {
      ...(scope === undefined ? {} : { claims: { scope, roles: [] } }),
      ...(amr ? { amr } : {}),
    },
  });
  return { authorize, token: `Bearer ${pair.access.token}` };
}

/** The event of `shape` for `method path`, on an API whose stage carries REQUIREMENTS. */
function eventFor(
  shape: EventShape,
  token: string,
  method: string,
  resource: string,
  requirements: Parameters<typeof requirementVariables>[0] = REQUIREMENTS,
) {
  const base = authorizerEvent(shape, token) as Record<string, unknown>;
  const stageVariables = requirementVariables(requirements);
  if (shape === 'http-2.0') {
    return { ...base, stageVariables, routeKey: `${method} ${resource}` };
  }
  return { ...base, stageVariables, httpMethod: method, resource };
}

describe('the authorizer on a REST API (REQUEST authorizer)', () => {
  it('denies the routes whose scopes the token lacks explicitly, beside the stage-wide Allow', async () => {
    const { authorize, token } = await setup('notes:read');

    const result = (await authorize(eventFor('rest-request', token, 'GET', '/notes') as never)) as {
      policyDocument: Parameters<typeof policyAllows>[0];
      context: Record<string, string>;
    };

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${STAGE}/*` },
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${STAGE}/POST/notes` },
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${STAGE}/DELETE/notes/*` },
    ]);
    // What API Gateway makes of it, for this route and, cached, for the others.
    expect(policyAllows(result.policyDocument, `${STAGE}/GET/notes`)).toBe(true);
    expect(policyAllows(result.policyDocument, `${STAGE}/POST/notes`)).toBe(false);
    expect(policyAllows(result.policyDocument, `${STAGE}/DELETE/notes/n-1`)).toBe(false);
    expect(result.context.scope).toBe('notes:read');
  });

  it('answers a request to a route it does not meet with that policy: API Gateway denies it (403)', async () => {
    const { authorize, token } = await setup('');

    const result = (await authorize(
      eventFor('rest-request', token, 'POST', '/notes') as never,
    )) as { policyDocument: Parameters<typeof policyAllows>[0] };

    expect(policyAllows(result.policyDocument, `${STAGE}/POST/notes`)).toBe(false);
  });

  it('allows everything to a token holding every scope: no Deny at all', async () => {
    const { authorize, token } = await setup('notes:admin notes:write');

    const result = (await authorize(
      eventFor('rest-request', token, 'POST', '/notes') as never,
    )) as {
      policyDocument: { Statement: unknown[] };
    };

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${STAGE}/*` },
    ]);
  });

  it('denies a route required under ANY for every method', async () => {
    const world = await setup('');
    const stageVariables = requirementVariables({ 'ANY /admin/{proxy+}': { scopes: ['admin'] } });
    const event = {
      ...(authorizerEvent('rest-request', world.token) as object),
      stageVariables,
      httpMethod: 'PUT',
      resource: '/admin/{proxy+}',
    };

    const result = (await world.authorize(event as never)) as {
      policyDocument: Parameters<typeof policyAllows>[0];
    };

    expect(policyAllows(result.policyDocument, `${STAGE}/PUT/admin/users/7`)).toBe(false);
    expect(policyAllows(result.policyDocument, `${STAGE}/GET/notes`)).toBe(true);
  });

  it('accepts a token issued before scopes existed on routes without requirements only', async () => {
    const { authorize, token } = await setup(undefined);

    const result = (await authorize(eventFor('rest-request', token, 'GET', '/notes') as never)) as {
      policyDocument: Parameters<typeof policyAllows>[0];
    };

    expect(policyAllows(result.policyDocument, `${STAGE}/GET/notes`)).toBe(true);
    expect(policyAllows(result.policyDocument, `${STAGE}/POST/notes`)).toBe(false);
  });
});

describe('the authorizer on an HTTP API', () => {
  it.each(['http-1.0', 'http-2.0'] as const)(
    '%s: refuses a route whose scopes the token lacks (API Gateway answers 403), allows the others',
    async (shape) => {
      const { authorize, token } = await setup('notes:read');

      const denied = await authorize(eventFor(shape, token, 'POST', '/notes') as never);
      const allowed = await authorize(eventFor(shape, token, 'GET', '/notes') as never);

      const verdict = (result: unknown) => {
        const answer = result as {
          isAuthorized?: boolean;
          policyDocument?: Parameters<typeof policyAllows>[0];
        };
        return (
          answer.isAuthorized ??
          policyAllows(
            answer.policyDocument as Parameters<typeof policyAllows>[0],
            'arn:aws:execute-api:eu-west-1:123456789012:def456/$default/GET/notes',
          )
        );
      };
      expect(verdict(denied)).toBe(false);
      expect(verdict(allowed)).toBe(true);
    },
  );
});

describe('the authorizer and a route that requires a second factor', () => {
  const MFA_REQUIREMENTS = {
    'POST /notes': { scopes: ['notes:write'] },
    'DELETE /notes/{id}': { mfa: true },
  };
  type PolicyAnswer = {
    policyDocument: Parameters<typeof policyAllows>[0];
    context: Record<string, string>;
  };
  const rest = async (scope: string, amr: string[], method: string, resource: string) => {
    const { authorize, token } = await setup(scope, amr);
    return (await authorize(
      eventFor('rest-request', token, method, resource, MFA_REQUIREMENTS) as never,
    )) as PolicyAnswer;
  };

  it('REST: denies it to a password-only token, and names why in the context (denied)', async () => {
    const result = await rest('notes:write', ['pwd'], 'DELETE', '/notes/{id}');

    expect(policyAllows(result.policyDocument, `${STAGE}/DELETE/notes/n-1`)).toBe(false);
    expect(policyAllows(result.policyDocument, `${STAGE}/POST/notes`)).toBe(true);
    expect(result.context).toMatchObject({
      amr: 'pwd',
      denied: 'insufficient_user_authentication',
    });
  });

  it('REST: allows it after a second factor, with no denied in the context', async () => {
    const result = await rest('notes:write', ['pwd', 'otp', 'mfa'], 'DELETE', '/notes/{id}');

    expect(policyAllows(result.policyDocument, `${STAGE}/DELETE/notes/n-1`)).toBe(true);
    expect(result.context.denied).toBeUndefined();
  });

  it('REST: names the reason of the requested route when the token misses both kinds', async () => {
    const scopeRoute = await rest('', ['pwd'], 'POST', '/notes');
    const mfaRoute = await rest('', ['pwd'], 'DELETE', '/notes/{id}');
    // On an allowed route, the first refused one's reason: what a cached policy would need.
    const elsewhere = await rest('', ['pwd'], 'GET', '/notes');

    expect(scopeRoute.context.denied).toBe('insufficient_scope');
    expect(mfaRoute.context.denied).toBe('insufficient_user_authentication');
    expect(elsewhere.context.denied).toBe('insufficient_scope');
    expect(policyAllows(elsewhere.policyDocument, `${STAGE}/GET/notes`)).toBe(true);
  });

  it.each(['http-1.0', 'http-2.0'] as const)(
    '%s: refuses it to a password-only token (API Gateway answers 403), allows it after a step-up',
    async (shape) => {
      const verdict = async (amr: string[]) => {
        const { authorize, token } = await setup('', amr);
        const answer = (await authorize(
          eventFor(shape, token, 'DELETE', '/notes/{id}', MFA_REQUIREMENTS) as never,
        )) as { isAuthorized?: boolean; policyDocument?: Parameters<typeof policyAllows>[0] };
        return (
          answer.isAuthorized ??
          policyAllows(
            answer.policyDocument as Parameters<typeof policyAllows>[0],
            'arn:aws:execute-api:eu-west-1:123456789012:def456/$default/DELETE/notes/n-1',
          )
        );
      };

      expect(await verdict(['pwd'])).toBe(false);
      expect(await verdict(['pwd', 'otp', 'mfa'])).toBe(true);
    },
  );
});
