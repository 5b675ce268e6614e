import { describe, expect, it } from 'vitest';
import { kibanaReadiness, type KibanaStatusBody } from './kibana-fleet-setup.ts';

// Shapes as Kibana 9's GET /api/status answers (src/core/packages/status/server-internal: overall, core, plugins).
const body = (overall: string, core: Record<string, string>, plugins: Record<string, string> = {}): KibanaStatusBody => ({
  status: {
    overall: { level: overall, summary: overall === 'available' ? 'All services and plugins are available' : `${Object.keys(plugins).length} services are ${overall}` },
    core: Object.fromEntries(Object.entries(core).map(([name, level]) => [name, { level, summary: `${name} is ${level}` }])),
    plugins: Object.fromEntries(Object.entries(plugins).map(([name, level]) => [name, { level, summary: `${name} is ${level}` }])),
  },
});
const coreUp = { elasticsearch: 'available', savedObjects: 'available' };

describe('Kibana readiness', () => {
  it('is ready when everything is available', () => {
    expect(kibanaReadiness(200, body('available', coreUp))).toEqual({ ready: true, value: 'available' });
  });

  it('is ready with a degraded plugin while the core services are available, and names the plugin', () => {
    const seen = kibanaReadiness(200, body('degraded', coreUp, { taskManager: 'degraded', fleet: 'available' }));
    expect(seen).toEqual({ ready: true, value: 'degraded (taskManager): core services available' });
  });

  it('waits while a core service is not available, saying which', () => {
    const seen = kibanaReadiness(503, body('degraded', { elasticsearch: 'available', savedObjects: 'unavailable' }));
    expect(seen.ready).toBe(false);
    expect(seen.ready === false && seen.detail).toMatch(/HTTP 503, status degraded.*core savedObjects unavailable/);
  });

  it('waits while Kibana is unavailable or answers without a status', () => {
    expect(kibanaReadiness(503, body('unavailable', { elasticsearch: 'unavailable', savedObjects: 'unavailable' })).ready).toBe(false);
    expect(kibanaReadiness(401, undefined)).toEqual({ ready: false, detail: 'HTTP 401, status unknown' });
  });
});
