/** `npm run openapi`: regenerates docs/openapi.json from the contract. */
import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApi } from '../local/openapi';

writeFileSync(OPENAPI_FILE, renderOpenApi());
console.log(`wrote ${OPENAPI_FILE}`);
