import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import { httpStatusForLevel, type ElasticsearchStatusService } from '../status-service';
import { KIBANA_BUILD_HASH, KIBANA_BUILD_NUMBER, KIBANA_VERSION } from '../version';

/**
 * `GET /api/status` (src/core/packages/status/server-internal/src/routes/status.ts): authRequired 'optional';
 * without credentials (and `status.allowAnonymous: false`) only `{"status":{"overall":{"level":…}}}`.
 */
export function statusRoutes(deps: { status: ElasticsearchStatusService; serverName: string; uuid: string; allowAnonymous: boolean }): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/status',
      auth: 'optional',
      handler: ({ res, user }) => {
        const current = deps.status.current();
        const code = httpStatusForLevel(current.overall.level);
        if (!user && !deps.allowAnonymous) {
          sendJson(res, code, { status: { overall: { level: current.overall.level } } });
          return;
        }
        sendJson(res, code, {
          name: deps.serverName,
          uuid: deps.uuid,
          version: {
            number: KIBANA_VERSION,
            build_hash: KIBANA_BUILD_HASH,
            build_number: KIBANA_BUILD_NUMBER,
            build_snapshot: false,
            build_flavor: 'traditional',
            build_date: '2025-07-24T00:00:00.000Z',
          },
          status: { overall: current.overall, core: current.core, plugins: {} },
          metrics: {
            last_updated: new Date().toISOString(),
            collection_interval_in_millis: 5000,
            os: { platform: process.platform, uptime_in_millis: Math.round(process.uptime() * 1000) },
            process: { pid: process.pid, uptime_in_millis: Math.round(process.uptime() * 1000), memory: { heap: process.memoryUsage() } },
            concurrent_connections: 0,
          },
        });
      },
    },
  ];
}
