import type { Route, RouteContext } from '../rest-request.js';
import { ok } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { badRequest, validationFailed } from '../rest-errors.js';
import { hashSecret, randomId } from '../../security/passwords.js';
import { SERVICE_ACCOUNTS } from '../../security/elastic-service-accounts.js';
import { encodeServiceToken, isValidServiceTokenName } from '../../security/service-tokens.js';

/**
 * Service accounts and their tokens (x-pack/plugin/security/.../action/service/Transport*ServiceAccount*Action.java,
 * authc/service/ServiceAccountService.java, IndexServiceAccountTokenStore.java; REST paths from
 * rest-api-spec security.get_service_accounts|get_service_credentials|create_service_token|delete_service_token.json).
 */
const WRITE_TIMEOUT = 30000;

/** Validation.INVALID_SERVICE_ACCOUNT_TOKEN_NAME_MESSAGE, prefixed as formatInvalidServiceTokenNameErrorMessage does. */
function invalidTokenName(name: string): string {
  return (
    `invalid service token name [${name}]. service account token name must have at least 1 character and at most 256 characters ` +
    'that are alphanumeric (A-Z, a-z, 0-9) or hyphen (-) or underscore (_). It must not begin with an underscore (_).'
  );
}

/** Create/DeleteServiceAccountTokenRequest.validate runs before the action is authorized (TransportAction.execute). */
function validatedTokenName(name: string): string {
  if (!isValidServiceTokenName(name)) throw validationFailed(invalidTokenName(name));
  return name;
}

/** TransportGetServiceAccountAction: the built-in accounts matching the path filters; none match → 200 `{}`. */
function getServiceAccounts(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/service_account/get');
  const { namespace, service } = context.params;
  const accounts = Object.entries(SERVICE_ACCOUNTS).filter(([principal]) => {
    const [ns, svc] = principal.split('/');
    return (namespace === undefined || ns === namespace) && (service === undefined || svc === service);
  });
  return ok(Object.fromEntries(accounts.map(([principal, descriptor]) => [principal, { role_descriptor: descriptor() }])));
}

/**
 * GetServiceAccountCredentialsResponse: index tokens sorted by name, file tokens under nodes_credentials. ES does not
 * check that the account exists here: an unknown one answers 200 with no tokens.
 */
function getServiceCredentials(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/service_account/credential/get');
  const principal = `${context.params.namespace}/${context.params.service}`;
  const indexTokens = Object.values(context.node.metadata().serviceTokens)
    .filter((token) => `${token.namespace}/${token.service}` === principal)
    .map((token) => token.name)
    .sort();
  const fileTokens = [...context.node.fileServiceTokens().keys()]
    .filter((key) => key.startsWith(`${principal}/`))
    .map((key) => key.slice(principal.length + 1))
    .sort();
  return ok({
    service_account: principal,
    count: indexTokens.length + fileTokens.length,
    tokens: Object.fromEntries(indexTokens.map((name) => [name, {}])),
    nodes_credentials: {
      _nodes: { total: 1, successful: 1, failed: 0 },
      file_tokens: Object.fromEntries(fileTokens.map((name) => [name, { nodes: [context.node.config.nodeName] }])),
    },
  });
}

/**
 * RestCreateServiceAccountTokenAction names an unnamed token `token_<base64 UUID>`; IndexServiceAccountTokenStore
 * refuses an unknown account (IllegalArgumentException) and a taken name (the OpType.CREATE version conflict).
 */
async function createServiceToken(context: RouteContext) {
  const name = validatedTokenName(context.params.name ?? `token_${randomId(20)}`);
  guardCluster(context, 'cluster:admin/xpack/security/service_account/token/create');
  const { namespace, service } = context.params as { namespace: string; service: string };
  const principal = `${namespace}/${service}`;
  if (!SERVICE_ACCOUNTS[principal]) throw badRequest(`service account [${principal}] does not exist`);
  const secret = randomId(22);
  return context.node.submit(
    {
      kind: 'create_service_token',
      token: { namespace, service, name, secretHash: hashSecret(secret), creation: context.node.now() },
      value: encodeServiceToken(principal, name, secret),
    },
    WRITE_TIMEOUT,
  );
}

/** IndexServiceAccountTokenStore.deleteToken: an unknown account or token is `{"found": false}`, 404. */
async function deleteServiceToken(context: RouteContext) {
  const name = validatedTokenName(context.params.name!);
  guardCluster(context, 'cluster:admin/xpack/security/service_account/token/delete');
  const { namespace, service } = context.params as { namespace: string; service: string };
  return context.node.submit({ kind: 'delete_service_token', namespace, service, name }, WRITE_TIMEOUT);
}

export const serviceAccountRoutes: Route[] = [
  { methods: ['GET'], pattern: '/_security/service', handler: getServiceAccounts },
  { methods: ['GET'], pattern: '/_security/service/{namespace}', handler: getServiceAccounts },
  { methods: ['GET'], pattern: '/_security/service/{namespace}/{service}', handler: getServiceAccounts },
  { methods: ['GET'], pattern: '/_security/service/{namespace}/{service}/credential', handler: getServiceCredentials },
  { methods: ['POST'], pattern: '/_security/service/{namespace}/{service}/credential/token', handler: createServiceToken },
  { methods: ['POST', 'PUT'], pattern: '/_security/service/{namespace}/{service}/credential/token/{name}', handler: createServiceToken },
  { methods: ['DELETE'], pattern: '/_security/service/{namespace}/{service}/credential/token/{name}', handler: deleteServiceToken },
];
