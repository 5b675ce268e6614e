import type { ClusterMetadata, RestResult, StoredProfile } from '../cluster/cluster-state.js';
import { ElasticsearchError } from '../http/rest-errors.js';

export type ProfileCommand =
  | { kind: 'activate_profile'; profile: StoredProfile }
  | { kind: 'update_profile_data'; uid: string; labels: Record<string, unknown>; data: Record<string, unknown> }
  | { kind: 'set_profile_enabled'; uid: string; enabled: boolean };

export const PROFILE_COMMAND_KINDS = new Set(['activate_profile', 'update_profile_data', 'set_profile_enabled']);

/** ProfileService: `profile document not found` when a uid has no .security-profile document. */
export function profileNotFound(uid: string): ElasticsearchError {
  return new ElasticsearchError(404, 'resource_not_found_exception', `profile document not found`, { 'resource.type': 'profile', 'resource.id': uid });
}

/** Profile.toXContent for activate and get (labels and data as asked, `_doc` with the document's sequence numbers). */
export function profileView(profile: StoredProfile, data: Record<string, unknown> = {}) {
  return {
    uid: profile.uid,
    enabled: profile.enabled,
    last_synchronized: profile.lastSynchronized,
    user: profile.user,
    labels: profile.labels,
    data,
    _doc: { _primary_term: 1, _seq_no: 0 },
  };
}

/** The update is a partial document: top-level keys of labels and data replace those already stored (ProfileService.updateProfileData). */
function merge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export function applyProfileCommand(metadata: ClusterMetadata, command: ProfileCommand): RestResult {
  const profiles = (metadata.profiles ??= {});
  switch (command.kind) {
    case 'activate_profile': {
      const existing = profiles[command.profile.uid];
      // Activation re-synchronises the user fields and keeps labels, data and the enabled flag.
      const profile = existing ? { ...existing, user: command.profile.user, lastSynchronized: command.profile.lastSynchronized, enabled: true } : command.profile;
      profiles[profile.uid] = profile;
      return { status: 200, body: profileView(profile) };
    }
    case 'update_profile_data': {
      const profile = profiles[command.uid];
      if (!profile) throw profileNotFound(command.uid);
      profile.labels = merge(profile.labels, command.labels);
      profile.data = merge(profile.data, command.data);
      return { status: 200, body: { acknowledged: true } };
    }
    case 'set_profile_enabled': {
      const profile = profiles[command.uid];
      if (!profile) throw profileNotFound(command.uid);
      profile.enabled = command.enabled;
      return { status: 200, body: { acknowledged: true } };
    }
  }
}
