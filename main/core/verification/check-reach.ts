import type { CheckId } from '../../../common/checks.ts';
import type { ContainerPlan } from '../../../common/lab-plan.ts';
import { stateSentence, type ComponentState } from './component-state.ts';
import type { Observed, VerificationContext } from './verification-context.ts';

/**
 * Which running components a check's probes need. `through`: every probe passes through it (the
 * published Elasticsearch port is es01's, Kibana's API is Kibana's), so without it nothing can be
 * proved. `each`: probed one by one; one that is not running is left out of the probes and named.
 * Checks that read only Docker's configuration or the host's files are not listed: a stopped
 * container still has its configuration.
 */
interface Reach {
  through?: (ctx: VerificationContext) => ContainerPlan[];
  each?: ContainerPlan['kind'];
  /** What could not be probed, after "cannot probe": "its transport port (9300)". */
  what: string;
  /** False when the check proves nothing live on this lab (e.g. `info` under the basic licence). */
  live?: (ctx: VerificationContext) => boolean;
}

const elasticsearchPort = (ctx: VerificationContext) => ctx.containersOf('elasticsearch').slice(0, 1);
const kibanaApi = (ctx: VerificationContext) => ctx.containersOf('kibana');
const underTrialOrPaid = (ctx: VerificationContext) => ctx.record.spec.license !== 'basic';

const REACH: Partial<Record<CheckId, Reach>> = {
  'network.ip-filter': { each: 'elasticsearch', what: 'its HTTP port (9200) from outside the allow list', live: underTrialOrPaid },
  'transport.tls': { each: 'elasticsearch', what: 'its transport port (9300)' },
  'transport.mutual-auth': { each: 'elasticsearch', what: 'its transport port (9300)' },
  'transport.cluster-formed': { through: elasticsearchPort, what: 'the cluster through the published Elasticsearch port' },
  'http.tls': { through: elasticsearchPort, each: 'elasticsearch', what: 'its HTTP port (9200)' },
  'http.cert-valid': { each: 'elasticsearch', what: 'its HTTP certificate on 9200' },
  'auth.required': { through: elasticsearchPort, what: 'the published Elasticsearch port' },
  'auth.strong-passwords': { through: elasticsearchPort, what: 'the published Elasticsearch port' },
  'auth.least-privilege': { through: elasticsearchPort, what: 'the published Elasticsearch port' },
  // Fleet Server's token is proved by authenticating with it; Kibana's user is read from its configuration.
  'auth.service-accounts': { through: elasticsearchPort, what: "the published Elasticsearch port (to authenticate Fleet Server's token)", live: (ctx) => ctx.containersOf('fleet-server').length > 0 },
  // es01's keystore is listed and the enrollment token's API key looked up through es01.
  'secrets.keystore': { through: elasticsearchPort, what: "its keystore and the enrollment token's API key" },
  'kibana.https': { each: 'kibana', what: 'its HTTPS port' },
  'kibana.es-tls-verified': { each: 'kibana', what: 'its connection to Elasticsearch (GET /api/status)' },
  'kibana.encryption-keys': { each: 'kibana', what: 'its keystore (kibana-keystore list)' },
  'kibana.session': { each: 'kibana', what: 'its login and session cookie' },
  'fleet.server-tls': { each: 'fleet-server', what: 'its HTTPS port (8220)' },
  'fleet.agent-enrolled': { through: kibanaApi, each: 'agent', what: 'its enrollment (the Fleet agent list)' },
  'audit.logging': { through: elasticsearchPort, what: 'the published Elasticsearch port', live: underTrialOrPaid },
};

function unreachable(ctx: VerificationContext, states: ComponentState[], what: string): Observed {
  const names = states.map((s) => s.component).join(', ');
  return {
    status: 'error',
    evidence: states.map((s) => `${stateSentence(s)}: cannot probe ${what}`),
    fix: `Start ${names} (\`seclab up --lab ${ctx.lab}\`) and verify again; if it does not stay up, its log says why (\`seclab logs ${states[0].component} --lab ${ctx.lab}\`).`,
  };
}

/**
 * Runs one check knowing the state of what it probes: a check whose way in is down is `error`
 * naming that component's state, without probing; a check that probes several components runs on
 * those that are running and is `error` (or keeps a `fail` it proved on the others) with a line
 * naming each one it could not probe. Never evidence about a component that was not probed.
 */
export async function observeWithinReach(id: CheckId, ctx: VerificationContext, probe: () => Promise<Observed>): Promise<Observed> {
  const reach = REACH[id];
  if (!reach || reach.live?.(ctx) === false) return probe();
  const throughDown = reach.through ? await ctx.unprobeable(reach.through(ctx)) : [];
  if (throughDown.length) return unreachable(ctx, throughDown, reach.what);
  const each = reach.each ? ctx.containersOf(reach.each) : [];
  const eachDown = await ctx.unprobeable(each);
  if (eachDown.length && eachDown.length === each.length) return unreachable(ctx, eachDown, reach.what);
  const observed = await probe();
  if (!eachDown.length || observed.status === 'info') return observed;
  const notProbed = unreachable(ctx, eachDown, reach.what);
  if (observed.status === 'fail') {
    const [headline, ...rest] = observed.evidence;
    return { ...observed, evidence: [headline, ...notProbed.evidence, ...rest] };
  }
  return { status: 'error', evidence: [...notProbed.evidence, ...observed.evidence], fix: notProbed.fix };
}
