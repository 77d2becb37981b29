/**
 * Ctrl-C (SIGINT) or SIGTERM closes the server cleanly, once: the HTTP server
 * first, then the database, so the embedded engine's files are left whole.
 * Shared by `npm start` and `npm run rehearse`.
 */
export function closeOnSignals(what: string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: ${what}`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
