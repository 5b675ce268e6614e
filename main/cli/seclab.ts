import { Command, CommanderError } from 'commander';
import { serializeError } from '../../common/errors.ts';
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
  .exitOverride();

registerLabCommands(program, environment);
registerPlanCommand(program, environment);
registerCertsCommand(program, environment);
registerEmulatorCommand(program, environment);
registerUiCommand(program, environment);
registerWorkshopCommands(program, environment);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const { code, message } = serializeError(error);
  const json = process.argv.includes('--json');
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: serializeError(error) }, null, 2)}\n`);
  process.stderr.write(`seclab: ${message}${code === 'INTERNAL' ? '' : ` [${code}]`}\n`);
  process.exit(code === 'LAB_SPEC_INVALID' || code === 'BAD_OPTION' ? 2 : 1);
}
