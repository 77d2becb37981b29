/**
 * The default template's logical ids and output keys, pinned. A renamed
 * logical id makes CloudFormation replace the resource: a new RestApi has a
 * new stage URL, which is the default issuer, so every token in the field
 * stops verifying (everyone logged out), and a new table starts empty. The
 * admin CLI reads outputs by name. `logical-ids.json` holds what a deployed
 * stack has; a change to it is a deliberate, reviewed act.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthStack } from './stack';

interface Pinned {
  resources: Record<string, string>;
  outputs: string[];
}

const PINNED_FILE = path.join(__dirname, 'logical-ids.json');

/**
 * A REST API deployment's logical id ends with a hash of the API's content:
 * a new one on every API change is how CDK redeploys the stage (the stage
 * and its URL stay). Pinned is the id without that hash.
 */
function pinnedId(id: string, type: string): string {
  return type === 'AWS::ApiGateway::Deployment'
    ? id.replace(/[0-9a-f]{32}$/, '<content hash>')
    : id;
}

/** Every logical id with its resource type, and every output key, of a template. */
function logicalIdsOf(template: Record<string, unknown>): Pinned {
  const resources = (template.Resources ?? {}) as Record<string, { Type: string }>;
  return {
    resources: Object.fromEntries(
      Object.entries(resources)
        .map(([id, resource]) => [pinnedId(id, resource.Type), resource.Type] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
    outputs: Object.keys((template.Outputs ?? {}) as object).sort(),
  };
}

describe('logical ids of the default template', () => {
  const pinned = JSON.parse(fs.readFileSync(PINNED_FILE, 'utf8')) as Pinned;
  const actual = logicalIdsOf(synthStack().template.toJSON());

  it('keeps every pinned resource under its logical id and type', () => {
    const lost = Object.entries(pinned.resources)
      .filter(([id, type]) => actual.resources[id] !== type)
      .map(([id, type]) => `${id} (${type})`);
    expect(lost).toEqual([]);
  });

  it('keeps every pinned output key', () => {
    expect(pinned.outputs.filter((key) => !actual.outputs.includes(key))).toEqual([]);
  });

  it('pins every resource and output it has (a new one is added to logical-ids.json)', () => {
    expect(Object.keys(actual.resources).filter((id) => !(id in pinned.resources))).toEqual([]);
    expect(actual.outputs.filter((key) => !pinned.outputs.includes(key))).toEqual([]);
  });
});
