/**
 * `npm run rehearse`: synthesizes the stack (or reads an existing assembly)
 * and serves it on http://127.0.0.1:$PORT as AWS would run it, before anyone
 * deploys. See docs/rehearsal.md.
 *
 *   npm run rehearse                          synthesize into cdk.out, then serve
 *   npm run rehearse -- -c stage=dev          context values for the synthesis (emailFrom and
 *                                             emailLinkBaseUrl have rehearsal defaults)
 *   npm run rehearse -- --assembly cdk.out    serve an existing assembly, no synthesis
 *   npm run rehearse -- --stack NAME          serve one stack of an assembly holding several (default all)
 *   npm run rehearse -- --app DIR             synthesize the CDK app in DIR, serve every API of every stack
 */
import { join, resolve } from 'node:path';
import { settingsFromEnv } from '../../lambdas/contract/setting-values';
import { FUNCTION_SETTINGS } from '../../lambdas/contract/settings';
import { localOutboxDir } from '../../local/handler-env';
import { LOCAL_SETTINGS } from '../../local/settings';
import { closeOnSignals } from '../../local/shutdown';
import { ENDPOINTS_FILE, startRehearsal } from './app';
import { PROJECT_ROOT, readAssembly, synthesize } from './assembly';

// Everything it stores (database, stand-in keys) is its user's alone, as with npm start.
process.umask(0o077);

const OUTDIR = 'cdk.out';

/** The rehearsal's settings: npm start's, with a data folder of its own. */
const REHEARSAL_SETTINGS = {
  port: LOCAL_SETTINGS.port,
  dataDir: { ...LOCAL_SETTINGS.dataDir, default: '.data/rehearsal' },
  dynamodbEndpoint: FUNCTION_SETTINGS.dynamodbEndpoint,
} as const;

interface Arguments {
  assembly?: string;
  app?: string;
  stack?: string;
  context: string[];
}

function parseArguments(argv: readonly string[]): Arguments {
  const parsed: Arguments = { context: [] };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (value === undefined) throw new Error(`${flag} needs a value.`);
    if (flag === '--assembly') parsed.assembly = value;
    else if (flag === '--app') parsed.app = value;
    else if (flag === '--stack') parsed.stack = value;
    else if (flag === '-c' || flag === '--context') parsed.context.push(value);
    else throw new Error(`Unknown argument ${flag} (see docs/rehearsal.md).`);
    index += 1;
  }
  return parsed;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const settings = settingsFromEnv(REHEARSAL_SETTINGS, process.env);
  const { port, dynamodbEndpoint: endpoint } = settings;
  const dataDir = resolve(settings.dataDir);
  if (args.app && (args.assembly || args.stack)) {
    throw new Error(
      '--app serves every stack of the app it synthesizes: no --assembly or --stack.',
    );
  }
  let dir = args.assembly;
  if (args.app) {
    const appDir = resolve(args.app);
    dir = join(appDir, OUTDIR);
    console.log(
      `synthesizing the app in ${appDir} into ${dir} (cdk synth, bundling every function)...`,
    );
    await synthesize(dir, args.context, appDir);
  } else if (!dir) {
    dir = resolve(PROJECT_ROOT, OUTDIR);
    console.log(`synthesizing the stack into ${dir} (cdk synth, bundling every function)...`);
    await synthesize(dir, args.context);
  } else if (args.context.length > 0) {
    throw new Error('-c applies to a synthesis; it cannot change an existing --assembly.');
  }
  const assembly = await readAssembly(dir, args.stack);
  const rehearsal = await startRehearsal({
    assembly,
    port,
    dataDir,
    ...(endpoint ? { dynamodbEndpoint: endpoint } : {}),
    hostEnv: process.env,
  });
  const [first] = rehearsal.apis;
  console.log(`rehearsal of ${first?.stack} listening on ${first?.url}`);
  for (const api of rehearsal.apis) {
    console.log(`  ${api.type} ${api.stack}/${api.api} ${api.url}`);
    console.log(`    routes (* = behind the authorizer): ${api.routes.join(', ')}`);
    if (api.skipped.length > 0) console.log(`    not served: ${api.skipped.join(', ')}`);
  }
  console.log(`  from ${assembly.dir} (endpoints in ${ENDPOINTS_FILE}); data in ${dataDir}`);
  console.log(
    `  KMS stand-in at ${rehearsal.kmsEndpoint}; DynamoDB at ${rehearsal.dynamodbEndpoint}`,
  );
  console.log(
    `  SES stand-in at ${rehearsal.sesEndpoint}: messages go to ${localOutboxDir(dataDir)} (links printed here)`,
  );
  if (rehearsal.adminStack) {
    console.log(
      `  admin CLI: npm run admin -- <command> --local=${dataDir} (the tables of ${rehearsal.adminStack})`,
    );
  }
  for (const warning of rehearsal.warnings) console.log(`  note: ${warning}`);

  closeOnSignals('stopping the rehearsal', () => rehearsal.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
