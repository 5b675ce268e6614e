/**
 * The replicated part of the emulated cluster: what a real cluster keeps in its cluster state and in
 * its `.security*` and data indices. The elected master owns it; followers receive published copies.
 */
export interface IndexPrivilegeGroup {
  names: string[];
  privileges: string[];
  allow_restricted_indices?: boolean;
  field_security?: unknown;
  query?: unknown;
}

export interface RoleDescriptor {
  description?: string;
  cluster: string[];
  indices: IndexPrivilegeGroup[];
  applications: Array<{ application: string; privileges: string[]; resources: string[] }>;
  /** Configurable cluster privileges (RoleDescriptor `global`): `application.manage` and `profile.write`. */
  global?: { application?: { manage?: { applications: string[] } }; profile?: { write?: { applications: string[] } } };
  run_as: string[];
  metadata: Record<string, unknown>;
  transient_metadata?: Record<string, unknown>;
  /** Accepted and returned as given (no remote clusters are emulated). */
  remote_indices?: Array<Record<string, unknown>>;
  remote_cluster?: Array<Record<string, unknown>>;
}

/** A native role mapping (ExpressionRoleMapping), kept as ES returns it. */
export interface StoredRoleMapping {
  enabled: boolean;
  roles: string[];
  role_templates?: Array<{ template: unknown; format?: 'string' | 'json' }>;
  rules: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** A user profile document (.security-profile), as the profile APIs show it. */
export interface StoredProfile {
  uid: string;
  enabled: boolean;
  lastSynchronized: number;
  user: { username: string; roles: string[]; realm_name: string; realm_domain?: string; email: string | null; full_name: string | null };
  labels: Record<string, unknown>;
  data: Record<string, unknown>;
}

export interface StoredUser {
  username: string;
  passwordHash?: string;
  roles: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
}

/** A reserved user only stores what can be changed: its password and whether it is enabled. */
export interface ReservedUserState {
  passwordHash?: string;
  enabled: boolean;
}

export interface StoredApiKey {
  id: string;
  name: string;
  keyHash: string;
  creation: number;
  expiration?: number;
  invalidated: boolean;
  invalidation?: number;
  username: string;
  realm: string;
  realm_type: string;
  metadata: Record<string, unknown>;
  role_descriptors: Record<string, RoleDescriptor>;
  /** The owner's effective role descriptors at creation time, as ES stores `limited_by_role_descriptors`. */
  limited_by: Record<string, RoleDescriptor>;
}

export interface StoredApplicationPrivilege {
  actions: string[];
  metadata: Record<string, unknown>;
}

/** One token document: the access token, its optional refresh token and who may refresh it (TokenService). */
export interface StoredToken {
  accessTokenHash: string;
  refreshTokenHash?: string;
  creation: number;
  expiration: number;
  invalidated: boolean;
  refreshInvalidated: boolean;
  /** Set by the first refresh; a second refresh within 30 s gets the same superseding tokens. */
  refreshed?: { at: number; supersedingTokens: string };
  user: { username: string; roles: string[]; full_name: string | null; email: string | null; metadata: Record<string, unknown>; realm: { name: string; type: string } };
  client: { username: string; realm: string };
}

export interface StoredServiceToken {
  namespace: string;
  service: string;
  name: string;
  secretHash: string;
  creation: number;
}

export interface StoredDocument {
  source: Record<string, unknown>;
  version: number;
  seqNo: number;
  primaryTerm: number;
}

export interface StoredIndex {
  uuid: string;
  creationDate: number;
  settings: { number_of_shards: number; number_of_replicas: number; [key: string]: unknown };
  mappings: Record<string, unknown>;
  aliases: Record<string, unknown>;
  documents: Record<string, StoredDocument>;
  nextSeqNo: number;
  /** POST /{index}/_close; absent means open. */
  closed?: boolean;
}

export interface LicenseState {
  uid: string;
  type: 'basic' | 'trial';
  issueDate: number;
  expiryDate?: number;
  trialUsed: boolean;
}

export interface ClusterMetadata {
  clusterUuid: string;
  /** Master-eligible node names whose majority elects a master after the first formation. */
  votingConfig: string[];
  version: number;
  reservedUsers: Record<string, ReservedUserState>;
  users: Record<string, StoredUser>;
  roles: Record<string, RoleDescriptor>;
  apiKeys: Record<string, StoredApiKey>;
  serviceTokens: Record<string, StoredServiceToken>;
  indices: Record<string, StoredIndex>;
  persistentSettings: Record<string, unknown>;
  transientSettings: Record<string, unknown>;
  license: LicenseState | undefined;
  /** Application privileges (.security, doc_type application-privilege), by application then name; absent in older state. */
  applicationPrivileges?: Record<string, Record<string, StoredApplicationPrivilege>>;
  /** OAuth2 tokens (.security-tokens), by token document id; absent in older state. */
  tokens?: Record<string, StoredToken>;
  /** Absent in state persisted before role mappings and profiles were emulated. */
  roleMappings?: Record<string, StoredRoleMapping>;
  profiles?: Record<string, StoredProfile>;
}

export interface DiscoveryNode {
  id: string;
  name: string;
  roles: string[];
  transportAddress: string;
  httpAddress: string;
  ip: string;
  ephemeralId: string;
}

/** What a master publishes: the metadata plus who is in the cluster right now. */
export interface PublishedState {
  term: number;
  version: number;
  masterId: string;
  nodes: DiscoveryNode[];
  metadata: ClusterMetadata;
}

export function emptyMetadata(): ClusterMetadata {
  return {
    clusterUuid: '',
    votingConfig: [],
    version: 0,
    reservedUsers: {},
    users: {},
    roles: {},
    apiKeys: {},
    serviceTokens: {},
    indices: {},
    persistentSettings: {},
    transientSettings: {},
    license: undefined,
  };
}

/** A REST answer computed by the master and relayed by whichever node received the request. */
export interface RestResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
