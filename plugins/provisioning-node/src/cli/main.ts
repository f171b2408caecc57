import { parseArgs } from 'node:util';
import { CommandResult, renderCommand, validateCommand } from './commands';

const USAGE = `Usage:
  provisioning render --request <request.yaml> --repo <gitops checkout> [--owners <login,...>] [--config <platform.yaml>] [--dry-run] [--today YYYY-MM-DD]
  provisioning validate --repo <gitops checkout> [--config <platform.yaml>] [--today YYYY-MM-DD]

render    writes the files of one request (namespace, vm, quota-change, decommission) into the checkout;
          --owners names the GitHub logins that approve the team's folders (required for a new namespace;
          otherwise the folder's CODEOWNERS entry is kept)
validate  checks the whole repository: schemas, policy, kustomize build of each cluster, labels,
          duplicate names and CODEOWNERS; prints one line per problem and exits 1 when there is any
The platform settings default to <repo>/.kubeportal/platform.yaml.`;

/** Runs the command line; returns the exit code. */
export async function main(
  argv: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        request: { type: 'string' },
        repo: { type: 'string' },
        config: { type: 'string' },
        today: { type: 'string' },
        'dry-run': { type: 'boolean' },
        owners: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    (values.help ? out : err)(USAGE);
    return values.help ? 0 : 2;
  }
  const need = (name: 'request' | 'repo') => {
    if (!values[name]) throw new Error(`--${name} is required for ${command}`);
    return values[name] as string;
  };
  let result: CommandResult;
  try {
    if (command === 'render') {
      const owners = values.owners
        ?.split(',')
        .map(o => o.trim().replace(/^@/, ''))
        .filter(Boolean);
      result = await renderCommand({
        request: need('request'),
        repo: need('repo'),
        config: values.config,
        today: values.today,
        dryRun: values['dry-run'],
        owners,
      });
    } else if (command === 'validate') {
      result = await validateCommand({
        repo: need('repo'),
        config: values.config,
        today: values.today,
      });
    } else {
      err(`unknown command '${command}'\n\n${USAGE}`);
      return 2;
    }
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  for (const line of result.lines) (result.code === 0 ? out : err)(line);
  return result.code;
}
