/**
 * Where Fleet keeps its state, as in the real product: saved objects in the `.kibana_ingest` index
 * (type-prefixed ids, `type` field), Fleet Server's system indices for what agents and Fleet Server read.
 */
export const INGEST_SAVED_OBJECTS_INDEX = '.kibana_ingest';
export const ENROLLMENT_API_KEYS_INDEX = '.fleet-enrollment-api-keys';
export const AGENTS_INDEX = '.fleet-agents';
export const FLEET_POLICIES_INDEX = '.fleet-policies';

export const AGENT_POLICY_TYPE = 'ingest-agent-policies';
export const FLEET_SERVER_HOST_TYPE = 'fleet-fleet-server-host';
export const OUTPUT_TYPE = 'ingest-outputs';

export const DEFAULT_OUTPUT_ID = 'fleet-default-output';
