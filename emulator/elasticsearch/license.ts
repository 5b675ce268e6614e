import type { LicenseState } from './cluster/cluster-state.js';

/** XPackLicenseState feature gates the emulator needs: IP filtering is gold+, audit logging platinum+ (trial has all). */
export function allowsIpFiltering(license: LicenseState | undefined, now: number): boolean {
  return isActive(license, now) && license!.type !== 'basic';
}

export function allowsAuditing(license: LicenseState | undefined, now: number): boolean {
  return isActive(license, now) && license!.type !== 'basic';
}

function isActive(license: LicenseState | undefined, now: number): boolean {
  return license !== undefined && (license.expiryDate === undefined || license.expiryDate > now);
}

export function licenseBody(license: LicenseState, clusterName: string) {
  const trial = license.type === 'trial';
  return {
    license: {
      status: 'active',
      uid: license.uid,
      type: license.type,
      issue_date: new Date(license.issueDate).toISOString(),
      issue_date_in_millis: license.issueDate,
      ...(trial ? { expiry_date: new Date(license.expiryDate!).toISOString(), expiry_date_in_millis: license.expiryDate, max_nodes: 1000, max_resource_units: null } : { max_nodes: 1000, max_resource_units: null }),
      issued_to: clusterName,
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  };
}
