import type { DemonstrationResult } from '../../../common/workshop.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { StatusIcon } from '../../components/status-icon.tsx';

/** The demonstration's real output, monospace and copyable, under one sentence saying what it shows. */
export function DemonstrationPanel({ demonstration }: { demonstration: DemonstrationResult }) {
  const output = demonstration.output.join('\n');
  return (
    <section className="card demonstration" aria-labelledby="demonstration-title" data-happened={demonstration.happened}>
      <h2 id="demonstration-title" className="card-title">
        {demonstration.title}
      </h2>
      <p className="demonstration-shows">
        <StatusIcon status={demonstration.happened ? 'fail' : 'pass'} withWord label={demonstration.happened ? 'It happened' : 'Refused'} /> {demonstration.shows}
      </p>
      {demonstration.tried && (
        <p className="demonstration-tried">
          <span className="label">Tried:</span> <code>{demonstration.tried}</code>
        </p>
      )}
      <div className="check-evidence-head">
        <span className="label">What came back</span>
        <CopyButton text={output} what="the demonstration's output" />
      </div>
      <pre className="evidence demonstration-output">{output}</pre>
    </section>
  );
}
