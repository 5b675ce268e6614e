import type { LabPlan } from '../../../common/lab-plan.ts';
import type { LabSpec } from '../../../common/lab-spec.ts';
import type { LabSecrets } from '../lab-store/lab-secrets.ts';

/** What every export format is written from: the lab's own plan, secrets and PKI, as `seclab up` uses them. */
export interface ExportInput {
  spec: LabSpec;
  plan: LabPlan;
  secrets: LabSecrets;
  /** The lab's PKI folder (ca/ca.crt, ca/fingerprint, <component>/<component>.crt|.key). */
  certsDir: string;
  /** An empty (or new) folder the export writes into. */
  outDir: string;
}

export interface ExportedFile {
  /** Relative to the export folder, with `/` separators. */
  path: string;
  mode: number;
  /** One line for the export's README and the CLI's listing: what the file is for. */
  purpose: string;
  /** True when the file holds a secret (a password, a key, a token): never printed. */
  secret: boolean;
}

export interface ExportResult {
  format: 'compose' | 'eck';
  outDir: string;
  files: ExportedFile[];
  /** What to run next, one command per line, for the CLI to print. */
  nextSteps: string[];
}
