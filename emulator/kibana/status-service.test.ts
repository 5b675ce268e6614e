import type { Client } from '@elastic/elasticsearch';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger';
import { ElasticsearchStatusService } from './status-service';

afterEach(() => {
  vi.useRealTimers();
});

describe("the emulated Kibana's Elasticsearch health check", () => {
  it('asks every 0.5 s until Elasticsearch first answers, then every 2.5 s (healthCheck.startupDelay, healthCheck.delay)', async () => {
    vi.useFakeTimers();
    const askedAt: number[] = [];
    const started = Date.now();
    let answers = 0;
    const client = {
      nodes: {
        info: async () => {
          askedAt.push(Date.now() - started);
          if (++answers <= 3) throw new Error('unable to authenticate user [kibana_system] for REST request [/_nodes]');
          return { nodes: {} };
        },
      },
    } as unknown as Client;
    const logger = createLogger({ json: true, sink: { write: () => undefined } });
    const status = new ElasticsearchStatusService(client, logger, logger);
    status.start();
    await vi.advanceTimersByTimeAsync(7000);
    status.stop();
    expect(askedAt).toEqual([0, 500, 1000, 1500, 4000, 6500]);
    expect(status.isReady).toBe(true);
  });
});
