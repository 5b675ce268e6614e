import { describe, expect, it } from 'vitest';
import { parseLogLine, severityOf } from './log-lines.ts';

describe('parseLogLine', () => {
  it('reads an Elasticsearch server line (flat dotted keys), shortening the class name as ES does', () => {
    const line =
      '{"@timestamp":"2022-07-03T12:47:49.229Z", "log.level": "INFO", "message":"bound or publishing to a non-loopback address, enforcing bootstrap checks", "ecs.version": "1.2.0","service.name":"ES_ECS","event.dataset":"elasticsearch.server","process.thread.name":"main","log.logger":"org.elasticsearch.bootstrap.BootstrapChecks","elasticsearch.node.name":"es01","elasticsearch.cluster.name":"lab"}';
    expect(parseLogLine(line)).toEqual({
      time: '2022-07-03T12:47:49.229Z',
      level: 'INFO',
      component: 'o.e.b.BootstrapChecks',
      message: 'bound or publishing to a non-loopback address, enforcing bootstrap checks',
    });
  });

  it('reads a Kibana JSON line (nested log.level and log.logger), keeping a dotted plugin logger whole', () => {
    const line = JSON.stringify({
      '@timestamp': '2025-01-01T10:00:00.000+00:00',
      ecs: { version: '8.11.0' },
      log: { level: 'WARN', logger: 'plugins.security.config' },
      message: 'Session cookies will be transmitted over insecure connections',
      process: { pid: 7 },
    });
    expect(parseLogLine(line)).toEqual({ time: '2025-01-01T10:00:00.000+00:00', level: 'WARN', component: 'plugins.security.config', message: 'Session cookies will be transmitted over insecure connections' });
  });

  it('reads an Elastic Agent line: lower-case level upper-cased, component from component.id, the error appended', () => {
    const line = JSON.stringify({
      'log.level': 'error',
      '@timestamp': '2026-01-02T03:04:05.678Z',
      message: 'failed to enroll',
      component: { id: 'fleet-server-default', type: 'fleet-server' },
      error: { message: 'x509: certificate signed by unknown authority' },
      'ecs.version': '1.6.0',
    });
    expect(parseLogLine(line)).toEqual({ time: '2026-01-02T03:04:05.678Z', level: 'ERROR', component: 'fleet-server-default', message: 'failed to enroll (x509: certificate signed by unknown authority)' });
  });

  it('passes on anything else: plain text, broken JSON, audit events and JSON without a message', () => {
    expect(parseLogLine('[2025-01-01T10:00:00.000+00:00][INFO ][root] Kibana is starting')).toBeUndefined();
    expect(parseLogLine('{"@timestamp":"2025-01-01T10:00:00Z", "log.level": "INFO", "message":"cut')).toBeUndefined();
    expect(parseLogLine('{"type":"audit", "timestamp":"2025-01-01T10:00:00,000+0000", "event.action":"authentication_failed"}')).toBeUndefined();
    expect(parseLogLine('[1,2,3]')).toBeUndefined();
    expect(parseLogLine('')).toBeUndefined();
  });
});

describe('severityOf', () => {
  it("reads every product's spelling of a level", () => {
    expect(['ERROR', 'fatal', 'CRITICAL', 'panic'].map(severityOf)).toEqual(['error', 'error', 'error', 'error']);
    expect(['WARN', 'warning'].map(severityOf)).toEqual(['warn', 'warn']);
    expect(['DEBUG', 'trace'].map(severityOf)).toEqual(['debug', 'debug']);
    expect(['INFO', 'notice', ''].map(severityOf)).toEqual(['info', 'info', 'info']);
  });
});
