import { rmSync } from 'node:fs';
import { SeclabError } from '../../../common/errors.ts';
import { labPaths } from '../lab-store/lab-home.ts';
import { readLabRecord, writeLabRecord } from '../lab-store/lab-records.ts';
import { downLab } from './down-lab.ts';
import { isLoopbackPortFree } from '../lab-store/allocate-lab.ts';
import { upLab, type LabContext, type UpOptions, type UpResult } from './up-lab.ts';
import { startKeyPairs } from '../pki/lab-pki.ts';
import { certificateRequestsFor } from '../planner/certificate-requests.ts';

/**
 * A fresh lab of the same spec, subnet and ports: new CA, certificates and secrets, empty data.
 * Images are kept, so nothing is pulled or built again, and so is the network (same subnet) with
 * the outsider's standing probe on it, which holds nothing of the lab (isStandingNetworkProbe).
 */
export async function resetLab(context: LabContext, lab: string, options: UpOptions = {}): Promise<UpResult> {
  const record = readLabRecord(context.environment.home, lab);
  if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}" to reset: create it with \`seclab up --lab ${lab}\``, { lab });
  // The new CA's and certificates' keys need nothing of the old lab: made while it is torn down.
  const keyPairs = options.keyPairs ?? startKeyPairs(certificateRequestsFor(record.spec, record.allocation.subnetIndex).length + 1);
  // Its network stays: the same subnet is planned again, and `up` finds no component on it and uses it (lone-lab-network.ts).
  await downLab(context, lab, { purge: false, keepNetwork: true });
  const paths = labPaths(context.environment.home, lab);
  rmSync(paths.certs, { recursive: true, force: true });
  rmSync(paths.secrets, { force: true });
  // Keep the lab's ports unless another program took one while the lab was down.
  const ports = { ...record.allocation.ports };
  for (const key of Object.keys(ports) as Array<keyof typeof ports>) {
    if (!(await isLoopbackPortFree(ports[key]))) {
      const taken = ports[key];
      for (let candidate = taken + 1; candidate < taken + 100; candidate++) {
        if (!Object.values(ports).includes(candidate) && (await isLoopbackPortFree(candidate))) {
          ports[key] = candidate;
          break;
        }
      }
    }
  }
  writeLabRecord(context.environment.home, { ...record, allocation: { ...record.allocation, ports } });
  return upLab(context, { ...record.spec, ports }, { ...options, keyPairs });
}
