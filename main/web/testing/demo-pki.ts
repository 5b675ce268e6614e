import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { ComponentCertificate } from '../../../common/certificates.ts';
import type { LabPlan } from '../../../common/lab-plan.ts';
import { caFingerprintOf } from '../../core/pki/lab-pki.ts';
import { certificateFactsOf, NO_CERTIFICATE_OF_ITS_OWN } from '../../core/lab-store/lab-certificates.ts';

/**
 * The demo lab's PKI, made in memory: a CA and one certificate per server with the real lab's
 * subject, SANs (name, localhost, its address, 127.0.0.1) and validity, so the facts the app shows
 * are read from real certificates by the same code as a real lab's. Its servers share one key,
 * and every demo lab the same two (nothing ever handshakes with them), to keep this fast.
 */
export interface DemoPki {
  caPem: string;
  caFingerprintSha256: string;
  certificates: ComponentCertificate[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const generateRsaKeyPair = promisify(generateKeyPair);

async function newKeys() {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

// Keys are the slow part (RSA on a busy machine takes a second): one pair of pairs per process, for every demo lab.
let sharedKeys: Promise<Array<Awaited<ReturnType<typeof newKeys>>>> | undefined;

export async function createDemoPki(plan: LabPlan, now: Date): Promise<DemoPki> {
  sharedKeys ??= Promise.all([newKeys(), newKeys()]);
  const [caKeys, serverKeys] = await sharedKeys;
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = new Date(now.getTime() - 60_000);
  ca.validity.notAfter = new Date(now.getTime() + 3 * 365 * DAY_MS);
  const caName = [{ name: 'commonName', value: 'Secure Cluster Lab CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(ca);

  const certificates = plan.containers.map((container): ComponentCertificate => {
    if (container.kind === 'agent') return { component: container.component, certificate: null, note: NO_CERTIFICATE_OF_ITS_OWN };
    const leaf = forge.pki.createCertificate();
    leaf.publicKey = serverKeys.publicKey;
    leaf.serialNumber = serialNumber();
    leaf.validity.notBefore = new Date(now.getTime() - 60_000);
    leaf.validity.notAfter = new Date(now.getTime() + 365 * DAY_MS);
    leaf.setSubject([{ name: 'commonName', value: container.component }]);
    leaf.setIssuer(caName);
    leaf.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [{ type: 2, value: container.component }, { type: 2, value: 'localhost' }, ...(container.ip ? [{ type: 7, ip: container.ip }] : []), { type: 7, ip: '127.0.0.1' }],
      },
    ]);
    leaf.sign(caKeys.privateKey, forge.md.sha256.create());
    return { component: container.component, certificate: certificateFactsOf(forge.pki.certificateToPem(leaf)) };
  });
  return { caPem, caFingerprintSha256: caFingerprintOf(caPem), certificates };
}
