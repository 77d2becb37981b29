/**
 * One declaration per fact: each error code has one status, which the error
 * classes, API Gateway's own answers and the OpenAPI document all answer
 * with; the bearer header the authorizer parses is exactly the one API
 * Gateway lets through; an id looks the same wherever it is checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../../lambdas/clock';
import { couldBeBearerJwt } from '../../../lambdas/contract/bearer';
import { ERROR_STATUS } from '../../../lambdas/contract/errors';
import { GATEWAY_RESPONSES } from '../../../lambdas/contract/gateway-responses';
import { ISSUED_ID, STORED_ID } from '../../../lambdas/contract/ids';
import { openApiDocument } from '../../../lambdas/contract/openapi';
import { HTTP_METHODS, ROUTES } from '../../../lambdas/contract/routes';
import * as errors from '../../../lambdas/errors';
import { parseBearer } from '../../../lambdas/http/bearer';

describe('the status of each error code', () => {
  const instances = [
    new errors.InvalidRequestError('x'),
    new errors.InvalidCredentialsError(),
    new errors.InvalidTokenError('malformed'),
    new errors.NotFoundError('x'),
    new errors.UsernameTakenError(),
    new errors.TooManyRequestsError(1),
    new errors.UnavailableError(),
  ];

  it.each(instances.map((error) => [error.name, error] as const))(
    '%s answers its code’s status',
    (_, error) => {
      expect(error.status).toBe(ERROR_STATUS[error.code]);
    },
  );

  it('is the status of every gateway answer that sets one', () => {
    for (const spec of Object.values(GATEWAY_RESPONSES)) {
      if (spec.status !== undefined) expect(spec.status).toBe(ERROR_STATUS[spec.body.error]);
    }
  });

  it('is the status of the error table of docs/design.md', () => {
    const design = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'design.md'), 'utf8');
    const rows = [...design.matchAll(/^\| (\d{3}) \| `(\w+)` \|/gm)].map(([, status, code]) => [
      code,
      Number(status),
    ]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_STATUS);
  });

  it('is the status under which the OpenAPI document describes the code', () => {
    const { responses } = openApiDocument('test').components as {
      responses: Record<string, { description: string }>;
    };
    const described = Object.values(responses).map(({ description }) => description.split(':')[0]);
    expect(described.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const path of Object.values(openApiDocument('test').paths as Record<string, object>)) {
      for (const operation of Object.values(path) as { responses: Record<string, unknown> }[]) {
        for (const [status, answer] of Object.entries(operation.responses)) {
          const name = (answer as { $ref?: string }).$ref?.split('/').pop();
          const code = name ? responses[name]?.description.split(':')[0] : undefined;
          if (code) expect(Number(status)).toBe(ERROR_STATUS[code as keyof typeof ERROR_STATUS]);
        }
      }
    }
  });
});

describe('the bearer header', () => {
  it.each([
    ['Bearer a.b.c', true],
    ['bearer   a.b.c  ', true],
    ['Bearer abc', false],
    ['Bearer a.b.', false],
    ['Bearer a.b.c.d', false],
    ['Basic a.b.c', false],
    ['Bearer a/b.c.d', false],
  ])(
    '%p: parsed by the authorizer exactly when API Gateway lets it through (%p)',
    (header, passes) => {
      expect(couldBeBearerJwt(header)).toBe(passes);
      if (passes) expect(parseBearer(header)).toBe('a.b.c');
      else expect(() => parseBearer(header)).toThrow(errors.InvalidTokenError);
    },
  );
});

describe('ids', () => {
  it('an issued id is a stored id; a stored id leaves room for a longer one', () => {
    const issued = 'abcdefghijklmnopqrstuv';
    expect(ISSUED_ID.test(issued)).toBe(true);
    expect(STORED_ID.test(issued)).toBe(true);
    expect(STORED_ID.test(`${issued}${issued}`)).toBe(true);
    expect(ISSUED_ID.test(`${issued}x`)).toBe(false);
  });

  it('a new id never starts with "-", which the admin CLI would read as an option', () => {
    // On a plain base64url id, 1 in 64 does: 2,000 ids would almost surely show one.
    const ids = Array.from({ length: 2000 }, newId);
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(ids.every((id) => ISSUED_ID.test(id))).toBe(true);
  });
});

describe('what the functions know of the route table', () => {
  it('HTTP_METHODS are exactly the methods the routes use (what CORS allows)', () => {
    expect([...new Set(ROUTES.map((route) => route.method))].sort()).toEqual(
      [...HTTP_METHODS].sort(),
    );
  });
});
