/**
 * docs/openapi.json is the contract as code runs it: regenerated here and
 * compared byte for byte (run `npm run openapi` after changing a route or a
 * schema), validated by an OpenAPI 3.1 validator, and checked to list every
 * route, body, error and security scheme.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ERROR_CODES } from '../../../lambdas/contract/errors';
import { openApiDocument } from '../../../lambdas/contract/openapi';
import { ROUTES } from '../../../lambdas/contract/routes';
import { OPENAPI_FILE, renderOpenApi } from '../../../local/openapi';

const VALIDATOR = resolve(__dirname, '..', '..', 'support', 'validate-openapi.mjs');

type Operation = {
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
  security: Record<string, unknown>[];
};

function validate(document: unknown): { valid: boolean; errors: unknown } {
  const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  return JSON.parse(execFileSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' }));
}

const document = openApiDocument('test') as {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
};
const operation = (method: string, path: string) =>
  document.paths[path]?.[method.toLowerCase()] as Operation;

describe('docs/openapi.json', () => {
  it('is exactly what the code generates (run `npm run openapi` when this fails)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(validate(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')))).toEqual({
      valid: true,
      errors: [],
    });
  });

  it('fails validation when broken, so the validator is really checking', () => {
    const broken = { ...document, paths: { '/x': { get: { responses: 'none' } } } };
    expect(validate(broken).valid).toBe(false);
  });
});

describe('openApiDocument', () => {
  it('lists every route of the route table, and nothing else', () => {
    const listed = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('secures each route as the route table says', () => {
    for (const route of ROUTES) {
      const { security } = operation(route.method, route.path);
      if (route.auth === 'bearer') expect(security).toEqual([{ bearerJwt: [] }]);
      if (route.auth === 'iam') expect(security).toContainEqual({ awsSigV4: [] });
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'awsSigV4',
      'bearerJwt',
      'localIntrospectionSecret',
    ]);
  });

  it('describes the request bodies with their media types', () => {
    expect(Object.keys(operation('POST', '/oauth/revoke').requestBody?.content ?? {})).toEqual([
      'application/x-www-form-urlencoded',
    ]);
    expect(operation('POST', '/auth/login').requestBody?.content).toMatchObject({
      'application/json': {
        schema: { type: 'object', required: ['username', 'password'] },
      },
    });
  });

  it('names every error code of the API in the error schema, and a 500 on every route', () => {
    expect(document.components.schemas.Error).toMatchObject({
      properties: { error: { enum: [...ERROR_CODES] } },
    });
    for (const route of ROUTES) {
      expect(operation(route.method, route.path).responses).toHaveProperty('500');
    }
    expect(operation('POST', '/oauth/revoke').responses).toHaveProperty('400');
    expect(operation('POST', '/auth/refresh').responses).toHaveProperty('401');
  });
});
