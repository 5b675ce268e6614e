import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { AgentLogger } from '../logger';
import type { UnitState } from '../control-socket';
import { goTlsErrorMessage } from '../go-tls-errors';

/**
 * Fleet Server's own health as `/api/status` reports it: STARTING until the first Elasticsearch check,
 * HEALTHY while the service token authenticates (`GET /_security/_authenticate`), FAILED when it never
 * could, DEGRADED when it could before and now cannot.
 */
export class FleetServerHealth {
  state: UnitState = 'STARTING';
  message = 'Starting';
  private wasHealthy = false;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Client,
    private readonly esHost: string,
    private readonly logger: AgentLogger,
    private readonly intervalMs = 2000,
  ) {}

  start(onHealthy: () => void): void {
    const tick = async () => {
      await this.check();
      if (this.state === 'HEALTHY') onHealthy();
      this.timer = setTimeout(tick, this.intervalMs);
    };
    void tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  async check(): Promise<void> {
    try {
      await this.client.security.authenticate();
      if (this.state !== 'HEALTHY') this.logger.info('Elasticsearch connection verified; Fleet Server is running', { 'service.name': 'fleet-server', state: 'HEALTHY' });
      this.state = 'HEALTHY';
      this.message = 'Running on default policy with Fleet Server integration';
      this.wasHealthy = true;
      this.lastError = undefined;
    } catch (error) {
      const reason = describeElasticsearchError(error, this.esHost);
      this.state = this.wasHealthy ? 'DEGRADED' : 'FAILED';
      this.message = `Error - ${reason}`;
      if (reason !== this.lastError) {
        this.logger.error('Fleet Server failed', { 'service.name': 'fleet-server', 'error.message': reason, state: this.state });
        this.lastError = reason;
      }
    }
  }
}

/** go-elasticsearch's wording: `Get "https://es01:9200/_security/_authenticate": x509: …` or `elastic fail 401: …`. */
export function describeElasticsearchError(error: unknown, esHost: string): string {
  if (error instanceof errors.ResponseError) {
    const body = error.meta.body as { error?: { type?: string; reason?: string } } | undefined;
    return `elastic fail ${error.meta.statusCode}: ${body?.error?.type ?? 'error'}: ${body?.error?.reason ?? error.message}`;
  }
  const url = new URL('/_security/_authenticate', esHost).toString();
  return `Get "${url}": ${goTlsErrorMessage(error)}`;
}
