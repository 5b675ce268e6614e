import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { SeclabError, serializeError } from '../../common/errors.ts';
import { DEFAULT_STACK_VERSION, LabSpecError } from '../../common/lab-spec.ts';
import { defaultEnvironment } from '../core/environment.ts';
import type { EngineChoice } from '../core/docker/engine-resolution.ts';
import { specErrorInFlags } from './spec-options.ts';
import { registerAccessCommand } from './commands/access-command.ts';
import { registerPlanCommand } from './commands/plan-command.ts';
import { registerCertsCommand } from './commands/certs-command.ts';
import { registerEmulatorCommand } from './commands/emulator-command.ts';
import { registerExportCommand } from './commands/export-command.ts';
import { registerLabCommands } from './commands/lab-commands.ts';
import { registerUiCommand } from './commands/ui-command.ts';
import { registerWorkshopCommands } from './commands/workshop-commands.ts';

/**
 * Where a run's refusals go and which environment it reads. Commands print their results on
 * process.stdout; commander's messages and every error go through `stderr` here, so a test can
 * run the whole command line in-process and read what a person would see.
 */
export interface CliIo {
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

function versionText(): string {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `seclab ${version}\nElastic Stack ${DEFAULT_STACK_VERSION} by default (seclab up --version X.Y.Z for another)`;
}

interface EngineFlags {
  engine?: string;
  dockerHost?: string;
  context?: string;
}

const engineOptions = () => [
  new Option('--engine <url>', 'the Docker engine to use, as DOCKER_HOST writes it (unix:///path/docker.sock, tcp://host:2376, npipe:////./pipe/name, ssh://user@host)'),
  new Option('--docker-host <url>', 'the same as --engine, named as DOCKER_HOST; with tcp://, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH give the TLS files as for docker'),
  new Option('--context <name>', 'the Docker context to use (docker context ls), instead of the current one'),
];

/**
 * The engine flags on the program and on every command under it: with positional options the
 * program reads its own only before the command, so each command declares them too.
 */
function withEngineOptions(command: Command): void {
  for (const option of engineOptions()) command.addOption(option);
  for (const sub of command.commands) withEngineOptions(sub);
}

/** A fresh program per run: commander keeps parsed values on its Command objects. */
export function createCliProgram(io: CliIo = {}): Command {
  // The engine flags are read once commander has parsed them: the engine is first asked for in a command's action.
  let engineChoice: EngineChoice = {};
  const environment = defaultEnvironment(io.env ?? process.env, () => engineChoice);
  const program = new Command('seclab')
    .description('Secure Cluster Lab: a local Elastic lab in Docker with every security layer on, proved live')
    .configureOutput({
      writeOut: io.stdout ?? ((text) => process.stdout.write(text)),
      writeErr: io.stderr ?? ((text) => process.stderr.write(text)),
    })
    .showHelpAfterError('(add --help for usage)')
    // Program options only before the command: `seclab up --version 9.5.2` is the Stack version.
    .enablePositionalOptions()
    .version(versionText(), '-V, --version', "print seclab's version and the Elastic Stack version a lab gets by default")
    .hook('preAction', (_program, command) => {
      // Before or after the command (`seclab --context x up`, `seclab up --context x`): the same flags, merged.
      const { engine: engineFlag, dockerHost, context } = command.optsWithGlobals<EngineFlags>();
      if (engineFlag !== undefined && dockerHost !== undefined) throw new SeclabError('BAD_OPTION', '--engine and --docker-host both name an engine: use one of them');
      const engine = dockerHost ?? engineFlag;
      engineChoice = { ...(engine !== undefined ? { engine, ...(dockerHost !== undefined ? { engineFlag: '--docker-host' as const } : {}) } : {}), ...(context !== undefined ? { context } : {}) };
      // A clash or a malformed address is refused before the command starts, naming the flag.
      if (engine !== undefined || context !== undefined) environment.engine();
    })
    .exitOverride();
  registerLabCommands(program, environment);
  registerAccessCommand(program, environment);
  registerPlanCommand(program, environment);
  registerCertsCommand(program, environment);
  registerExportCommand(program, environment);
  registerEmulatorCommand(program, environment);
  registerUiCommand(program, environment);
  registerWorkshopCommands(program, environment);
  // A command that is done lets go of the engine's SSH connection and tunnels (ssh:// engines), so the process ends.
  program.hook('postAction', async () => {
    await environment.close?.();
  });
  withEngineOptions(program);
  return program;
}

/**
 * `seclab ARGS…` (without node and the script): resolves to the exit status for an error, 0
 * otherwise (a command that reports failed checks sets process.exitCode itself).
 */
export async function runCli(args: readonly string[], io: CliIo = {}): Promise<number> {
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  try {
    await createCliProgram(io).parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // A spec error names the flags that were typed, not the spec's fields.
    const shown = error instanceof LabSpecError ? specErrorInFlags(error) : error;
    const { code, message } = serializeError(shown);
    if (args.includes('--json')) stdout(`${JSON.stringify({ ok: false, error: serializeError(shown) }, null, 2)}\n`);
    stderr(`seclab: ${message}${code === 'INTERNAL' ? '' : ` [${code}]`}\n`);
    return code === 'LAB_SPEC_INVALID' || code === 'BAD_OPTION' ? 2 : 1;
  }
}

/**
 * Ends the process once a command has run, its output written out first. Whatever the command left behind
 * must not keep it running: an engine call given up at its deadline (a probe's exec an engine never ends)
 * still holds its socket, and Node would wait on it for ever. `status` 0 keeps a process.exitCode the command set.
 */
export async function exitAfterCommand(status: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(status === 0 ? process.exitCode : status);
}
