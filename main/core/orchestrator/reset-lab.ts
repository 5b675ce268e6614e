import { rmSync } from 'node:fs';
import { SeclabError } from '../../../common/errors.ts';
import { labPaths } from '../lab-store/lab-home.ts';
import { readLabRecord, writeLabRecord } from '../lab-store/lab-records.ts';
import { downLab } from './down-lab.ts';
import { upLab, type LabContext, type UpOptions, type UpResult } from './up-lab.ts';

/**
 * A fresh lab of the same spec, subnet and ports: new CA, certificates and secrets, empty data.
 * Images are kept, so nothing is pulled or built again.
 */
export async function resetLab(context: LabContext, lab: string, options: UpOptions = {}): Promise<UpResult> {
  const record = readLabRecord(context.environment.home, lab);
  if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}" to reset: create it with \`seclab up --lab ${lab}\``, { lab });
  await downLab(context, lab, { purge: false });
  const paths = labPaths(context.environment.home, lab);
  rmSync(paths.certs, { recursive: true, force: true });
  rmSync(paths.secrets, { force: true });
  writeLabRecord(context.environment.home, record);
  return upLab(context, { ...record.spec, ports: record.allocation.ports }, options);
}
