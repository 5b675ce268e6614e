import type { Command } from 'commander';
import { planForDisplay } from '../../core/planner/plan-for-display.ts';
import { resolveLab } from '../../core/planner/plan-service.ts';
import type { CoreEnvironment } from '../../core/environment.ts';
import { addSpecOptions, specInputFromFlags, type SpecFlags } from '../spec-options.ts';
import { formatPlan } from '../format/format-plan.ts';

export function registerPlanCommand(program: Command, environment: CoreEnvironment): void {
  addSpecOptions(program.command('plan'))
    .description('print every Docker object `up` would create, without touching Docker')
    .option('--json', 'machine-readable output')
    .action(async (flags: SpecFlags & { json?: boolean }) => {
      const { plan } = await resolveLab(environment, specInputFromFlags(flags));
      process.stdout.write(flags.json ? `${JSON.stringify(planForDisplay(plan), null, 2)}\n` : formatPlan(plan));
    });
}
