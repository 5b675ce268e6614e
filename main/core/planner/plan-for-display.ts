import { REDACTED, isSecretReference, isTextContent, type LabPlan, type PlannedFile } from '../../../common/lab-plan.ts';

function displayFile(file: PlannedFile) {
  const from = isSecretReference(file.from) ? REDACTED : isTextContent(file.from) ? file.from.text : `pki:${file.from.certificate}/${file.from.part}`;
  return { path: file.path, mode: `0${file.mode.toString(8)}`, from };
}

/** A deep copy of the plan in which every secret reference reads "<redacted>"; keystores list entry names. */
export function planForDisplay(plan: LabPlan): unknown {
  const redact = (value: unknown): unknown => {
    if (isSecretReference(value)) return REDACTED;
    if (Array.isArray(value)) return value.map(redact);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(inner)]));
    }
    return value;
  };
  return {
    ...(redact(plan) as object),
    containers: plan.containers.map((container) => ({
      ...(redact(container) as object),
      keystore: container.keystore.map((entry) => entry.setting),
      files: container.files.map(displayFile),
      filesOnceFormed: container.filesOnceFormed.map(displayFile),
    })),
    users: plan.users.map(({ username, roles, description }) => ({ username, roles, description, password: REDACTED })),
  };
}
