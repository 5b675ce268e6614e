import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from '@elastic/elasticsearch';
import type { AgentLogger } from '../logger';
import { persistedFleetClient, writeEnrolledState, type EnrolledState } from '../agent-state';
import { AGENT_VERSION } from '../version';
import { AGENTS_INDEX, FLEET_POLICIES_INDEX } from './agents-service';

/**
 * The Fleet Server container is an agent too: once its policy (FLEET_SERVER_POLICY_ID, else the policy
 * flagged `default_fleet_server`) is in `.fleet-policies`, it records itself in `.fleet-agents` and keeps
 * its own `last_checkin` fresh, so Kibana lists it like any other agent. It keeps the stored agent id only
 * when the container decided not to enroll again (should-enroll.ts); otherwise it is a new agent, as a
 * re-enrolled real Fleet Server is (the old record stays behind, offline). The stored Fleet host is the
 * internal endpoint localhost:8221, as the real enrollment persists it.
 */
export class FleetServerSelfEnrollment {
  agentId: string | undefined;
  policyId: string | undefined;
  /** What the policy self monitor last saw (internal/pkg/policy/self.go): no policy yet, one without the fleet-server input, or the policy. */
  policySeen: 'none' | 'without-fleet-server-input' | 'found' = 'none';
  lastCheckinOk = false;
  lastError = '';
  private waitingLogged = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly client: Client,
    private readonly configPath: string,
    private readonly requestedPolicyId: string,
    private readonly logger: AgentLogger,
    private readonly enrollment: {
      keep: EnrolledState | undefined;
      internalUrl: string;
      /** The enroll request over the internal endpoint; resolves to Go's error text when it fails. */
      reachOwnEndpoint?: () => Promise<string | undefined>;
      /** After FLEET_ENROLL_TIMEOUT of failed attempts. */
      giveUp?: (message: string) => void;
      timeoutMs?: number;
    },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The latest revision of this Fleet Server's policy in `.fleet-policies`, if any (dl.QueryLatestPolicies). */
  private async findPolicy(): Promise<{ policyId: string; hasFleetServerInput: boolean } | undefined> {
    try {
      const result = await this.client.search<{ policy_id: string; data?: { inputs?: Array<{ type?: unknown }> } }>({
        index: FLEET_POLICIES_INDEX,
        size: 1,
        sort: [{ revision_idx: { order: 'desc' } }],
        query: this.requestedPolicyId ? { term: { policy_id: this.requestedPolicyId } } : { term: { default_fleet_server: true } },
      });
      const policy = result.hits.hits[0]?._source;
      if (!policy) return undefined;
      return { policyId: policy.policy_id, hasFleetServerInput: (policy.data?.inputs ?? []).some((input) => input.type === 'fleet-server') };
    } catch {
      return undefined;
    }
  }

  /** The self monitor's state and message (self.go updateState), the words `elastic-agent status` and `/api/status` report. */
  selfMonitorState(): { state: 'STARTING' | 'DEGRADED' | 'HEALTHY'; message: string } {
    const named = this.requestedPolicyId ? `policy with Fleet Server integration: ${this.requestedPolicyId}` : 'default policy with Fleet Server integration';
    if (this.policySeen === 'none') return { state: 'STARTING', message: `Waiting on ${named}` };
    if (this.policySeen === 'without-fleet-server-input') {
      return { state: 'STARTING', message: this.requestedPolicyId ? `Waiting on fleet-server input to be added to policy: ${this.requestedPolicyId}` : 'Waiting on fleet-server input to be added to default policy' };
    }
    const running = this.requestedPolicyId ? `Running on policy with Fleet Server integration: ${this.requestedPolicyId}` : 'Running on default policy with Fleet Server integration';
    // Before the container's agent has enrolled, fleet.agent.id is missing: DEGRADED, which /api/status answers with 200.
    if (!this.agentId) return { state: 'DEGRADED', message: `${running}; missing config fleet.agent.id (expected during bootstrap process)` };
    return { state: 'HEALTHY', message: running };
  }

  /** Called on every healthy tick: enroll once, then check in. */
  async tick(): Promise<void> {
    if (!this.agentId) {
      const policy = await this.findPolicy();
      this.policySeen = !policy ? 'none' : policy.hasFleetServerInput ? 'found' : 'without-fleet-server-input';
      if (!policy || !policy.hasFleetServerInput) {
        if (!this.waitingLogged) {
          this.logger.info(this.selfMonitorState().message);
          this.waitingLogged = true;
        }
        return;
      }
      const policyId = policy.policyId;
      const kept = this.enrollment.keep;
      if (!kept && this.enrollment.reachOwnEndpoint) {
        // enroll.go: the agent enrolls with its own Fleet Server at https://localhost:8221, checking the chain
        // of FLEET_SERVER_CERT against FLEET_CA (→ KIBANA_CA → ELASTICSEARCH_CA) but not the host name.
        const failure = await this.enrollment.reachOwnEndpoint();
        if (failure) {
          const message = `fail to execute request to fleet-server: ${failure}`;
          this.logger.warn(`Enrollment failed: ${message}`);
          if (Date.now() - this.startedAt > (this.enrollment.timeoutMs ?? Number.POSITIVE_INFINITY)) this.enrollment.giveUp?.(`fail to enroll: ${message}`);
          return;
        }
      }
      const agentId = kept ? kept.agentId : randomUUID();
      const enrolledAt = kept ? kept.enrolledAt : this.now().toISOString();
      await this.client.index({
        index: AGENTS_INDEX,
        id: agentId,
        document: {
          active: true,
          policy_id: policyId,
          type: 'PERMANENT',
          enrolled_at: enrolledAt,
          updated_at: this.now().toISOString(),
          local_metadata: { elastic: { agent: { id: agentId, version: AGENT_VERSION, snapshot: false } }, host: { hostname: hostname() } },
          agent: { id: agentId, version: AGENT_VERSION },
          tags: [],
        },
        refresh: 'wait_for',
      });
      writeEnrolledState(this.configPath, {
        agentId,
        accessApiKey: kept?.accessApiKey ?? '',
        ...persistedFleetClient(this.enrollment.internalUrl),
        policyId,
        enrolledAt,
        enrollmentTokenHash: kept?.enrollmentTokenHash ?? '',
      });
      this.agentId = agentId;
      this.policyId = policyId;
      this.logger.info('Successfully enrolled the Elastic Agent.', { 'agent.id': agentId, 'policy.id': policyId });
    }
    try {
      const now = this.now().toISOString();
      await this.client.update({
        index: AGENTS_INDEX,
        id: this.agentId,
        doc: { last_checkin: now, updated_at: now, last_checkin_status: 'online', last_checkin_message: 'Running' },
      });
      this.lastCheckinOk = true;
      this.lastError = '';
    } catch (error) {
      this.lastCheckinOk = false;
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }
}
