import { CHECK_IDS, layerOf, type CheckId, type CheckResult } from '../../../common/checks.ts';
import type { CoreEnvironment } from '../environment.ts';
import { CHECK_CATALOG } from './check-catalog.ts';
import { VerificationContext, type Observed } from './verification-context.ts';
import { observeWithinReach } from './check-reach.ts';
import { dedicatedNetwork, ipFilter, loopbackOnly } from './checks/network-checks.ts';
import { clusterFormed, httpCertificateValid, httpTls, transportMutualAuth, transportTls } from './checks/tls-checks.ts';
import { authenticationRequired, leastPrivilege, serviceAccounts, strongPasswords } from './checks/auth-checks.ts';
import { kibanaEncryptionKeys, kibanaHttps, kibanaSession, kibanaVerifiesElasticsearch } from './checks/kibana-checks.ts';
import { memoryLimits, nonRoot, privateHostFiles, secretsInKeystores } from './checks/host-runtime-checks.ts';
import { agentsEnrolled, auditLogging, cloudBringYourOwnKey, cloudPrivateLink, fleetServerTls } from './checks/fleet-audit-checks.ts';

type Probe = (ctx: VerificationContext) => Promise<Observed>;

const PROBES: Record<CheckId, Probe> = {
  'network.loopback-only': loopbackOnly,
  'network.dedicated': dedicatedNetwork,
  'network.ip-filter': ipFilter,
  'transport.tls': transportTls,
  'transport.mutual-auth': transportMutualAuth,
  'transport.cluster-formed': clusterFormed,
  'http.tls': httpTls,
  'http.cert-valid': httpCertificateValid,
  'auth.required': authenticationRequired,
  'auth.strong-passwords': strongPasswords,
  'auth.least-privilege': leastPrivilege,
  'auth.service-accounts': serviceAccounts,
  'kibana.https': kibanaHttps,
  'kibana.es-tls-verified': kibanaVerifiesElasticsearch,
  'kibana.encryption-keys': kibanaEncryptionKeys,
  'kibana.session': kibanaSession,
  'secrets.keystore': secretsInKeystores,
  'secrets.host-files': privateHostFiles,
  'runtime.non-root': nonRoot,
  'runtime.limits': memoryLimits,
  'fleet.server-tls': fleetServerTls,
  'fleet.agent-enrolled': agentsEnrolled,
  'audit.logging': auditLogging,
  'cloud.private-link': cloudPrivateLink,
  'cloud.byok': cloudBringYourOwnKey,
};

const PROBE_TIMEOUT_MS = 15_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms).unref())]);
}

async function runCheck(id: CheckId, ctx: VerificationContext): Promise<CheckResult> {
  const meta = CHECK_CATALOG[id];
  const started = Date.now();
  let observed: Observed;
  try {
    observed = await withTimeout(
      observeWithinReach(id, ctx, () => PROBES[id](ctx)),
      PROBE_TIMEOUT_MS,
      `the ${id} probe`,
    );
  } catch (error) {
    // A probe that could not run proves nothing: `error`, never `pass`.
    observed = { status: 'error', evidence: [`the probe could not run: ${(error as Error).message}`], fix: 'Check that the lab is running (seclab status) and try again.' };
  }
  return {
    id,
    layer: layerOf(id),
    title: meta.title,
    status: observed.status,
    evidence: observed.evidence,
    fix: observed.status === 'pass' ? '' : (observed.fix ?? meta.fix),
    docs: { section: meta.section, why: meta.why },
    checkedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
}

const inFlight = new Map<string, Promise<CheckResult[]>>();

/**
 * Every check of DESIGN.md as a live probe of the running lab, all at once. Callers in one
 * process that ask for a full run of a lab while one is under way share it (the app's watcher
 * and a button press must not probe twice from the same addresses).
 */
export async function verifyLab(environment: CoreEnvironment, lab: string, only?: CheckId[]): Promise<CheckResult[]> {
  const key = `${environment.home}\u0000${lab}`;
  if (!only && inFlight.has(key)) return inFlight.get(key)!;
  const run = (async () => {
    const ctx = await VerificationContext.forLab(environment, lab);
    const ids = only ?? [...CHECK_IDS];
    return Promise.all(ids.map((id) => runCheck(id, ctx)));
  })();
  if (only) return run;
  inFlight.set(key, run);
  try {
    return await run;
  } finally {
    inFlight.delete(key);
  }
}
