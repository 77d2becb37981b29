/**
 * The address (`METHOD /path`) of the routes whose answers the functions
 * count themselves (`http/observability.ts`: logins, registrations,
 * refreshes). `routes.ts` builds those routes from these entries, so each
 * address is still written once; the functions import this small table
 * instead of the whole route table and its grants, which used to cost every
 * handler bundle a few hundred bytes per route. Plain data only.
 */
export const COUNTED_ROUTES = {
  Register: { method: 'POST', path: '/auth/register' },
  Login: { method: 'POST', path: '/auth/login' },
  Refresh: { method: 'POST', path: '/auth/refresh' },
} as const;
