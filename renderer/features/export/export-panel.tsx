import { useEffect, useId, useRef, useState } from 'react';
import type { ExportFormat, ExportResult } from '../../../common/lab-export.ts';
import { messageOf } from '../../api/api-error.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { useStores } from '../../stores/stores-context.tsx';

const FORMATS: Array<{ id: ExportFormat; title: string; what: string }> = [
  { id: 'compose', title: 'Compose project', what: 'docker compose up -d on any Docker engine: the same containers, certificates, users and checks; secrets as files, never in the YAML.' },
  { id: 'eck', title: 'Kubernetes (ECK)', what: 'Manifests for Elastic Cloud on Kubernetes: the lab CA, file-realm users and roles, NetworkPolicies in place of IP filtering.' },
];

/** The lab as files another tool runs: the same export as `seclab export`, into a folder on this machine. */
export function ExportPanel({ lab }: { lab: string }) {
  const stores = useStores();
  const folderId = useId();
  const [format, setFormat] = useState<ExportFormat>('compose');
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult>();
  const [error, setError] = useState<string>();

  async function exportLab() {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await stores.api['labs.export']({ lab, format, ...(folder.trim() ? { outDir: folder.trim() } : {}) }));
    } catch (failure) {
      setResult(undefined);
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  // The result card opens below the form: brought into view, as a click's result should be (UI.md).
  const resultCard = useRef<HTMLElement>(null);
  useEffect(() => {
    if (result) resultCard.current?.scrollIntoView?.({ block: 'nearest' });
  }, [result]);

  const secretFiles = result?.files.filter((file) => file.secret).length ?? 0;
  return (
    <div className="export">
      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title" className="card-title">
          Run this lab elsewhere
        </h2>
        <p>For a class that outgrows one laptop, or a lab that must outlive it: the same layers, written as files another tool runs.</p>
        <fieldset className="field export-formats">
          <legend className="field-label">Format</legend>
          {FORMATS.map((option) => (
            <label key={option.id} className="export-format">
              <input type="radio" name="export-format" value={option.id} checked={format === option.id} onChange={() => setFormat(option.id)} />
              <strong>{option.title}</strong>
              <span className="muted">{option.what}</span>
            </label>
          ))}
        </fieldset>
        <div className="field export-folder">
          <label htmlFor={folderId} className="field-label">
            Folder on this machine (new or empty)
          </label>
          <input id={folderId} className="mono" value={folder} onChange={(event) => setFolder(event.target.value)} placeholder="empty: a new folder in SECLAB_HOME/exports" spellCheck={false} autoComplete="off" />
        </div>
        <div className="button-row">
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void exportLab()}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
        {error && (
          <p className="field-error" role="alert">
            ✕ {error}
          </p>
        )}
      </section>
      {result && (
        <section ref={resultCard} className="card" aria-labelledby="export-done-title" data-testid="export-result">
          <h2 id="export-done-title" className="card-title">
            Exported
          </h2>
          <p role="status">
            {result.files.length} files in <code className="mono">{result.outDir}</code>, {secretFiles} of them secret (owner-only). README.md in the folder says what each file is.
          </p>
          <h3>Next</h3>
          <pre className="mono export-steps">{result.nextSteps.join('\n')}</pre>
          <CopyButton text={result.nextSteps.join('\n')} what="next steps" />
        </section>
      )}
    </div>
  );
}
