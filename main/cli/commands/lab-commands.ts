import type { Command } from 'commander';
import type { CoreEnvironment } from '../../core/environment.ts';
import { listLabs, observeLab } from '../../core/orchestrator/observe-lab.ts';
import { readLabRecord } from '../../core/lab-store/lab-records.ts';
import { createEventScrubber, readLabSecrets, scrubSecrets } from '../../core/lab-store/lab-secrets.ts';
import { UP_PHASES, type LabEvent, type UpPhase } from '../../../common/lab-events.ts';
import { allOf, createPhaseRecorder } from '../../../common/phase-timings.ts';
import { containerNameOf, planLab } from '../../core/planner/plan-lab.ts';
import { SeclabError } from '../../../common/errors.ts';
import { removedObjects } from '../../../common/counted.ts';
import { addLabOption, addSpecOptions, labNameOption, validSpecInputFromFlags, wholeNumberIn, type SpecFlags } from '../spec-options.ts';
import { pipeScrubbedLogs } from '../follow-logs.ts';
import { formatStatus, formatLabList, formatPreflight, formatChecks } from '../format/format-status.ts';
import { formatLogText } from '../format/format-logs.ts';
import { formatAccess } from '../format/format-access.ts';
import { formatEngine, formatLinuxNode } from '../format/format-engine.ts';
import { linuxNodeReport } from '../../core/emulator-images/build-emulator-images.ts';
import { formatPublishedPorts } from '../format/format-published-ports.ts';
import { publishedHostPorts } from '../../core/orchestrator/stack-connections.ts';
import { labAccessSummary } from './access-command.ts';
import { verifyLab } from '../../core/verification/verify-lab.ts';
import { readWorkshopJournal } from '../../core/workshop/workshop-journal.ts';

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));
const printIfAny = (text: string) => text && print(text);
const labFlagOf = (lab: string) => (lab === 'default' ? '' : ` --lab ${lab}`);

// Each command loads what only it needs when it runs: `seclab status` must not pay at every start for
// the orchestrator, the Elasticsearch client or the task list (about half a second of CPU together).
const orchestrator = {
  up: () => import('../../core/orchestrator/up-lab.ts'),
  down: () => import('../../core/orchestrator/down-lab.ts'),
  reset: () => import('../../core/orchestrator/reset-lab.ts'),
  preflight: () => import('../../core/orchestrator/lab-preflight.ts'),
};
const progressRenderer = async (phases?: readonly UpPhase[]) => (await import('../format/progress-renderer.ts')).createProgressRenderer(phases);

/** A lesson left broken by a killed process is restored first; the workshop engine loads only when a journal says so. */
async function recoverWorkshop(environment: CoreEnvironment, lab: string): Promise<string | undefined> {
  if (!readWorkshopJournal(environment.home, lab)) return undefined;
  const { recoverInterruptedWorkshop } = await import('../../core/workshop/lesson-engine.ts');
  return recoverInterruptedWorkshop({ environment, emit: () => undefined }, lab);
}

/** What a failed preflight found, as `seclab doctor` shows it, before the error itself. */
async function withFailedPreflightShown<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const checks = error instanceof SeclabError ? error.context.preflight : undefined;
    if (checks) print(formatPreflight(checks));
    throw error;
  }
}

export function registerLabCommands(program: Command, environment: CoreEnvironment): void {
  // Events leave core here for the terminal: each one scrubbed with its lab's secrets.
  const scrub = createEventScrubber(environment.home);
  const scrubbed = (listener: (event: LabEvent) => void) => (event: LabEvent) => listener(scrub(event.lab, event));

  addSpecOptions(program.command('up'))
    .description('create and start a secured lab (or start a stopped one); waits until every component is ready')
    .option('--keep-on-failure', 'leave what was created when something fails, for inspection')
    .option('--json', 'print the final state as JSON (no live task list)')
    .action(async (flags: SpecFlags & { keepOnFailure?: boolean; json?: boolean }) => {
      // A bad flag is a spec error before the task list starts.
      const input = validSpecInputFromFlags(flags);
      // A lesson left broken by a killed process is restored before anything else.
      const recovered = await recoverWorkshop(environment, flags.lab);
      if (recovered) process.stderr.write(`${recovered}\n`);
      const { upLab } = await orchestrator.up();
      const renderer = flags.json ? undefined : await progressRenderer();
      const timings = createPhaseRecorder();
      const work = () => upLab({ environment, emit: allOf(renderer && scrubbed(renderer.listener), timings.listener) }, input, { keepOnFailure: flags.keepOnFailure });
      const result = renderer ? await withFailedPreflightShown(() => renderer.run(work)) : await work();
      if (flags.json) printJson({ outcome: result.outcome, ...result.status, phases: timings.phases() });
      else {
        if (result.outcome === 'already-running') print(`Lab "${result.status.lab}" is already running; nothing changed.`);
        else print(formatPreflight(result.preflight));
        print(formatStatus(result.status));
        const summary = labAccessSummary(environment, result.status.lab);
        print(formatAccess(summary));
        printIfAny(formatPublishedPorts(environment.engine().publishedPorts, summary.access.endpoints, labFlagOf(result.status.lab)));
      }
    });

  addLabOption(program.command('down'))
    .description("remove the lab's containers, volumes and network (only objects labelled seclab.lab=<lab>)")
    .option('--purge', "also delete the lab's folder: certificates, secrets, record")
    .option('--all', 'every lab')
    .option('--json', 'machine-readable output')
    .action(async (flags: { lab: string; purge?: boolean; all?: boolean; json?: boolean }) => {
      const context = { environment, emit: () => undefined };
      const { downAllLabs, downLab } = await orchestrator.down();
      const results = flags.all ? await downAllLabs(context, { purge: flags.purge }) : [await downLab(context, flags.lab, { purge: flags.purge })];
      if (flags.json) printJson(flags.all ? results : results[0]);
      else for (const r of results) print(`Lab "${r.lab}": removed ${removedObjects(r.removed)}${r.purged ? ', and its folder' : ''}.`);
    });

  addLabOption(program.command('reset'))
    .description('a fresh lab of the same shape: new CA, certificates and passwords, empty data; images and network kept')
    .option('--json', 'print the final state as JSON')
    .action(async (flags: { lab: string; json?: boolean }) => {
      const { resetLab } = await orchestrator.reset();
      // A reset's teardown is its first phase, shown like the others.
      const renderer = flags.json ? undefined : await progressRenderer(['teardown', ...UP_PHASES.filter((phase) => phase !== 'verification')]);
      const timings = createPhaseRecorder();
      const work = () => resetLab({ environment, emit: allOf(renderer && scrubbed(renderer.listener), timings.listener) }, flags.lab);
      const result = renderer ? await renderer.run(work) : await work();
      if (flags.json) printJson({ ...result.status, phases: timings.phases() });
      else {
        print(formatStatus(result.status));
        print(formatAccess(labAccessSummary(environment, result.status.lab)));
      }
    });

  program
    .command('status')
    .description('the lab and its components, rediscovered from Docker labels (all labs without --lab)')
    .addOption(labNameOption('one lab').default(undefined))
    .option('--no-checks', 'skip the security checks (components only)')
    .option('--json', 'machine-readable output')
    .action(async (flags: { lab?: string; json?: boolean; checks: boolean }) => {
      const engine = environment.engine();
      if (!flags.lab) {
        const labs = await listLabs(engine, environment.home);
        if (flags.json) printJson(labs);
        else print(formatLabList(labs));
        return;
      }
      // A lesson whose process was killed mid-break is restored first, and the status says so.
      const recovered = await recoverWorkshop(environment, flags.lab);
      if (recovered && !flags.json) print(recovered);
      // The checks start with the observation rather than after it (neither needs the other): a lab that
      // turns out absent has its checks' results dropped, as it had none before.
      const checking = flags.checks && readLabRecord(environment.home, flags.lab) ? verifyLab(environment, flags.lab) : undefined;
      checking?.catch(() => undefined);
      const observed = { ...(await observeLab(engine, environment.home, flags.lab)), ...(recovered ? { workshopRecovered: recovered } : {}) };
      const status = flags.checks && observed.state !== 'absent' ? { ...observed, checks: await (checking ?? verifyLab(environment, flags.lab)) } : observed;
      const record = observed.state === 'absent' ? undefined : readLabRecord(environment.home, flags.lab);
      // A remote engine's ports are reached through a tunnel (ssh://) or not at all (tcp://): said after the status.
      if (record) await engine.publishedPorts.open(publishedHostPorts(planLab(record.spec, record.allocation)));
      if (flags.json) printJson(status);
      else {
        print(formatStatus(status) + (status.checks ? `\n${formatChecks(status.checks)}` : ''));
        if (record) printIfAny(formatPublishedPorts(engine.publishedPorts, planLab(record.spec, record.allocation).endpoints, labFlagOf(flags.lab)));
      }
      if (status.checks?.some((c) => c.status === 'fail' || c.status === 'error')) process.exitCode = 3;
    });

  addLabOption(program.command('logs'))
    .description("a component's log (es01, kibana, fleet-server, agent01, …)")
    .argument('<component>', 'component name')
    .option('-f, --follow', 'keep printing new lines')
    .option('--tail <n>', 'lines from the end', '200')
    .option('--json', "the products' own lines, as they wrote them (ECS JSON)")
    .action(async (component: string, flags: { lab: string; follow?: boolean; tail: string; json?: boolean }) => {
      // The same range as the app's labs.logs.
      const tail = wholeNumberIn('--tail', flags.tail, 1, 5000);
      const engine = environment.engine();
      const record = readLabRecord(environment.home, flags.lab);
      if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${flags.lab}" (see \`seclab status\` for the labs there are)`);
      const components = planLab(record.spec, record.allocation).containers.map((c) => c.component);
      if (!components.includes(component)) {
        throw new SeclabError('UNKNOWN_COMPONENT', `lab "${flags.lab}" has no component "${component}": choose one of ${components.join(', ')}`);
      }
      const name = containerNameOf(flags.lab, component);
      const info = await engine.inspectContainer(name);
      if (!info || info.Config.Labels?.['seclab.lab'] !== flags.lab) {
        throw new SeclabError('UNKNOWN_COMPONENT', `${component} of lab "${flags.lab}" has no container: start the lab (\`seclab up --lab ${flags.lab}\`) to see its logs`);
      }
      const secrets = readLabSecrets(environment.home, flags.lab) ?? {};
      // Secrets are scrubbed from the raw text first (their base64 and Basic headers too), then lines are made readable.
      const readable = flags.json ? (text: string) => text : formatLogText;
      if (!flags.follow) {
        print(readable(scrubSecrets(await engine.logs(name, { tail }), secrets)));
        return;
      }
      await pipeScrubbedLogs(await engine.logs(name, { tail, follow: true }), secrets, (text) => process.stdout.write(readable(text)));
    });

  addSpecOptions(program.command('doctor'))
    .description('the Docker engine used (and where seclab looked for one), then the preflight checks `up` runs, alone: Docker, memory, vm.max_map_count, ports, disk, existing lab')
    .option('--json', 'machine-readable output')
    .action(async (flags: SpecFlags & { json?: boolean }) => {
      const input = validSpecInputFromFlags(flags);
      // Which engine, and how it was found, comes first: every check below is that engine's.
      const engine = environment.engine().info;
      const { preflightLab } = await orchestrator.preflight();
      const checks = await preflightLab(environment, input);
      // The Node the lab images and probes are built from (the desktop app is no Node).
      const linuxNode = await linuxNodeReport(environment.engine());
      if (flags.json) printJson({ engine, linuxNode, checks });
      else print(`${engine ? formatEngine(engine) : ''}${formatLinuxNode(linuxNode)}${formatPreflight(checks)}`);
      if (checks.some((c) => c.status === 'fail')) process.exitCode = 1;
    });
}
