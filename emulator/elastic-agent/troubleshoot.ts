/** internal/pkg/agent/cmd/common.go troubleshootMessage (v9.4.0–v9.5.2), printed after every "Error: …". */
export const TROUBLESHOOT = 'For help, please see our troubleshooting guide at https://www.elastic.co/docs/troubleshoot/ingest/fleet/common-problems';
