/** What `seclab export` and the app's Export tab write, as the contract returns it. */
export const EXPORT_FORMATS = ['compose', 'eck'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportedFile {
  /** Relative to the export folder, with `/` separators. */
  path: string;
  mode: number;
  /** One line for the export's README and the CLI's listing: what the file is for. */
  purpose: string;
  /** True when the file holds a secret (a password, a key, a token): never printed. */
  secret: boolean;
}

export interface ExportResult {
  format: ExportFormat;
  outDir: string;
  files: ExportedFile[];
  /** What to run next, one command per line. */
  nextSteps: string[];
}
