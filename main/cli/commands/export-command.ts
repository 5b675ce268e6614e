import { Option, type Command } from 'commander';
import type { CoreEnvironment } from '../../core/environment.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../../common/lab-export.ts';
import { addSpecOptions, validSpecInputFromFlags, type SpecFlags } from '../spec-options.ts';

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/** Any flag that shapes the lab (not its name or ports): a recorded lab is exported as it is unless one is given. */
function shapeFlagsGiven(flags: SpecFlags): boolean {
  return [flags.nodes, flags.version, flags.images, flags.license, flags.memory, flags.agents].some((value) => value !== undefined) || !flags.kibana || !flags.fleet;
}

export function registerExportCommand(program: Command, environment: CoreEnvironment): void {
  addSpecOptions(program.command('export'))
    .description('write the lab as files another tool runs: a Compose project (compose) or ECK manifests (eck)')
    .addOption(new Option('--format <format>', 'compose or eck').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <dir>', 'a new or empty folder to write the export into')
    .option('--json', 'machine-readable output')
    .action(async (flags: SpecFlags & { format: ExportFormat; out: string; json?: boolean }) => {
      const spec = validSpecInputFromFlags(flags);
      // Loaded when the command runs: the export pulls in the PKI, which every other command would otherwise load at its start.
      const { exportLab } = await import('../../core/export/export-lab.ts');
      const result = await exportLab(environment, { format: flags.format, outDir: flags.out, spec, hasShapeFlags: shapeFlagsGiven(flags) });
      if (flags.json) {
        print(JSON.stringify(result, null, 2));
        return;
      }
      print(
        `Lab "${flags.lab}" exported as ${result.format === 'compose' ? 'a Compose project' : 'ECK manifests'} to ${result.outDir} (${result.files.length} files, ${result.files.filter((f) => f.secret).length} of them secret; README.md says what each is).`,
      );
      print('Next:');
      for (const step of result.nextSteps) print(`  ${step}`);
    });
}
