import { z } from 'zod';
import type { CheckResult } from './checks.ts';
import type { ComponentCertificate } from './certificates.ts';
import type { LabEvent } from './lab-events.ts';
import { labNameSchema } from './lab-spec.ts';
import type { LabAccess, LabStatus, LabSummary, PreflightCheck } from './lab-status.ts';
import type { LabAction, LabOperation, LabOperationInfo, OperationError } from './lab-operations.ts';
import { LAYERS } from './checks.ts';
import type { ChallengeBoard, Lesson, LessonStep, LessonSummary, WorkshopNotice } from './workshop.ts';
import type { DockerEngineInfo } from './docker-engine-info.ts';
import { engineChoiceSchema } from './engine-choice.ts';
import { EXPORT_FORMATS, type ExportResult } from './lab-export.ts';

/**
 * The one API between the renderer and the lab services. Electron IPC (preload) and the web
 * UI's HTTP server both serve exactly this table; each method takes one object argument,
 * validated with its zod schema before a handler sees it.
 */

/**
 * Names travel into folder paths and Docker API paths: the lab name follows the lab spec's
 * DNS-safe rule, and a component name the planner's shape (es01, kibana, fleet-server,
 * agent01). The handlers then check the component against the lab's own plan.
 */
const componentName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, {
  error: (issue) => `"${String(issue.input)}" is not a component name: use a name such as es01, kibana, fleet-server or agent01`,
});
const labName = z.object({ lab: labNameSchema });
const specInput = z.object({ spec: z.record(z.string(), z.unknown()) });
/** Lesson ids name files in resources/lessons/: the file-name shape only. */
const lessonId = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, { error: (issue) => `"${String(issue.input)}" is not a lesson id: use one such as http-tls (seclab lesson list)` });
const challengeSlot = z.number().int().min(1).max(20);

export const contract = {
  'labs.list': { input: z.object({}), output: {} as LabSummary[] },
  /** Up, reset and teardown in progress, with their events so far: a window opened (or reloaded) mid-way rejoins them. */
  'labs.operations': { input: z.object({}), output: {} as LabOperation[] },
  'labs.plan': { input: specInput, output: {} as unknown },
  'labs.preflight': { input: specInput, output: {} as PreflightCheck[] },
  /** The Docker engine the app talks to and how it was found (DOCKER_HOST, the current Docker context, the platform's sockets). */
  'engine.current': { input: z.object({}), output: {} as DockerEngineInfo },
  /** Use another engine from now on (an address, or a Docker context; {} = as seclab finds it); refused while a lab operation runs. Answers as engine.current. */
  'engine.choose': { input: engineChoiceSchema, output: {} as DockerEngineInfo },
  'labs.up': { input: specInput, output: {} as LabStatus },
  'labs.down': { input: labName.extend({ purge: z.boolean().default(false) }), output: {} as { removed: { containers: number; volumes: number; networks: number } } },
  'labs.reset': { input: labName, output: {} as LabStatus },
  'labs.status': { input: labName, output: {} as LabStatus },
  'labs.access': { input: labName, output: {} as LabAccess },
  'labs.revealSecret': { input: labName.extend({ username: z.enum(['elastic', 'analyst', 'writer', 'lab_admin']) }), output: {} as { username: string; password: string } },
  'labs.caCertificate': { input: labName, output: {} as { pem: string; fingerprintSha256: string } },
  /** Each component's own certificate (subject, SANs, issuer, expiry, fingerprint), read from the lab's certs folder. */
  'labs.certificates': { input: labName, output: {} as ComponentCertificate[] },
  /** The lab as a Compose project or ECK manifests in a new or empty folder on this machine (default: SECLAB_HOME/exports/<lab>-<format>-<time>). */
  'labs.export': {
    input: labName.extend({
      format: z.enum(EXPORT_FORMATS),
      outDir: z
        .string()
        .min(1)
        .max(4095)
        .refine((path) => !path.includes('\0'), { error: 'a folder path cannot hold a NUL byte' })
        .optional(),
    }),
    output: {} as ExportResult,
  },
  'labs.logs': { input: labName.extend({ component: componentName, tail: z.number().int().min(1).max(5000).default(200) }), output: {} as { lines: string[] } },
  'logs.follow': { input: labName.extend({ component: componentName }), output: {} as { subscription: string } },
  'logs.unfollow': { input: z.object({ subscription: z.string() }), output: {} as { stopped: boolean } },
  'checks.run': { input: labName, output: {} as CheckResult[] },
  'lessons.list': { input: z.object({}), output: {} as LessonSummary[] },
  'lessons.show': { input: z.object({ id: lessonId }), output: {} as Lesson },
  'lessons.current': { input: labName, output: {} as { workshop: WorkshopNotice | null } },
  'lessons.break': { input: labName.extend({ id: lessonId }), output: {} as LessonStep },
  'lessons.observe': { input: labName.extend({ id: lessonId }), output: {} as LessonStep },
  'lessons.restore': { input: labName.extend({ id: lessonId.optional() }), output: {} as LessonStep },
  'challenges.start': { input: labName.extend({ count: z.number().int().min(1).max(10).default(1), lessons: z.array(lessonId).max(10).optional() }), output: {} as ChallengeBoard },
  'challenges.score': { input: labName, output: {} as ChallengeBoard },
  'challenges.hint': { input: labName.extend({ slot: challengeSlot }), output: {} as { slot: number; step: number; of: number; hint: string } },
  'challenges.name': { input: labName.extend({ layer: z.enum(LAYERS.map((l) => l.id) as [string, ...string[]]) }), output: {} as { correct: boolean; slot?: number; message: string; board: ChallengeBoard } },
  'challenges.repair': { input: labName.extend({ slot: challengeSlot }), output: {} as ChallengeBoard },
  'challenges.stop': { input: labName, output: {} as ChallengeBoard },
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = Contract[M]['output'];

/** One handler per method, one object argument each: served by IPC, HTTP, or called in-process by tests. */
export type Handlers = { [M in MethodName]: (input: z.output<Contract[M]['input']>) => Promise<MethodOutput<M>> };

/** What the renderer holds: the same methods, typed, over whichever transport. */
export type LabApi = { [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>> } & {
  onEvent(listener: (event: ServerEvent) => void): () => void;
};

export type ServerEvent =
  /** `index`: the event's place in its lab's operation (labs.operations), so a window that replayed the first ones skips them live. */
  | { type: 'lab-event'; event: LabEvent; index?: number }
  | { type: 'operation-started'; operation: LabOperationInfo }
  /** `status` when an up or reset succeeded; `error` (scrubbed) when the work failed. */
  | { type: 'operation-ended'; lab: string; action: LabAction; startedAt: string; outcome: 'done' | 'failed'; status?: LabStatus; error?: OperationError }
  | { type: 'status-changed'; lab: string; status: LabStatus }
  /** The verifier saw a challenge's broken layer fixed by itself (nobody called challenges.score): the new board, with every check. */
  | { type: 'challenge-changed'; lab: string; board: ChallengeBoard }
  | { type: 'log-line'; subscription: string; line: string };

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; context: Record<string, unknown> } };

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

/** Calls that only read (or probe) and change nothing: sent again, they do no harm. */
export const READ_ONLY_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'labs.list',
  'labs.operations',
  'labs.plan',
  'labs.preflight',
  'engine.current',
  'labs.status',
  'labs.access',
  'labs.caCertificate',
  'labs.certificates',
  'labs.logs',
  'checks.run',
  'lessons.list',
  'lessons.show',
  'lessons.current',
]);
