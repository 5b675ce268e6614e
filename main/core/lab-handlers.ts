import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Handlers, ServerEvent } from '../../common/contract.ts';
import { parseLabSpec, type LabSpecInput } from '../../common/lab-spec.ts';
import { PHASE_TITLES, type LabEvent } from '../../common/lab-events.ts';
import type { LabStatus } from '../../common/lab-status.ts';
import { SeclabError } from '../../common/errors.ts';
import type { CoreEnvironment } from './environment.ts';
import { resolveLab } from './planner/plan-service.ts';
import { planForDisplay } from './planner/plan-for-display.ts';
import { containerNameOf } from './planner/plan-lab.ts';
import { upLab } from './orchestrator/up-lab.ts';
import { downLab } from './orchestrator/down-lab.ts';
import { resetLab } from './orchestrator/reset-lab.ts';
import { listLabs, observeLab } from './orchestrator/observe-lab.ts';
import { preflightLab } from './orchestrator/lab-preflight.ts';
import { readLabRecord } from './lab-store/lab-records.ts';
import { labPaths } from './lab-store/lab-home.ts';
import { createEventScrubber, readLabSecrets, scrubSecrets } from './lab-store/lab-secrets.ts';
import { readLabAccess, revealLabPassword } from './lab-store/lab-access.ts';
import { reachLabEndpoints } from './docker/lab-endpoint-reach.ts';
import { removeOneShotsInFlight } from './docker/docker-engine.ts';
import { readLabCertificates } from './lab-store/lab-certificates.ts';
import { planLab } from './planner/plan-lab.ts';
import { verifyLab } from './verification/verify-lab.ts';
import { LabWatcher } from './verification/lab-watcher.ts';
import { createWorkshopHandlers } from './workshop/workshop-handlers.ts';
import { recoverInterruptedWorkshop } from './workshop/lesson-engine.ts';
import { createLabOperations } from './lab-operations.ts';
import { exportLab } from './export/export-lab.ts';
import { exportFolderFor } from './export/export-folder.ts';

function requireRecord(environment: CoreEnvironment, lab: string) {
  const record = readLabRecord(environment.home, lab);
  if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}": start one from the Start screen or with \`seclab up --lab ${lab}\``, { lab });
  return record;
}

/**
 * The contract's handlers over the core services: one table, served by Electron IPC, by the
 * web UI's HTTP server, and called in-process by tests. `emit` pushes events to whichever
 * transport serves it.
 */
export function createLabHandlers(environment: CoreEnvironment, emitUnscrubbed: (event: ServerEvent) => void): Handlers & { close(): Promise<void> } {
  // The one place events leave core for the UI: failure details, check evidence and log lines are scrubbed here.
  const scrub = createEventScrubber(environment.home);
  const emit = (event: ServerEvent) => emitUnscrubbed(operations.track(scrub(labOfEvent(event), event)));
  const operations = createLabOperations({ now: environment.now, emit });
  const followers = new Map<string, Readable>();
  const watchers = new Map<string, LabWatcher>();
  const watch = (lab: string, initial?: import('../../common/checks.ts').CheckResult[]) => {
    if (watchers.has(lab)) return;
    const watcher = new LabWatcher(environment, lab, {
      onChange: (status) => {
        emit({ type: 'status-changed', lab, status });
        // A running challenge re-verifies its open layers too: a Docker event may be the student's fix.
        workshop.noticeChallenge(lab);
      },
    });
    watchers.set(lab, watcher);
    workshop.noticeChallenge(lab);
    watcher.start(initial).catch(() => watchers.delete(lab));
  };
  const unwatch = (lab: string) => {
    watchers.get(lab)?.stop();
    watchers.delete(lab);
  };
  const labContext = { environment, emit: (event: LabEvent) => emit({ type: 'lab-event', event }) };
  const workshop = createWorkshopHandlers(environment, labContext, { emit });
  // App start: a lesson left broken by a process that died (the app, a killed CLI) is restored.
  void workshop.recoverInterruptedLessons();

  /** A component is one of the lab's plan (else INVALID_INPUT listing them) whose labelled container exists. */
  const requireComponentContainer = async (lab: string, component: string): Promise<string> => {
    const record = requireRecord(environment, lab);
    const components = planLab(record.spec, record.allocation).containers.map((c) => c.component);
    if (!components.includes(component)) {
      throw new SeclabError('INVALID_INPUT', `lab "${lab}" has no component "${component}": choose one of ${components.join(', ')}`, { lab, component });
    }
    const name = containerNameOf(lab, component);
    const info = await environment.engine().inspectContainer(name);
    if (!info || info.Config.Labels?.['seclab.lab'] !== lab) {
      throw new SeclabError('UNKNOWN_COMPONENT', `${component} of lab "${lab}" has no container: start the lab (\`seclab up --lab ${lab}\`) to see its logs`, { lab, component });
    }
    return name;
  };

  /** The app's timeline ends with the proof: every check, run once the lab is up; then the watcher keeps it fresh. */
  const verifyAsLastPhase = async (status: LabStatus): Promise<LabStatus> => {
    const started = Date.now();
    labContext.emit({ type: 'phase-started', lab: status.lab, phase: 'verification', title: PHASE_TITLES.verification, at: new Date().toISOString() });
    const checks = await verifyLab(environment, status.lab);
    const passing = checks.filter((c) => c.status === 'pass' || c.status === 'info').length;
    labContext.emit({
      type: 'phase-finished',
      lab: status.lab,
      phase: 'verification',
      outcome: 'done',
      detail: `${passing} of ${checks.length} checks pass (or are cloud-only info)`,
      at: new Date().toISOString(),
      elapsedMs: Date.now() - started,
    });
    watch(status.lab, checks);
    return { ...status, checks };
  };

  const isBuilding = (lab: string) => {
    const action = operations.current(lab)?.action;
    return action === 'up' || action === 'reset';
  };

  const handlers: Handlers & { close(): Promise<void> } = {
    // A lab being built or reset reads as creating, whatever its half-made containers say.
    'labs.list': async () => (await listLabs(environment.engine(), environment.home)).map((summary) => (isBuilding(summary.lab) ? { ...summary, state: 'creating' as const } : summary)),
    'labs.operations': async () => operations.list(),
    'labs.plan': async ({ spec }) => planForDisplay((await resolveLab(environment, spec as LabSpecInput)).plan),
    'labs.preflight': async ({ spec }) => preflightLab(environment, spec as LabSpecInput),
    'engine.current': async () => {
      const { info } = environment.engine();
      if (!info) throw new SeclabError('ENGINE_UNKNOWN', 'this Docker client was made by hand, so how its engine was found is not known');
      return { ...info, choices: environment.engineSelection?.options() ?? [] };
    },
    'engine.choose': async (choice) => {
      if (!environment.engineSelection) throw new SeclabError('ENGINE_FIXED', 'this Docker client was made by hand, so its engine cannot be changed');
      // A lab half made on one engine would be finished on another: wait for every operation to end.
      const busy = operations.list()[0];
      if (busy) operations.requireIdle(busy.lab, 'choose another engine');
      environment.engineSelection.choose(choice);
      return handlers['engine.current']({});
    },
    'labs.up': async ({ spec }) => {
      // Refused before an operation starts under a name that was never checked.
      const lab = parseLabSpec(spec).name;
      return operations.run(
        lab,
        'up',
        async () => {
          unwatch(lab);
          await recoverInterruptedWorkshop(labContext, lab);
          const result = await upLab(labContext, spec as LabSpecInput);
          const status = await verifyAsLastPhase(result.status);
          emit({ type: 'status-changed', lab: status.lab, status });
          return status;
        },
        (status) => status,
      );
    },
    'labs.down': async ({ lab, purge }) =>
      operations.run(lab, 'down', async () => {
        unwatch(lab);
        const result = await downLab(labContext, lab, { purge });
        return { removed: result.removed };
      }),
    'labs.reset': async ({ lab }) =>
      operations.run(
        lab,
        'reset',
        async () => {
          unwatch(lab);
          const result = await resetLab(labContext, lab);
          const status = await verifyAsLastPhase(result.status);
          emit({ type: 'status-changed', lab, status });
          return status;
        },
        (status) => status,
      ),
    'labs.status': async ({ lab }) => {
      const operation = operations.current(lab);
      // Mid-operation the containers are half made or half gone: say so, and show no check of them.
      if (operation) {
        const observed = { ...(await observeLab(environment.engine(), environment.home, lab)), checks: undefined };
        return operation.action === 'down' ? observed : { ...observed, state: 'creating' };
      }
      const recovered = await recoverInterruptedWorkshop(labContext, lab);
      const status = await observeLab(environment.engine(), environment.home, lab);
      return recovered ? { ...status, workshopRecovered: recovered } : status;
    },
    'labs.access': async ({ lab }) => {
      const access = readLabAccess(environment.home, lab);
      // On an ssh:// engine this opens the lab's tunnels; they stay open while the app runs.
      return { ...access, ...(await reachLabEndpoints(environment.engine().publishedPorts, access.endpoints)) };
    },
    'labs.revealSecret': async ({ lab, username }) => revealLabPassword(environment.home, lab, username),
    'labs.caCertificate': async ({ lab }) => {
      requireRecord(environment, lab);
      const certs = labPaths(environment.home, lab).certs;
      return { pem: readFileSync(join(certs, 'ca', 'ca.crt'), 'utf8'), fingerprintSha256: readFileSync(join(certs, 'ca', 'fingerprint'), 'utf8').trim() };
    },
    'labs.export': async ({ lab, format, outDir }) => {
      requireRecord(environment, lab);
      const folder = exportFolderFor(environment.home, lab, format, environment.now(), outDir);
      return exportLab(environment, { format, outDir: folder, spec: { name: lab }, hasShapeFlags: false, outName: 'folder' });
    },
    'labs.certificates': async ({ lab }) => {
      const record = requireRecord(environment, lab);
      return readLabCertificates(environment.home, lab, planLab(record.spec, record.allocation).containers);
    },
    'labs.logs': async ({ lab, component, tail }) => {
      const engine = environment.engine();
      const name = await requireComponentContainer(lab, component);
      const secrets = readLabSecrets(environment.home, lab) ?? {};
      return {
        lines: scrubSecrets(await engine.logs(name, { tail }), secrets)
          .split('\n')
          .filter((line) => line.length > 0),
      };
    },
    'logs.follow': async ({ lab, component }) => {
      const engine = environment.engine();
      const name = await requireComponentContainer(lab, component);
      const secrets = readLabSecrets(environment.home, lab) ?? {};
      const subscription = randomUUID();
      const stream = await engine.logs(name, { tail: 0, follow: true });
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) emit({ type: 'log-line', subscription, line: scrubSecrets(line, secrets) });
      });
      // An engine that drops the follow ends it; the error has a listener, so it can never end the process.
      stream.on('error', () => followers.delete(subscription));
      stream.on('close', () => followers.delete(subscription));
      stream.on('end', () => followers.delete(subscription));
      followers.set(subscription, stream);
      return { subscription };
    },
    'logs.unfollow': async ({ subscription }) => {
      const stream = followers.get(subscription);
      stream?.destroy();
      return { stopped: followers.delete(subscription) };
    },
    'checks.run': async ({ lab }) => {
      operations.requireIdle(lab, 'run the checks');
      const checks = await verifyLab(environment, lab);
      watch(lab, checks);
      return checks;
    },
    ...guardWorkshop(workshop, operations.requireIdle),
    close: () => {
      workshop.close();
      for (const watcher of watchers.values()) watcher.stop();
      watchers.clear();
      for (const stream of followers.values()) stream.destroy();
      followers.clear();
      return removeOneShotsInFlight();
    },
  };
  return handlers;
}

function labOfEvent(event: ServerEvent): string | undefined {
  switch (event.type) {
    case 'lab-event':
      return event.event.lab;
    case 'operation-started':
      return event.operation.lab;
    case 'status-changed':
    case 'challenge-changed':
    case 'operation-ended':
      return event.lab;
    default:
      return undefined;
  }
}

/** The workshop changes what it breaks and verifies: none of that on a lab being built, reset or torn down. */
const WORKSHOP_CHANGES = ['lessons.break', 'lessons.observe', 'lessons.restore', 'challenges.start', 'challenges.score', 'challenges.name', 'challenges.repair', 'challenges.stop'] as const;

function guardWorkshop<W extends Pick<Handlers, (typeof WORKSHOP_CHANGES)[number]>>(workshop: W, requireIdle: (lab: string, what: string) => void): W {
  const guarded = { ...workshop };
  for (const method of WORKSHOP_CHANGES) {
    const handler = workshop[method] as (input: { lab: string }) => Promise<unknown>;
    (guarded as Record<string, unknown>)[method] = async (input: { lab: string }) => {
      requireIdle(input.lab, 'use the Workshop');
      return handler(input);
    };
  }
  return guarded;
}
