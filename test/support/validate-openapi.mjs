// Validates an OpenAPI document with @seriousme/openapi-schema-validator, an
// ES module that reads its schemas through import.meta (which Jest's CommonJS
// run cannot load), so tests run this file with plain node. Prints the
// validator's result as JSON: {"valid": true} or {"valid": false, "errors": [...]}.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const [file] = process.argv.slice(2);
const validator = new Validator();
const result = await validator.validate(JSON.parse(readFileSync(file, 'utf8')));
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? [] }));
