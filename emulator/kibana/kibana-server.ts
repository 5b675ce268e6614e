import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { KibanaConfig } from './config';
import type { Logger } from './logger';
import { createElasticsearchClients } from './es-client';
import { ElasticsearchStatusService } from './status-service';
import { SessionCookies } from './session-cookie';
import { Authenticator } from './authentication';
import { Router } from './http/router';
import { createKibanaHttpServer } from './http/server';
import { statusRoutes } from './routes/status';
import { securityRoutes } from './routes/security';
import { fleetRoutes } from './routes/fleet';
import { FleetService } from './fleet/fleet-service';
import { EnrollmentKeyService } from './fleet/enrollment-keys';
import { applyFleetPreconfiguration } from './fleet/preconfiguration';
import { logConfigurationWarnings } from './startup-warnings';

export interface RunningKibana {
  server: Server;
  stop(): Promise<void>;
}

/** Wires config, Elasticsearch clients, status, sessions and routes into one listening Kibana. */
export async function startKibana(config: KibanaConfig, uuid: string, logger: Logger): Promise<RunningKibana> {
  logConfigurationWarnings(config, logger);

  const clients = createElasticsearchClients(config.elasticsearch);
  const status = new ElasticsearchStatusService(clients.internal, logger.get('elasticsearch-service'), logger.get('status'));
  const sessionKey = config.security.encryptionKey ?? randomBytes(16).toString('hex');
  const sessions = new SessionCookies(sessionKey, config.security, config.server.ssl.enabled || config.security.secureCookies);
  const authenticator = new Authenticator(clients, sessions);
  const now = () => new Date();

  const outputHosts = config.fleet.outputHosts;
  const fleet = new FleetService(clients.internal, {
    outputHosts: outputHosts.length ? outputHosts : ['http://localhost:9200'],
    fleetServerHosts: config.fleet.fleetServerHosts,
  });
  const enrollmentKeys = new EnrollmentKeyService(clients.internal);

  const router = new Router();
  router.add(
    ...statusRoutes({ status, serverName: config.server.name, uuid, allowAnonymous: config.status.allowAnonymous }),
    ...securityRoutes({ authenticator, sessions, providerName: 'basic' }),
    ...fleetRoutes({
      fleet,
      enrollmentKeys,
      internalClient: clients.internal,
      encryptedSavedObjectsKeySet: config.encryptedSavedObjects.encryptionKey !== undefined,
      now,
    }),
  );

  const server = createKibanaHttpServer({ config, router, authenticator, sessions, isReady: () => status.isReady, logger: logger.get('http') });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const scheme = config.server.ssl.enabled ? 'https' : 'http';
  logger.get('http.server.Kibana').info(`http server running at ${scheme}://${config.server.host}:${config.server.port}`);

  status.onFirstConnection(() => {
    applyFleetPreconfiguration(config.fleet, fleet, enrollmentKeys, logger.get('plugins.fleet')).catch((error: unknown) =>
      logger.get('plugins.fleet').error(`Failed to apply preconfiguration: ${error instanceof Error ? error.message : String(error)}`),
    );
  });
  status.start();

  return {
    server,
    stop: async () => {
      status.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await clients.close();
    },
  };
}
