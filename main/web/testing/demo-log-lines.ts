import type { ComponentKind } from '../../../common/lab-plan.ts';

/**
 * The demo lab's log lines, in each product's own layout (as the emulated images write them):
 * Elasticsearch's flat-keyed ECS JSON, Kibana's nested JSON, Elastic Agent's and Fleet Server's
 * lower-case levels with a `component` object; and the odd plain-text line a JVM or a shell prints.
 */
const ES_LINES: Array<[string, string, string]> = [
  ['INFO', 'org.elasticsearch.node.Node', 'version[9.1.0], pid[7], build[docker/00000000], OS[Linux], JVM[Eclipse Adoptium/OpenJDK 64-Bit Server VM/24]'],
  ['INFO', 'org.elasticsearch.xpack.security.Security', 'Security is enabled'],
  ['INFO', 'org.elasticsearch.transport.TransportService', 'publish_address {%ip%:9300}, TLS on transport with client authentication required'],
  ['WARN', 'org.elasticsearch.xpack.core.ssl.SSLService', 'received plaintext http traffic on an https channel, closing connection'],
  ['INFO', 'org.elasticsearch.cluster.routing.allocation.AllocationService', 'current.health="GREEN" message="Cluster health status changed from [YELLOW] to [GREEN]"'],
  ['INFO', 'org.elasticsearch.xpack.security.authc.Realms', 'authentication of [lab_admin] succeeded through realm [native]'],
  ['ERROR', 'org.elasticsearch.transport.netty4.Netty4Transport', 'exception caught on transport layer: handshake failed, the peer presented a certificate signed by another CA'],
];

const KIBANA_LINES: Array<[string, string, string]> = [
  ['INFO', 'plugins-service', 'Plugin initialization finished'],
  ['INFO', 'http.server.Kibana', 'http server running at https://0.0.0.0:5601'],
  ['WARN', 'plugins.security.config', 'Session idle timeout is 30 minutes: sessions end when unused'],
  ['INFO', 'elasticsearch-service', 'Successfully connected to Elasticsearch at https://es01:9200 over TLS'],
  ['INFO', 'status', 'Kibana is now available'],
];

const FLEET_LINES: Array<[string, string]> = [
  ['info', 'Fleet Server listening on https://0.0.0.0:8220 with the lab certificate'],
  ['info', 'Elasticsearch output connected using the fleet-server service token'],
  ['warn', 'agent checkin took longer than expected'],
  ['info', 'agent enrolled with an enrollment token'],
  ['error', 'failed to read policy: the token was revoked'],
];

export function demoLogLine(component: string, kind: ComponentKind, ip: string | undefined, index: number): string {
  const time = new Date(Date.UTC(2026, 10, 28, 9, 0, index)).toISOString();
  if (index % 13 === 12) return kind === 'elasticsearch' ? 'OpenJDK 64-Bit Server VM warning: Option UseConcMarkSweepGC was deprecated' : `+ exec ${component} (entrypoint)`;
  if (kind === 'elasticsearch') {
    const [level, logger, message] = ES_LINES[index % ES_LINES.length];
    return (
      `{"@timestamp":${JSON.stringify(time)}, "log.level": ${JSON.stringify(level)}, "message":${JSON.stringify(message.replace('%ip%', ip ?? '127.0.0.1'))}, ` +
      `"ecs.version": "1.2.0","service.name":"ES_ECS","event.dataset":"elasticsearch.server","process.thread.name":"elasticsearch[${component}][main]",` +
      `"log.logger":${JSON.stringify(logger)},"elasticsearch.node.name":${JSON.stringify(component)},"elasticsearch.cluster.name":"lab"}`
    );
  }
  if (kind === 'kibana') {
    const [level, logger, message] = KIBANA_LINES[index % KIBANA_LINES.length];
    return JSON.stringify({ '@timestamp': time, ecs: { version: '8.11.0' }, log: { level, logger }, message, process: { pid: 7 } });
  }
  const [level, message] = FLEET_LINES[index % FLEET_LINES.length];
  return JSON.stringify({ 'log.level': level, '@timestamp': time, message, component: { id: kind === 'fleet-server' ? 'fleet-server-default' : 'elastic-agent', type: kind }, 'ecs.version': '1.6.0' });
}
