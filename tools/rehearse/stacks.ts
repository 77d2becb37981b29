/**
 * The stacks of one cloud assembly, resolved together as one account would
 * hold them: a stack's `Fn::ImportValue` finds another stack's export, and a
 * parameter of type `AWS::SSM::Parameter::Value<String>` finds the
 * `AWS::SSM::Parameter` some stack of the assembly writes under that name,
 * and gets its value (never its name). Each value is resolved in the stack
 * that owns it, once.
 */
import { type AssemblyLookup, TemplateResolver } from './resolve';
import { type CfnTemplate, RehearsalError, resourcesOfType } from './template';

export interface StackInput {
  stackName: string;
  template: CfnTemplate;
  /** Names chosen for resources by logical id: what `Ref` gives. */
  physicalIds: Record<string, string>;
  /** Invokes a function of this stack by logical id (custom resources). */
  invoke(logicalId: string, event: unknown): Promise<unknown>;
}

/** One resolver per stack, each able to read what the others write. */
export function assemblyResolvers(stacks: readonly StackInput[]): Map<string, TemplateResolver> {
  const resolvers = new Map<string, TemplateResolver>();
  const memo = new Map<string, Promise<unknown>>();
  const once = (key: string, compute: () => Promise<unknown>) => {
    let value = memo.get(key);
    if (!value) {
      value = compute();
      memo.set(key, value);
    }
    return value;
  };

  /** Literal names only: a name built from intrinsics would need the owner resolved first. */
  function literal(value: unknown): string | undefined {
    return typeof value === 'string' ? value : undefined;
  }

  const lookup: AssemblyLookup = {
    async ssmParameter(name, where) {
      for (const stack of stacks) {
        for (const [id, resource] of resourcesOfType(stack.template, 'AWS::SSM::Parameter')) {
          if (literal(resource.Properties?.Name) !== name) continue;
          const owner = resolvers.get(stack.stackName) as TemplateResolver;
          return String(
            await once(`ssm:${name}`, () =>
              owner.resolveString(
                resource.Properties?.Value,
                `SSM parameter ${name} (${stack.stackName}/${id}), read by ${where}`,
              ),
            ),
          );
        }
      }
      throw new RehearsalError(
        `${where}: no stack of the assembly writes the SSM parameter ${name}; the rehearsal will not pass its name as its value.`,
      );
    },
    async importValue(name, where) {
      for (const stack of stacks) {
        for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
          if (literal(output.Export?.Name) !== name) continue;
          const owner = resolvers.get(stack.stackName) as TemplateResolver;
          return once(`export:${name}`, () =>
            owner.resolve(
              output.Value,
              `output ${stack.stackName}.${outputId}, imported by ${where}`,
            ),
          );
        }
      }
      throw new RehearsalError(`${where}: no stack of the assembly exports ${name}.`);
    },
  };

  for (const stack of stacks) {
    resolvers.set(
      stack.stackName,
      new TemplateResolver({
        template: stack.template,
        stackName: stack.stackName,
        physicalIds: stack.physicalIds,
        invoke: stack.invoke,
        assembly: lookup,
      }),
    );
  }
  return resolvers;
}
