import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { badRequest, validationFailed } from '../rest-errors.js';
import { authenticateBasic, authenticationError, type Subject } from '../../security/authentication.js';
import { authenticationView, hashToken, newTokenString, tokenRequestError } from '../../security/token-commands.js';
import { randomId } from '../../security/passwords.js';
import type { StoredToken } from '../../cluster/cluster-state.js';

/**
 * POST and DELETE /_security/oauth2/token (rest-api-spec security.get_token, security.invalidate_token;
 * x-pack RestGetTokenAction, CreateTokenRequest, TransportCreateTokenAction, RestInvalidateTokenAction, TokenService).
 */

const WRITE_TIMEOUT = 30000;
/** TokenService.TOKEN_EXPIRATION (xpack.security.authc.token.timeout) default: 20 minutes. */
const TOKEN_LIFETIME_MS = 20 * 60 * 1000;
const SUPPORTED_GRANT_TYPES = ['password', '_kerberos', 'refresh_token', 'client_credentials'];

interface TokenRequestBody {
  grant_type?: string;
  username?: string;
  password?: string;
  kerberos_ticket?: string;
  scope?: string;
  refresh_token?: string;
}

/** CreateTokenRequest.validate: the problems, in its order. */
function tokenRequestProblems(body: TokenRequestBody): string[] {
  const problems: string[] = [];
  const unsupported = (field: keyof TokenRequestBody) => {
    if (body[field] !== undefined) problems.push(`${field} is not supported with the ${body.grant_type} grant_type`);
  };
  const required = (field: keyof TokenRequestBody) => {
    if (!body[field]) problems.push(`${field} is missing`);
  };
  switch (body.grant_type) {
    case 'password':
      unsupported('kerberos_ticket');
      unsupported('refresh_token');
      required('username');
      required('password');
      break;
    case 'refresh_token':
      unsupported('username');
      unsupported('password');
      unsupported('kerberos_ticket');
      required('refresh_token');
      break;
    case 'client_credentials':
      unsupported('username');
      unsupported('password');
      unsupported('kerberos_ticket');
      unsupported('refresh_token');
      break;
    default:
      problems.push(`grant_type only supports the values: [${SUPPORTED_GRANT_TYPES.join(', ')}]`);
  }
  return problems;
}

function storedUser(subject: Subject): StoredToken['user'] {
  return { username: subject.username, roles: subject.assignedRoles, full_name: subject.fullName, email: subject.email, metadata: subject.metadata, realm: subject.realm };
}

/** Who may refresh: the client that created the token (TokenService.checkClientCanRefresh). */
function clientOf(subject: Subject): { username: string; realm: string } {
  return { username: subject.username, realm: subject.realm.name };
}

async function createToken(context: RouteContext, body: TokenRequestBody) {
  const { node, subject } = context;
  guardCluster(context, 'cluster:admin/xpack/security/token/create');
  let tokenUser: Subject = subject;
  if (body.grant_type === 'password') {
    const authenticated = authenticateBasic(body.username!, body.password!, {
      authorization: undefined,
      uri: context.request.uri,
      metadata: node.metadata(),
      bootstrapPassword: node.config.bootstrapPassword,
      fileServiceTokens: node.fileServiceTokens(),
      now: node.now(),
    });
    // DefaultAuthenticationFailureHandler.failedAuthentication for a transport action.
    if (!authenticated) throw authenticationError(`unable to authenticate user [${body.username}] for action [cluster:admin/xpack/security/token/create]`);
    tokenUser = authenticated;
  } else if (subject.kind !== 'user') {
    // client_credentials mints a token for the caller itself, which must be a realm user.
    throw badRequest(`token creation is not supported for ${subject.kind === 'api_key' ? 'API keys' : 'service accounts'}`);
  }
  const now = node.now();
  const access = newTokenString();
  const refresh = body.grant_type === 'password' ? newTokenString() : undefined;
  const user = storedUser(tokenUser);
  const token: StoredToken = {
    accessTokenHash: hashToken(access),
    ...(refresh ? { refreshTokenHash: hashToken(refresh) } : {}),
    creation: now,
    expiration: now + TOKEN_LIFETIME_MS,
    invalidated: false,
    refreshInvalidated: false,
    user,
    client: clientOf(subject),
  };
  const response: Record<string, unknown> = { access_token: access, type: 'Bearer', expires_in: TOKEN_LIFETIME_MS / 1000 };
  if (body.scope !== undefined) response.scope = body.scope;
  if (refresh) response.refresh_token = refresh;
  response.authentication = authenticationView(user);
  return node.submit({ kind: 'create_token', id: randomId(22), token, response }, WRITE_TIMEOUT);
}

async function refreshToken(context: RouteContext, body: TokenRequestBody) {
  const { node, subject } = context;
  guardCluster(context, 'cluster:admin/xpack/security/token/refresh');
  const now = node.now();
  const result = await node.submit(
    {
      kind: 'refresh_token',
      refreshToken: body.refresh_token!,
      client: clientOf(subject),
      now,
      next: { id: randomId(22), access: newTokenString(), refresh: newTokenString(), expiration: now + TOKEN_LIFETIME_MS },
      expiresInSeconds: TOKEN_LIFETIME_MS / 1000,
    },
    WRITE_TIMEOUT,
  );
  // A refreshed token authenticates as a token (UserToken's authentication), which is what the response shows.
  const authentication = (result.body as { authentication?: Record<string, unknown> }).authentication;
  if (result.status === 200 && authentication) authentication.authentication_type = 'token';
  return result;
}

async function getToken(context: RouteContext) {
  const body = jsonBody<TokenRequestBody>(context.request, true)!;
  const problems = tokenRequestProblems(body);
  if (problems.length > 0) {
    // RestGetTokenAction: validation failures become RFC 6749 errors.
    const reason = `Validation Failed: ${problems.map((problem, index) => `${index + 1}: ${problem};`).join('')}`;
    return tokenRequestError(problems.some((problem) => problem.includes('grant_type')) ? 'unsupported_grant_type' : 'invalid_request', reason);
  }
  if (body.grant_type === '_kerberos') throw badRequest('the emulated node has no kerberos realm');
  return body.grant_type === 'refresh_token' ? refreshToken(context, body) : createToken(context, body);
}

async function invalidateToken(context: RouteContext) {
  const body = jsonBody<{ token?: string; refresh_token?: string; realm_name?: string; username?: string }>(context.request, true)!;
  if (body.token && body.refresh_token) throw badRequest('only one of [token, refresh_token] may be sent per request');
  const tokenString = body.token || body.refresh_token;
  // InvalidateTokenRequest.validate
  if (body.realm_name || body.username) {
    if (tokenString) throw validationFailed('token string must not be provided when realm name or username is specified');
  } else if (!tokenString) throw validationFailed('token string must be provided when not specifying a realm name or a username');
  guardCluster(context, 'cluster:admin/xpack/security/token/invalidate');
  return context.node.submit(
    {
      kind: 'invalidate_tokens',
      ...(body.token ? { accessToken: body.token } : {}),
      ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
      ...(body.realm_name ? { realm: body.realm_name } : {}),
      ...(body.username ? { username: body.username } : {}),
      now: context.node.now(),
    },
    WRITE_TIMEOUT,
  );
}

export const tokenRoutes: Route[] = [
  { methods: ['POST'], pattern: '/_security/oauth2/token', handler: getToken },
  { methods: ['DELETE'], pattern: '/_security/oauth2/token', handler: invalidateToken },
];
