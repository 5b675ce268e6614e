import { chmodSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseLabSpec, type LabSpecInput } from '../../../common/lab-spec.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { CoreEnvironment } from '../environment.ts';
import { labPaths } from '../lab-store/lab-home.ts';
import { acquireLabLock } from '../lab-store/lab-lock.ts';
import { readLabRecord, writeLabRecord } from '../lab-store/lab-records.ts';
import { generateLabSecrets, readLabSecrets, writeLabSecrets } from '../lab-store/lab-secrets.ts';
import { certificateRequestsFor } from '../planner/certificate-requests.ts';
import { resolveLab } from '../planner/plan-service.ts';
import { issueLabCertificates } from '../pki/lab-pki.ts';
import { engineLimitsFor } from '../orchestrator/engine-limits-cache.ts';
import { FILE_SYSTEM_REFUSALS, labHomeRefusal } from '../files/file-system-refusals.ts';
import type { ExportInput, ExportResult } from './export-types.ts';
import { writeComposeExport } from './compose/write-compose-export.ts';
import { writeEckExport } from './eck/write-eck-export.ts';

import { EXPORT_FORMATS, type ExportFormat } from '../../../common/lab-export.ts';

export { EXPORT_FORMATS, type ExportFormat };

export interface ExportRequest {
  format: ExportFormat;
  outDir: string;
  /** The lab's name, and for a new lab its shape (as `seclab up` takes it). */
  spec: LabSpecInput;
  /** Only the lab's own shape flags, not its name: a new lab is made from them; a recorded one must match. */
  hasShapeFlags: boolean;
  /** How errors name the folder: the CLI's `--out` (default), or the app's "folder". */
  outName?: string;
}

type Writer = (input: ExportInput, environment: CoreEnvironment) => Promise<ExportResult>;

const WRITERS: Record<ExportFormat, Writer> = {
  compose: async (input, environment) => writeComposeExport(input, { now: environment.now(), processUid: process.platform === 'linux' ? process.getuid?.() : undefined }),
  eck: (input, environment) => writeEckExport(input, { now: environment.now() }),
};

/**
 * `seclab export`: the lab as files another tool runs. A recorded lab exports with its own CA,
 * certificates and passwords; a new one is recorded first (record, secrets, PKI, no Docker
 * object), so `seclab status` verifies it once it runs from the export. The export is written
 * into a fresh folder beside --out and renamed into place: a failure leaves no half-written export.
 */
export async function exportLab(environment: CoreEnvironment, request: ExportRequest): Promise<ExportResult> {
  const outDir = resolve(request.outDir);
  const out = request.outName ?? '--out';
  refuseUnusableOut(out, request.outDir, outDir);
  const name = (request.spec as { name?: string }).name ?? 'default';
  const existing = readLabRecord(environment.home, name);
  const specInput = existing && !request.hasShapeFlags ? { ...existing.spec, ...request.spec, ports: { ...existing.spec.ports, ...(request.spec as { ports?: object }).ports } } : request.spec;
  parseLabSpec(specInput);
  // A new lab fits this engine's limits (memlock, open files) and subnets where it can be asked, else Elastic's defaults; a recorded one keeps its own.
  const engine = existing ? undefined : environment.engine();
  const limits = engine && (await engineLimitsFor(engine, environment.home, name).catch(() => undefined));
  const resolved = await resolveLab(environment, specInput, engine ? await engine.engineSubnets().catch(() => []) : [], limits ? limits.limits : undefined);
  if (existing && JSON.stringify({ ...existing.spec, ports: {} }) !== JSON.stringify({ ...resolved.spec, ports: {} })) {
    throw new SeclabError(
      'LAB_EXISTS_DIFFERENT',
      `lab "${name}" exists with another shape: export it as it is (seclab export --lab ${name} --format ${request.format} --out ${request.outDir}), or choose another --lab name`,
      { lab: name },
    );
  }
  const paths = labPaths(environment.home, name);
  const folderExisted = existsSync(paths.root);
  const release = (() => {
    try {
      return acquireLabLock(environment.home, name, 'export');
    } catch (error) {
      throw labHomeRefusal(environment.home, error) ?? error;
    }
  })();
  let staging: string | undefined;
  try {
    const secrets = readLabSecrets(environment.home, name) ?? generateLabSecrets(environment.randomBytes);
    writeLabSecrets(environment.home, name, secrets);
    if (!existing) writeLabRecord(environment.home, { spec: resolved.spec, allocation: resolved.allocation, createdAt: environment.now().toISOString() });
    await issueLabCertificates({ outDir: paths.certs, components: certificateRequestsFor(resolved.spec, resolved.allocation.subnetIndex), now: environment.now() });
    staging = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}.partial-`));
    const result = await WRITERS[request.format]({ spec: resolved.spec, plan: resolved.plan, secrets, certsDir: paths.certs, outDir: staging }, environment);
    if (existsSync(outDir)) rmdirSync(outDir); // empty, as checked above
    renameSync(staging, outDir);
    chmodSync(outDir, 0o755); // made 0700 by mkdtemp; the private parts have their own 0700/0750 folders
    staging = undefined;
    const relocated = (text: string) => text.split(result.outDir).join(outDir);
    return { ...result, outDir, nextSteps: result.nextSteps.map(relocated) };
  } catch (error) {
    if (!folderExisted) rmSync(paths.root, { recursive: true, force: true });
    const path = (error as { path?: unknown })?.path;
    throw (typeof path === 'string' && path.startsWith(environment.home) ? labHomeRefusal(environment.home, error) : undefined) ?? outFolderError(out, request.outDir, error);
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
    release();
  }
}

function refuseUnusableOut(out: string, given: string, outDir: string): void {
  if (!existsSync(outDir)) {
    if (!existsSync(dirname(outDir))) throw new SeclabError('BAD_OPTION', `${out} ${given}: its parent folder ${dirname(outDir)} does not exist: create it, or choose a new folder in one that exists`);
    return;
  }
  if (!statSync(outDir).isDirectory()) throw new SeclabError('BAD_OPTION', `${out} ${given} is a file: choose a new or empty folder`);
  if (readdirSync(outDir).length) throw new SeclabError('BAD_OPTION', `${out} ${given} is not empty: choose a new or empty folder (an export never writes over files)`);
}

function outFolderError(out: string, given: string, error: unknown): unknown {
  if (error instanceof SeclabError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !(code in FILE_SYSTEM_REFUSALS)) return error;
  return new SeclabError('EXPORT_OUT_UNUSABLE', `${out} ${given}: seclab cannot write the export there: ${FILE_SYSTEM_REFUSALS[code]} (${code}). Choose a new or empty folder you can write to`);
}
