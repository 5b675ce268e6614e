import type { CheckId, CheckResult, LayerId } from './checks.ts';

/**
 * The workshop's plain data: lessons (explain → break → observe → restore), the breaks the
 * planner knows, the journal notice LabStatus carries while a layer is off on purpose, and
 * the challenge score board. The Workshop screen needs nothing beyond these shapes.
 */

/** Every way the planner can turn one layer off on a running lab; a lesson file names one. */
export const BREAK_IDS = [
  'network-exposure',
  'ip-filter',
  'transport-mutual-auth',
  'http-tls',
  'anonymous-access',
  'least-privilege',
  'service-accounts',
  'secrets-in-env',
  'kibana-encryption-keys',
  'runtime-root',
  'audit-off',
  'host-files',
] as const;

export type BreakId = (typeof BREAK_IDS)[number];

/** The live consequences the lesson engine can show; a lesson file names one. */
export const DEMONSTRATION_IDS = [
  'reach-from-outside-loopback',
  'outsider-request',
  'rogue-transport-client',
  'capture-plain-http',
  'anonymous-search',
  'analyst-deletes-index',
  'kibana-credentials-power',
  'password-in-docker-inspect',
  'kibana-random-key-log',
  'process-uid',
  'attack-without-trace',
  'host-folder-listing',
] as const;

export type DemonstrationId = (typeof DEMONSTRATION_IDS)[number];

export interface LessonSummary {
  id: string;
  title: string;
  layer: LayerId;
  /** The seed's section the layer belongs to ("Network access", "User roles", …). */
  seedSection: string;
  checks: CheckId[];
}

export interface Lesson extends LessonSummary {
  /** Checks that may also fail while the layer is off, each with the reason the lesson gives. */
  dependents: Array<{ check: CheckId; reason: string }>;
  break: { id: BreakId; summary: string };
  demonstration: { id: DemonstrationId; summary: string };
  restore: { summary: string };
  /** Hints for a challenge on this layer, mildest first. */
  hints: string[];
  /** What the student does to fix it with real tools, when a challenge breaks this layer. */
  studentFix: string;
  /** Whether fixing needs the lab recreated (the app's repair action), or a real tool can do it. */
  fixNeedsRepair: boolean;
  /** The seed's words on why the layer matters. */
  why: string;
  /** What the teacher says while it is broken. */
  teacherNotes: string;
  /** Where the lesson came from (resources/lessons/<id>.md). */
  file: string;
}

export interface DemonstrationResult {
  demonstration: DemonstrationId;
  title: string;
  /** What was run, as a person would type or read it. */
  tried: string;
  /** The real output, line by line (monospace). */
  output: string[];
  /** One sentence: what the output shows. */
  shows: string;
  /** Whether the consequence happened (the header was readable, the rogue got in, the search returned hits). */
  happened: boolean;
  ranAt: string;
}

export type WorkshopPhase = 'breaking' | 'broken' | 'restoring';

/** What LabStatus carries while a layer is off on purpose. A challenge never names its layers here. */
export interface WorkshopNotice {
  kind: 'lesson' | 'challenge';
  phase: WorkshopPhase;
  lesson?: string;
  /** Only for lessons: the break that is on. */
  broken?: BreakId[];
  since: string;
  message: string;
}

export interface LessonStep {
  lesson: Lesson;
  phase: 'broken' | 'restored';
  checks: CheckResult[];
  /** Checks of the lesson (and its dependents) that did not pass after the break. */
  failing: CheckId[];
  demonstration?: DemonstrationResult;
  /** Set when the step recovered an interrupted lesson first. */
  recovered?: string;
}

export interface ChallengeEntry {
  /** Hidden until solved or named: the score board shows a number, not the layer. */
  slot: number;
  solved: boolean;
  solvedAt?: string;
  secondsToFix?: number;
  hintsUsed: number;
  /** How it was fixed: a real tool (verifier saw the fix) or the app's repair action after naming the layer. */
  fixedWith?: 'real-tool' | 'repair';
  /** Revealed once solved or named. */
  lesson?: string;
  layer?: LayerId;
  named: boolean;
}

export interface ChallengeBoard {
  lab: string;
  startedAt: string;
  active: boolean;
  entries: ChallengeEntry[];
  solved: number;
  total: number;
  /** The layer view: every check now (the evidence is how students find the broken layer). */
  checks?: CheckResult[];
}
