import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { serializeError } from '../../common/errors.ts';
import { DEFAULT_STACK_VERSION, LabSpecError } from '../../common/lab-spec.ts';
import { specErrorInFlags } from './spec-options.ts';
import { registerAccessCommand } from './commands/access-command.ts';
import { defaultEnvironment } from '../core/environment.ts';
import { registerPlanCommand } from './commands/plan-command.ts';
import { registerCertsCommand } from './commands/certs-command.ts';
import { registerEmulatorCommand } from './commands/emulator-command.ts';
import { registerLabCommands } from './commands/lab-commands.ts';
import { registerUiCommand } from './commands/ui-command.ts';
import { registerWorkshopCommands } from './commands/workshop-commands.ts';

const environment = defaultEnvironment();
const program = new Command('seclab')
  .description('Secure Cluster Lab: a local Elastic lab in Docker with every security layer on, proved live')
  .showHelpAfterError('(add --help for usage)')
  // Program options only before the command: `seclab up --version 9.5.2` is the Stack version.
  .enablePositionalOptions()
  .version(versionText(), '-V, --version', "print seclab's version and the Elastic Stack version a lab gets by default")
  .exitOverride();

function versionText(): string {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `seclab ${version}\nElastic Stack ${DEFAULT_STACK_VERSION} by default (seclab up --version X.Y.Z for another)`;
}

registerLabCommands(program, environment);
registerAccessCommand(program, environment);
registerPlanCommand(program, environment);
registerCertsCommand(program, environment);
registerEmulatorCommand(program, environment);
registerUiCommand(program, environment);
registerWorkshopCommands(program, environment);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // A spec error names the flags that were typed, not the spec's fields.
  const shown = error instanceof LabSpecError ? specErrorInFlags(error) : error;
  const { code, message } = serializeError(shown);
  const json = process.argv.includes('--json');
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: serializeError(shown) }, null, 2)}\n`);
  process.stderr.write(`seclab: ${message}${code === 'INTERNAL' ? '' : ` [${code}]`}\n`);
  process.exit(code === 'LAB_SPEC_INVALID' || code === 'BAD_OPTION' ? 2 : 1);
}
