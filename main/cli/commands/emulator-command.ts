import type { Command } from 'commander';
import { DEFAULT_STACK_VERSION } from '../../../common/lab-spec.ts';
import { buildEmulatorImages, EMULATED_PRODUCTS, type EmulatedProduct } from '../../core/emulator-images/build-emulator-images.ts';
import type { CoreEnvironment } from '../../core/environment.ts';
import { SeclabError } from '../../../common/errors.ts';

export function registerEmulatorCommand(program: Command, environment: CoreEnvironment): void {
  const emulator = program.command('emulator').description('the emulated Elastic images (no registry needed)');
  emulator
    .command('build')
    .description('build seclab-emulator/{elasticsearch,kibana,elastic-agent}:<version> locally')
    .option('--version <x.y.z>', 'version the images report', DEFAULT_STACK_VERSION)
    .option('--product <name...>', `only these: ${EMULATED_PRODUCTS.join(', ')}`)
    .option('--force', 'rebuild even when the sources have not changed')
    .option('--json', 'machine-readable output')
    .action(async (flags: { version: string; product?: string[]; force?: boolean; json?: boolean }) => {
      const unknown = (flags.product ?? []).filter((p) => !EMULATED_PRODUCTS.includes(p as EmulatedProduct));
      if (unknown.length) throw new SeclabError('BAD_OPTION', `--product ${unknown.join(', ')} is not an emulated product: choose from ${EMULATED_PRODUCTS.join(', ')}`);
      // The version becomes an image tag and what the emulators report: X.Y.Z only, checked before the engine is asked.
      if (!/^\d{1,2}\.\d{1,3}\.\d{1,3}$/.test(flags.version)) throw new SeclabError('BAD_OPTION', `--version: "${flags.version}" is not a version: write it as X.Y.Z, such as ${DEFAULT_STACK_VERSION}`);
      const engine = environment.engine();
      await engine.version();
      const results = await buildEmulatorImages(engine, {
        version: flags.version,
        products: flags.product as EmulatedProduct[] | undefined,
        force: flags.force,
        onProgress: (progress) => {
          if (!flags.json && progress.phase !== 'building') process.stderr.write(`${progress.image}: ${progress.phase}\n`);
        },
      });
      process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : results.map((r) => `${r.image} ${r.outcome}\n`).join(''));
    });
}
