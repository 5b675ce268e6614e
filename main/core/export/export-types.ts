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

export type { ExportedFile, ExportResult } from '../../../common/lab-export.ts';
