import type { ClusterMetadata, LicenseState, RestResult } from './cluster-state.js';
import { applySecurityCommand, type SecurityCommand } from '../security/security-commands.js';
import { applyDocumentCommand, type ApplyContext, type DocumentCommand } from '../data/document-commands.js';
import { applySettingsUpdate } from './dynamic-settings.js';
import { applyApplicationPrivilegeCommand, type ApplicationPrivilegeCommand } from '../security/application-privileges.js';
import { applyTokenCommand, type TokenCommand } from '../security/token-commands.js';
import { applyApiKeyUpdateCommand, type ApiKeyUpdateCommand } from '../security/api-key-updates.js';
import { applyRoleMappingCommand, ROLE_MAPPING_COMMAND_KINDS, type RoleMappingCommand } from '../security/role-mapping-commands.js';
import { applyProfileCommand, PROFILE_COMMAND_KINDS, type ProfileCommand } from '../security/profile-commands.js';
import { applyIndexStateCommand, INDEX_STATE_COMMAND_KINDS, type IndexStateCommand } from '../data/index-state-commands.js';

export type ClusterCommand =
  | SecurityCommand
  | DocumentCommand
  | ApplicationPrivilegeCommand
  | TokenCommand
  | ApiKeyUpdateCommand
  | RoleMappingCommand
  | ProfileCommand
  | IndexStateCommand
  | { kind: 'put_cluster_settings'; persistent: Record<string, unknown>; transient: Record<string, unknown> }
  | { kind: 'start_trial'; uid: string; now: number }
  | { kind: 'start_basic'; uid: string; now: number };

const TRIAL_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function selfGeneratedLicense(type: 'basic' | 'trial', uid: string, now: number): LicenseState {
  return type === 'trial' ? { uid, type, issueDate: now, expiryDate: now + TRIAL_DAYS * DAY_MS, trialUsed: true } : { uid, type, issueDate: now, trialUsed: false };
}

/** Mutates `metadata` (callers pass a copy); deterministic so every node would compute the same result. */
export function applyCommand(metadata: ClusterMetadata, command: ClusterCommand, context: ApplyContext): RestResult {
  if (ROLE_MAPPING_COMMAND_KINDS.has(command.kind)) return applyRoleMappingCommand(metadata, command as RoleMappingCommand);
  if (PROFILE_COMMAND_KINDS.has(command.kind)) return applyProfileCommand(metadata, command as ProfileCommand);
  if (INDEX_STATE_COMMAND_KINDS.has(command.kind)) return applyIndexStateCommand(metadata, command as IndexStateCommand);
  switch (command.kind) {
    case 'put_cluster_settings':
      return applySettingsUpdate(metadata, command.persistent, command.transient);
    case 'start_trial': {
      // ES StartTrialClusterTask: a cluster gets one self-generated trial.
      if (metadata.license?.trialUsed) {
        return { status: 403, body: { acknowledged: true, trial_was_started: false, error_message: 'Operation failed: Trial was already activated.' } };
      }
      metadata.license = selfGeneratedLicense('trial', command.uid, command.now);
      return { status: 200, body: { acknowledged: true, trial_was_started: true, type: 'trial' } };
    }
    case 'start_basic': {
      if (metadata.license?.type === 'basic') {
        return { status: 403, body: { acknowledged: true, basic_was_started: false, error_message: 'Operation failed: Current license is basic.' } };
      }
      metadata.license = { ...selfGeneratedLicense('basic', command.uid, command.now), trialUsed: metadata.license?.trialUsed ?? false };
      return { status: 200, body: { acknowledged: true, basic_was_started: true } };
    }
    case 'create_index':
    case 'delete_indices':
    case 'index_document':
    case 'update_document':
    case 'delete_document':
    case 'bulk':
      return applyDocumentCommand(metadata, command, context);
    case 'put_application_privileges':
    case 'delete_application_privileges':
      return applyApplicationPrivilegeCommand(metadata, command);
    case 'create_token':
    case 'refresh_token':
    case 'invalidate_tokens':
      return applyTokenCommand(metadata, command);
    case 'update_api_keys':
      return applyApiKeyUpdateCommand(metadata, command);
    default:
      return applySecurityCommand(metadata, command as SecurityCommand);
  }
}
