/**
 * Route matching as an API Gateway REST API does it: a request path is matched
 * segment by segment against the resource paths of the shared route table,
 * `{name}` segments becoming path parameters.
 */
import type { RouteSpec } from '../lambdas/contract/routes';

/**
 * What the emulated gateway needs of a route: the shared {@link RouteSpec}s
 * are such routes, and so are the routes a deployment rehearsal reads from a
 * synthesized template (`tools/rehearse`).
 */
export type GatewayRoute = Pick<RouteSpec, 'id' | 'entry' | 'path' | 'auth'> & { method: string };

export interface RouteMatch {
  route: GatewayRoute;
  /** Decoded values of the `{name}` segments; empty for a path without any. */
  pathParameters: Record<string, string>;
}

export type RouteLookup =
  | { kind: 'matched'; match: RouteMatch }
  /** No resource has this path, or it has no method for this verb: API Gateway answers both alike. */
  | { kind: 'missing' };

interface CompiledRoute {
  route: GatewayRoute;
  segments: readonly Segment[];
}

type Segment = { literal: string } | { parameter: string };

function compile(route: GatewayRoute): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const parameter = /^\{([^{}]+)\}$/.exec(part)?.[1];
      return parameter ? { parameter } : { literal: part };
    });
  return { route, segments };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index] ?? '';
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
      continue;
    }
    const value = decode(part);
    // API Gateway never matches a path parameter to an empty segment.
    if (!value) return undefined;
    parameters[segment.parameter] = value;
  }
  return parameters;
}

/** Builds a matcher over `routes`; literal segments win over parameters, as in API Gateway. */
export function createRouter(
  routes: readonly GatewayRoute[],
): (method: string, path: string) => RouteLookup {
  const compiled = routes.map(compile).sort((a, b) => literalWeight(b) - literalWeight(a));
  return (method, path) => {
    const parts = path.split('/').slice(1);
    const verb = method.toUpperCase();
    for (const candidate of compiled) {
      if (candidate.route.method !== verb) continue;
      const pathParameters = matchSegments(candidate.segments, parts);
      if (pathParameters)
        return { kind: 'matched', match: { route: candidate.route, pathParameters } };
    }
    return { kind: 'missing' };
  };
}

function literalWeight({ segments }: CompiledRoute): number {
  return segments.filter((segment) => 'literal' in segment).length;
}
