import type { Client } from '@elastic/elasticsearch';
import type { Logger } from './logger';
import { statusCodeOf } from './es-client';

export type StatusLevel = 'available' | 'degraded' | 'unavailable' | 'critical';
const LEVEL_ORDER: StatusLevel[] = ['available', 'degraded', 'unavailable', 'critical'];

export interface ServiceStatus {
  level: StatusLevel;
  summary: string;
}

export interface OverallStatus {
  overall: ServiceStatus;
  core: { elasticsearch: ServiceStatus; savedObjects: ServiceStatus };
}

/**
 * Kibana core's Elasticsearch status: it polls the cluster with its internal user through `nodes.info`
 * every `elasticsearch.healthCheck.startupDelay` (0.5 s) until the first answer, then every
 * `elasticsearch.healthCheck.delay` (2.5 s) (elasticsearch_config.ts, pollEsNodesVersion's
 * healthCheckStartupInterval), and stays unavailable until that works.
 * Wording from src/core/packages/elasticsearch/server-internal (status.ts, is_compatible_with_kibana.ts)
 * and saved-objects status ("…without a healthy Elasticearch connection" is Kibana's own spelling).
 */
export class ElasticsearchStatusService {
  private es: ServiceStatus = { level: 'unavailable', summary: 'Waiting for Elasticsearch' };
  private everConnected = false;
  private lastLoggedMessage: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
    private readonly statusLogger: Logger,
    private readonly intervals = { startupMs: 500, ms: 2500 },
  ) {}

  start(): void {
    const tick = async () => {
      await this.check();
      this.timer = setTimeout(tick, this.everConnected ? this.intervals.ms : this.intervals.startupMs);
    };
    void tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  onFirstConnection(listener: () => void): void {
    if (this.everConnected) listener();
    else this.listeners.push(listener);
  }

  get isReady(): boolean {
    return this.everConnected;
  }

  async check(): Promise<void> {
    const previous = this.current().overall.level;
    try {
      await this.fetchNodesInfo();
      this.es = { level: 'available', summary: 'Elasticsearch is available' };
      this.lastLoggedMessage = undefined;
      if (!this.everConnected) {
        this.everConnected = true;
        for (const listener of this.listeners.splice(0)) listener();
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `Unable to retrieve version information from Elasticsearch nodes. ${reason}`;
      this.es = { level: 'critical', summary: message };
      if (message !== this.lastLoggedMessage) {
        this.logger.error(message);
        this.lastLoggedMessage = message;
      }
    }
    const now = this.current().overall.level;
    if (now !== previous) this.statusLogger.info(`Kibana is now ${now} (was ${previous})`);
  }

  private async fetchNodesInfo(): Promise<void> {
    try {
      await this.client.nodes.info({ filter_path: ['nodes.*.version', 'nodes.*.http.publish_address', 'nodes.*.ip'] });
    } catch (error) {
      // An emulated node without the nodes-info API still proves the connection and the credentials.
      if (statusCodeOf(error) === 404 || statusCodeOf(error) === 400) await this.client.security.authenticate();
      else throw error;
    }
  }

  current(): OverallStatus {
    const savedObjects: ServiceStatus =
      this.es.level === 'available'
        ? { level: 'available', summary: 'SavedObjects service has completed migrations and is available' }
        : { level: 'unavailable', summary: 'SavedObjects service is not available without a healthy Elasticearch connection' };
    const services: Record<string, ServiceStatus> = { elasticsearch: this.es, savedObjects };
    const worst = Object.values(services).reduce<StatusLevel>((acc, s) => (LEVEL_ORDER.indexOf(s.level) > LEVEL_ORDER.indexOf(acc) ? s.level : acc), 'available');
    let summary = 'All services and plugins are available';
    if (worst !== 'available') {
      const affected = Object.entries(services).filter(([, s]) => s.level === worst);
      summary = affected.length === 1 ? `[${affected[0]![0]}]: ${affected[0]![1].summary}` : `${affected.length} services are ${worst}: ${affected.map(([name]) => name).join(', ')}`;
    }
    return { overall: { level: worst, summary }, core: { elasticsearch: this.es, savedObjects } };
  }
}

/** src/core/packages/status/server-internal/src/routes/status.ts: 503 when the overall level is unavailable or worse. */
export function httpStatusForLevel(level: StatusLevel): number {
  return LEVEL_ORDER.indexOf(level) >= LEVEL_ORDER.indexOf('unavailable') ? 503 : 200;
}
