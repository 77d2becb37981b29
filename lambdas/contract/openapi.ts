/**
 * The OpenAPI 3.1 description of the whole API, generated from the contract
 * the code runs on: the route table (`routes.ts`: methods, paths, auth) and
 * the zod schemas the handlers validate requests with (`requests.ts`) and
 * build answers to (`bodies.ts`), turned into JSON Schema by zod itself.
 * What a schema cannot say (summaries, which errors a route answers) is
 * written here, per route id; a route without an entry fails the build, so
 * the document cannot silently miss one. `npm run openapi` writes it to
 * docs/openapi.json and a test fails when that file drifts from this.
 *
 * Never imported by a handler: zod's full JSON Schema generator stays out
 * of the Lambda bundles.
 */
import * as z from 'zod/mini';
import { SESSIONS_PAGE } from '../auth/sessions';
import {
  authorizationServerMetadataBody,
  emailStateBody,
  errorBody,
  forgotAcceptedBody,
  introspectionBody,
  jwksBody,
  meBody,
  mfaRequiredBody,
  recoveryCodesBody,
  registeredBody,
  sessionsBody,
  tokensBody,
  totpSecretBody,
} from './bodies';
import { ERROR_STATUS, type ErrorCode, INVALID_TOKEN_CHALLENGE } from './errors';
import { ISSUED_ID } from './ids';
import {
  changePasswordBody,
  emailChangeBody,
  emailVerifyBody,
  introspectForm,
  loginBody,
  logoutBody,
  mfaVerifyBody,
  passwordForgotBody,
  passwordResetBody,
  refreshBody,
  registrationBody,
  revokeForm,
  stepUpBody,
  totpConfirmBody,
  totpEnrolmentBody,
  totpRemovalBody,
} from './requests';
import { ROUTES, type RouteSpec } from './routes';

type JsonObject = Record<string, unknown>;

/** An error answer: its code's one status (`ERROR_STATUS`) and what it means. */
const errorAnswer = (code: ErrorCode, meaning?: string) => ({
  status: ERROR_STATUS[code],
  description: meaning ? `${code}: ${meaning}` : code,
});

/** The error answers, by the name each route lists them with. */
const ERROR_RESPONSES = {
  invalidRequest: errorAnswer('invalid_request', 'malformed or missing input'),
  invalidGrant: errorAnswer('invalid_grant', 'bad, used, superseded or expired token'),
  invalidCredentials: errorAnswer('invalid_credentials', 'wrong username or password'),
  mfaRequired: errorAnswer(
    'mfa_required',
    'the account has a second factor: the body carries mfa_token',
  ),
  invalidToken: errorAnswer('invalid_token', 'bad, expired, revoked or reused token'),
  forbidden: errorAnswer('forbidden', 'refused by the firewall or the access policy'),
  insufficientScope: errorAnswer(
    'insufficient_scope',
    "the token lacks a scope the route requires (a REST API of yours behind this service's authorizer)",
  ),
  insufficientUserAuthentication: errorAnswer(
    'insufficient_user_authentication',
    "a route of your REST API requires a second factor the token's amr lacks: POST /auth/mfa/step-up, then retry (RFC 9470's code, with 403)",
  ),
  notFound: errorAnswer('not_found', 'no such route or session'),
  usernameTaken: errorAnswer('username_taken'),
  tooManyRequests: errorAnswer('too_many_requests', 'throttled or locked out'),
  internalError: errorAnswer('internal_error'),
  unavailable: errorAnswer('unavailable', 'a store could not be reached'),
} as const;
type ErrorName = keyof typeof ERROR_RESPONSES;

type MediaType = 'application/json' | 'application/x-www-form-urlencoded';

interface RouteDoc {
  summary: string;
  description?: string;
  request?: { schema: z.ZodMiniType; mediaType: MediaType; required: boolean };
  query?: { name: string; description: string; schema: JsonObject }[];
  success: { status: number; description: string; schema?: z.ZodMiniType; cacheable?: boolean };
  errors: ErrorName[];
}

const json = 'application/json';
const formEncoded = 'application/x-www-form-urlencoded';

/** Every answer can be throttled or fail; these come on top of each route's own list. */
const ALWAYS: ErrorName[] = ['tooManyRequests', 'internalError'];

const ROUTE_DOCS: Record<string, RouteDoc> = {
  Register: {
    summary: 'Create an account',
    description:
      'With an email (where e-mail is on), the address is stored unverified and a link to ' +
      'verify it is sent to it; the answer is the same whether or not another account holds it.',
    request: { schema: registrationBody, mediaType: json, required: true },
    success: { status: 201, description: 'The new user', schema: registeredBody },
    errors: ['invalidRequest', 'usernameTaken', 'unavailable'],
  },
  Login: {
    summary: 'Log in: open a session and get its token pair',
    request: { schema: loginBody, mediaType: json, required: true },
    description:
      'An account with a second factor gets 403 mfa_required with an mfa_token instead, ' +
      'which POST /auth/mfa/verify takes with a code.',
    success: { status: 200, description: 'The token pair', schema: tokensBody },
    errors: ['invalidRequest', 'invalidCredentials', 'mfaRequired', 'unavailable'],
  },
  Refresh: {
    summary: 'Rotate the refresh token: a new pair, the old one revoked',
    request: { schema: refreshBody, mediaType: json, required: true },
    success: { status: 200, description: 'The new token pair', schema: tokensBody },
    errors: ['invalidRequest', 'invalidToken', 'unavailable'],
  },
  Logout: {
    summary: 'End the session of the access token (Bearer) and/or the refresh token',
    description: 'The Bearer header is optional here: a refresh token in the body is enough.',
    request: { schema: logoutBody, mediaType: json, required: false },
    success: { status: 204, description: 'The session is over (also when it already was)' },
    errors: ['invalidRequest', 'invalidToken', 'unavailable'],
  },
  LogoutAll: {
    summary: "End every session of the caller's user",
    success: { status: 204, description: 'Every session is over' },
    errors: ['invalidToken', 'unavailable'],
  },
  Me: {
    summary: 'Who the access token belongs to',
    success: { status: 200, description: 'The caller', schema: meBody },
    errors: ['invalidToken', 'unavailable'],
  },
  ListSessions: {
    summary: "The caller's live sessions, newest first, paginated",
    query: [
      {
        name: 'limit',
        description: `Page size (default ${SESSIONS_PAGE.defaultLimit})`,
        schema: { type: 'integer', minimum: 1, maximum: SESSIONS_PAGE.maxLimit },
      },
      {
        name: 'next',
        description: 'The `next` of the previous page',
        schema: { type: 'string' },
      },
    ],
    success: { status: 200, description: 'One page of sessions', schema: sessionsBody },
    errors: ['invalidRequest', 'invalidToken', 'unavailable'],
  },
  DeleteSession: {
    summary: 'End one session of the caller',
    success: { status: 204, description: 'The session is over' },
    errors: ['invalidToken', 'notFound', 'unavailable'],
  },
  ChangePassword: {
    summary: 'Change the password; every other session ends',
    request: { schema: changePasswordBody, mediaType: json, required: true },
    success: { status: 204, description: 'Password changed' },
    errors: ['invalidRequest', 'invalidCredentials', 'invalidToken', 'unavailable'],
  },
  MfaVerify: {
    summary: 'Finish a login with a second factor: the mfa_token and a code',
    description:
      'The code is a current TOTP code, or an unused recovery code in its place. ' +
      'The mfa_token lasts 5 minutes and takes 5 codes; a wrong code counts on the ' +
      'login lockout. The tokens carry amr ["pwd","otp","mfa"], or ["pwd","mfa"] after a recovery code.',
    request: { schema: mfaVerifyBody, mediaType: json, required: true },
    success: { status: 200, description: 'The session’s first token pair', schema: tokensBody },
    errors: ['invalidRequest', 'invalidGrant', 'invalidCredentials', 'unavailable'],
  },
  EmailChange: {
    summary: "Set or change the account's e-mail address (the current password again)",
    description:
      'The address is stored unverified and a link to verify it is sent to it; a verified ' +
      'address it replaces is told. Where another account holds the address verified, the ' +
      'answer is the same and that address gets a notice instead. Only where e-mail is on.',
    request: { schema: emailChangeBody, mediaType: json, required: true },
    success: { status: 202, description: 'The address as stored', schema: emailStateBody },
    errors: ['invalidRequest', 'invalidCredentials', 'invalidToken', 'notFound', 'unavailable'],
  },
  EmailVerify: {
    summary: "Verify the account's e-mail address with the token of its link",
    description: 'No Bearer token: the token is the proof. Only where e-mail is on.',
    request: { schema: emailVerifyBody, mediaType: json, required: true },
    success: { status: 204, description: 'The address is verified' },
    errors: ['invalidRequest', 'invalidGrant', 'notFound', 'unavailable'],
  },
  PasswordForgot: {
    summary: 'Ask for a password reset link, by username or by e-mail address',
    description:
      'Exactly one of `username` and `email`. A link is sent only to the verified address of ' +
      'an account that is not disabled; the answer is the same 202 and body whatever the ' +
      'account, and takes at least the response-time floor (`passwordForgotMinResponseMs`). ' +
      'No Bearer token. Only where e-mail is on.',
    request: { schema: passwordForgotBody, mediaType: json, required: true },
    success: {
      status: 202,
      description: 'Always this body, whether a link was sent or not',
      schema: forgotAcceptedBody,
    },
    errors: ['invalidRequest', 'notFound', 'unavailable'],
  },
  PasswordReset: {
    summary: 'Set a new password with the token of a reset link; every session ends',
    description:
      'No Bearer token: the token is the proof. It works once, within 15 minutes by default, ' +
      'and only while no newer token, password change or address change replaced it. The ' +
      "account's lockout is cleared; a second factor stays on. Only where e-mail is on.",
    request: { schema: passwordResetBody, mediaType: json, required: true },
    success: { status: 204, description: 'The new password is set' },
    errors: ['invalidRequest', 'invalidGrant', 'notFound', 'unavailable'],
  },
  MfaStepUp: {
    summary: 'Step up the open session with a second factor: a new pair, the stronger amr',
    description:
      'Bearer: the session’s current access token. The code is a current TOTP code, or an ' +
      'unused recovery code; a wrong one counts on the lockout like a password. The same ' +
      'session gets a new pair carrying amr ["pwd","otp","mfa"] (["pwd","mfa"] after a ' +
      'recovery code), kept by every later refresh; the replaced pair is revoked, and its ' +
      'refresh token has no grace window. 400 when the account has no TOTP on.',
    request: { schema: stepUpBody, mediaType: json, required: true },
    success: { status: 200, description: 'The session’s new token pair', schema: tokensBody },
    errors: ['invalidRequest', 'invalidCredentials', 'invalidToken', 'unavailable'],
  },
  MfaTotpBegin: {
    summary: 'Start turning TOTP on: a new secret, pending until confirmed',
    description:
      'Takes the current password again, so a stolen access token cannot enrol an ' +
      'authenticator. Replaces a pending secret; refused (400) while TOTP is on.',
    request: { schema: totpEnrolmentBody, mediaType: json, required: true },
    success: {
      status: 200,
      description: 'The secret (base32) and its otpauth URI, shown once',
      schema: totpSecretBody,
    },
    errors: ['invalidRequest', 'invalidCredentials', 'invalidToken', 'unavailable'],
  },
  MfaTotpConfirm: {
    summary: 'Turn TOTP on with a first code; every other session ends',
    request: { schema: totpConfirmBody, mediaType: json, required: true },
    success: {
      status: 200,
      description: 'Ten one-time recovery codes, shown once',
      schema: recoveryCodesBody,
    },
    errors: ['invalidRequest', 'invalidCredentials', 'invalidToken', 'unavailable'],
  },
  MfaTotpRemove: {
    summary: 'Turn TOTP off (the current password and a code); every other session ends',
    description: 'The code is a current TOTP code or an unused recovery code.',
    request: { schema: totpRemovalBody, mediaType: json, required: true },
    success: { status: 204, description: 'TOTP and its recovery codes removed' },
    errors: ['invalidRequest', 'invalidCredentials', 'invalidToken', 'unavailable'],
  },
  Jwks: {
    summary: 'The public signing keys (RFC 7517)',
    success: { status: 200, description: 'The key set', schema: jwksBody, cacheable: true },
    errors: ['unavailable'],
  },
  OAuthRevoke: {
    summary: 'Revoke a token and its whole session (RFC 7009)',
    description:
      'Answers 200 with an empty body for any token, valid or not (RFC 7009 §2.2). ' +
      'An unknown token_type_hint is ignored.',
    request: { schema: revokeForm, mediaType: formEncoded, required: true },
    success: { status: 200, description: 'Revoked, or nothing to revoke (empty body)' },
    errors: ['invalidRequest', 'unavailable'],
  },
  OAuthIntrospect: {
    summary: 'Introspect a token (RFC 7662), for resource servers of the same AWS account',
    description:
      'Only a live access token is active. Callers sign with SigV4 (AWS_IAM) and must be ' +
      'listed in the stack context introspectionPrincipals; locally HTTP Basic with ' +
      'INTROSPECTION_SECRET as the password.',
    request: { schema: introspectForm, mediaType: formEncoded, required: true },
    success: { status: 200, description: 'The token state', schema: introspectionBody },
    errors: ['invalidRequest', 'forbidden', 'unavailable'],
  },
  OAuthMetadata: {
    summary: 'Authorization server metadata (RFC 8414)',
    success: {
      status: 200,
      description: 'The metadata document',
      schema: authorizationServerMetadataBody,
      cacheable: true,
    },
    errors: [],
  },
};

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a client sends or receives it. */
function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    // Rules that only code can check (the username rules, say) are not in the schema.
    unrepresentable: 'any',
  }) as JsonObject;
  return rest;
}

const ref = (kind: 'responses' | 'schemas', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});

function operation(route: RouteSpec): JsonObject {
  const doc = ROUTE_DOCS[route.id];
  if (!doc) throw new Error(`No OpenAPI entry for route ${route.id}: add one to ROUTE_DOCS.`);
  const parameters = [
    ...[...route.path.matchAll(/\{([^{}]+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: ISSUED_ID.source },
    })),
    ...(doc.query ?? []).map((query) => ({ ...query, in: 'query', required: false })),
  ];
  const security =
    route.auth === 'bearer'
      ? [{ bearerJwt: [] }]
      : route.auth === 'iam'
        ? [{ awsSigV4: [] }, { localIntrospectionSecret: [] }]
        : route.id === 'Logout'
          ? [{}, { bearerJwt: [] }]
          : [];
  const successHeaders = doc.success.cacheable
    ? { 'Cache-Control': { schema: { type: 'string' }, description: 'public, max-age=…' } }
    : undefined;
  const errors = [...new Set([...doc.errors, ...ALWAYS])].sort(
    (a, b) => ERROR_RESPONSES[a].status - ERROR_RESPONSES[b].status,
  );
  const responses: JsonObject = {
    [doc.success.status]: {
      description: doc.success.description,
      ...(successHeaders ? { headers: successHeaders } : {}),
      ...(doc.success.schema
        ? { content: { [json]: { schema: jsonSchema(doc.success.schema, 'output') } } }
        : {}),
    },
  };
  // Two answers share 401 (credentials, token): both bodies are the error body, described once.
  for (const name of errors) {
    const { status } = ERROR_RESPONSES[name];
    responses[status] ??= ref('responses', name);
  }
  return {
    operationId: route.id.charAt(0).toLowerCase() + route.id.slice(1),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.request
      ? {
          requestBody: {
            required: doc.request.required,
            content: {
              [doc.request.mediaType]: { schema: jsonSchema(doc.request.schema, 'input') },
            },
          },
        }
      : {}),
    responses,
    security,
  };
}

function errorResponses(): JsonObject {
  return Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([name, { description, status }]) => [
      name,
      {
        description,
        ...(name === 'invalidToken'
          ? {
              headers: {
                'WWW-Authenticate': { schema: { type: 'string', const: INVALID_TOKEN_CHALLENGE } },
              },
            }
          : {}),
        ...(status === ERROR_STATUS.too_many_requests
          ? { headers: { 'Retry-After': { schema: { type: 'integer', minimum: 0 } } } }
          : {}),
        content: {
          [json]: { schema: ref('schemas', name === 'mfaRequired' ? 'MfaRequired' : 'Error') },
        },
      },
    ]),
  );
}

/** The whole document, deterministic: same code, same bytes. */
export function openApiDocument(version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as JsonObject)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'serverless-jwt-auth',
      version,
      description:
        'JWT authentication whose logout really logs out. Generated from the route table and ' +
        'schemas in lambdas/contract/ by `npm run openapi`; do not edit by hand.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'Deployed stage (the stack output ApiUrl)',
        variables: {
          apiId: { default: 'abc123' },
          region: { default: 'us-east-1' },
          stage: { default: 'prod' },
        },
      },
      { url: 'http://127.0.0.1:3000', description: 'npm start' },
    ],
    paths,
    components: {
      schemas: {
        Error: jsonSchema(errorBody, 'output'),
        MfaRequired: jsonSchema(mfaRequiredBody, 'output'),
      },
      responses: errorResponses(),
      securitySchemes: {
        bearerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An access token (ES256, typ at+jwt), checked by the API Gateway authorizer. It ' +
            "carries the scopes its user's roles grant (claim scope, space-separated; the " +
            "deployment's scopes are the metadata's scopes_supported). A route of your API " +
            'that requires scopes lists them in its security requirement, and answers 403 ' +
            'insufficient_scope to a token without them; one that requires a second factor ' +
            'answers 403 insufficient_user_authentication to a token whose amr lacks mfa.',
        },
        awsSigV4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS Signature Version 4 (API Gateway AWS_IAM authorization), by a principal listed ' +
            'in the stack context introspectionPrincipals.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        localIntrospectionSecret: {
          type: 'http',
          scheme: 'basic',
          description: 'Local mode only: HTTP Basic with INTROSPECTION_SECRET as the password.',
        },
      },
    },
  };
}
