/**
 * CORS, one table of cases for every way the API is served: local mode (the
 * gateway emulation with the handlers' own CORS), and the synthesized
 * template as the rehearsal serves it (its gateway responses and the origins
 * it hands to the functions). A browser reads an answer when it carries its
 * origin (or `*`); it may read `WWW-Authenticate` and `Retry-After` on every
 * answer it may read at all.
 *
 * The one difference is API Gateway's: its own answers cannot apply an
 * allow-list (their headers are static or copied from the request), so with
 * several origins they echo any `Origin`, and with one they name it whoever
 * asks (the browser then refuses the answer). Preflights (OPTIONS, a MOCK
 * integration in the template) are checked on local mode only.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ENV, readFunctionSettings } from '../../lambdas/config';
import { CORS_ALLOW_METHODS, CORS_EXPOSE_HEADERS } from '../../lambdas/contract/cors';
import { AUTHORIZER, ROUTES } from '../../lambdas/contract/routes';
import { httpHandler } from '../../lambdas/http/handler';
import { json } from '../../lambdas/http/responses';
import {
  createGateway,
  type GatewayRequest,
  type GatewayResponder,
  type GatewayResponse,
} from '../../local/gateway';
import { templateResponder } from '../../tools/rehearse/responses';
import { type CfnTemplate, readRestApi, resourcesOfType } from '../../tools/rehearse/template';
import { synthStack } from './stack';

const APP = 'https://app.example.com';
const OTHER = 'https://other.example.com';
const EVIL = 'https://evil.example.com';
const EXPOSE = CORS_EXPOSE_HEADERS.join(', ');

const CONFIGS = { none: [], one: [APP], several: [APP, OTHER], any: ['*'] } as const;
type Config = keyof typeof CONFIGS;
type Answer = 'preflight' | 'handler' | 'refused token' | 'unknown route';

/** What a browser sees of CORS in an answer: the allowed origin, whether it exposes, whether it varies. */
interface Seen {
  allow?: string;
  expose?: boolean;
  vary?: boolean;
}

const readable = (allow: string, vary = true): Seen => ({
  allow,
  expose: true,
  ...(vary ? { vary } : {}),
});
/** A preflight answered for `allow`, or (none) for nobody. */
const preflight = (allow: string | undefined, vary = true): Seen =>
  allow ? readable(allow, vary) : { vary };
const refused: Seen = { vary: true };

/** [configured origins, request Origin, answer, what it carries]. */
const CASES: [Config, string, Answer, Seen][] = [
  ['none', APP, 'handler', {}],
  ['none', APP, 'refused token', {}],
  ['none', APP, 'unknown route', {}],
  ['one', APP, 'preflight', preflight(APP)],
  ['one', APP, 'handler', readable(APP)],
  ['one', APP, 'refused token', readable(APP)],
  ['one', APP, 'unknown route', readable(APP)],
  ['one', EVIL, 'preflight', preflight(undefined)],
  ['one', EVIL, 'handler', refused],
  // Static: it names the one origin whoever asks, and the browser of EVIL refuses it.
  ['one', EVIL, 'refused token', readable(APP)],
  ['several', OTHER, 'preflight', preflight(OTHER)],
  ['several', OTHER, 'handler', readable(OTHER)],
  ['several', OTHER, 'refused token', readable(OTHER)],
  ['several', OTHER, 'unknown route', readable(OTHER)],
  ['several', EVIL, 'preflight', preflight(undefined)],
  ['several', EVIL, 'handler', refused],
  // The documented difference: API Gateway's own answers echo the request's Origin.
  ['several', EVIL, 'refused token', readable(EVIL)],
  ['several', EVIL, 'unknown route', readable(EVIL)],
  ['any', EVIL, 'preflight', preflight('*', false)],
  ['any', EVIL, 'handler', readable('*', false)],
  ['any', EVIL, 'refused token', readable('*', false)],
];

function seen(response: GatewayResponse): Seen {
  const header = (name: string) =>
    Object.entries(response.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const allow = header('Access-Control-Allow-Origin');
  const expose = header('Access-Control-Expose-Headers');
  if (expose !== undefined) expect(expose).toBe(EXPOSE);
  return {
    ...(allow !== undefined ? { allow } : {}),
    ...(expose !== undefined ? { expose: true } : {}),
    ...(header('Vary') === 'Origin' ? { vary: true } : {}),
  };
}

/** A gateway whose every route answers 200 through the handlers' own middleware. */
function gatewayWith(options: {
  handlerOrigins: readonly string[];
  gatewayOrigins: readonly string[];
  respond?: GatewayResponder;
}) {
  const answer = httpHandler({ corsOrigins: [...options.handlerOrigins] }, async () =>
    json(200, { ok: true }),
  );
  return createGateway({
    routes: ROUTES,
    corsOrigins: options.gatewayOrigins,
    ...(options.respond ? { respond: options.respond } : {}),
    loadModule: async (entry) => ({
      handler:
        entry === AUTHORIZER.entry
          ? async () => {
              throw new Error('Unauthorized');
            }
          : (event: APIGatewayProxyEvent, context: never) => answer(event, context),
    }),
  });
}

function request(answer: Answer, origin: string): GatewayRequest {
  switch (answer) {
    case 'preflight':
      return {
        method: 'OPTIONS',
        path: '/auth/login',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      };
    case 'handler':
      return { method: 'POST', path: '/auth/login', headers: { Origin: origin } };
    case 'refused token':
      return { method: 'GET', path: '/auth/me', headers: { Origin: origin } };
    case 'unknown route':
      return { method: 'GET', path: '/no/such/route', headers: { Origin: origin } };
  }
}

describe('CORS in local mode', () => {
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it.each(CASES)('%s origins, Origin %s, %s', async (config, origin, answer, expected) => {
    const origins = CONFIGS[config];
    const gateway = gatewayWith({ handlerOrigins: origins, gatewayOrigins: origins });

    expect(seen(await gateway.handle(request(answer, origin)))).toEqual(expected);
  });
});

describe('CORS in the synthesized template, as the rehearsal serves it', () => {
  const templates = new Map<Config, CfnTemplate>();
  const templateOf = (config: Config): CfnTemplate => {
    let template = templates.get(config);
    if (!template) {
      const corsOrigins = CONFIGS[config].join(',');
      template = synthStack(corsOrigins ? { corsOrigins } : {}).template.toJSON() as CfnTemplate;
      templates.set(config, template);
    }
    return template;
  };

  /** The origins the template hands to the functions, as they parse them at cold start. */
  function functionOrigins(template: CfnTemplate): string[] {
    const values = new Set(
      resourcesOfType(template, 'AWS::Lambda::Function').map(([, fn]) => {
        const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> })
          ?.Variables;
        return String(variables?.[ENV.corsOrigins] ?? '');
      }),
    );
    values.delete('');
    expect(values.size).toBeLessThanOrEqual(1);
    const [value] = values;
    return readFunctionSettings(value ? { [ENV.corsOrigins]: value } : {}).corsOrigins ?? [];
  }

  it.each(CASES.filter(([, , answer]) => answer !== 'preflight'))(
    '%s origins, Origin %s, %s',
    async (config, origin, answer, expected) => {
      const template = templateOf(config);
      const gateway = gatewayWith({
        handlerOrigins: functionOrigins(template),
        gatewayOrigins: [],
        respond: templateResponder(readRestApi(template).responses),
      });

      expect(seen(await gateway.handle(request(answer, origin)))).toEqual(expected);
    },
  );
});

describe('the methods CORS allows', () => {
  it('are every method of the route table, and the preflight’s', () => {
    expect([...CORS_ALLOW_METHODS].sort()).toEqual(
      [...new Set(ROUTES.map((route) => route.method)), 'OPTIONS'].sort(),
    );
  });
});
