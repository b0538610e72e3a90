import { useState } from 'preact/hooks';
import type { RequestLogEntry } from '../api/types';
import { dateTime, latency, usd } from '../format';
import { answeredBy, attemptInWords, attemptsInWords, keyLabel, resultInWords, tokensInWords } from '../request-log';

/** The columns a call's row has (its attempts' row spans them all). */
export const REQUEST_COLUMNS = [
  'Time (UTC)',
  'Key',
  'Model asked',
  'Answered by',
  'Result',
  'Tokens',
  'Cost',
  'Latency',
  'TTFT',
  'Attempts',
];

/** One gateway call; the attempts that failed before it, each with why, unfold in a row under it. */
export function RequestRow({ entry }: { entry: RequestLogEntry }) {
  const [open, setOpen] = useState(false);
  const answered = answeredBy(entry);
  const attemptsId = `attempts-${entry.id}`;
  return (
    <>
      <tr data-request={entry.id} data-result={entry.result}>
        <td class="when">{dateTime(entry.startedAt)}</td>
        <td data-testid="request-key">{keyLabel(entry)}</td>
        <td>
          <code>{entry.modelAsked ?? '—'}</code>
          {entry.kind !== 'chat' && <span class="slug">{entry.kind}</span>}
          {entry.stream && <span class="slug">streamed</span>}
        </td>
        <td>{answered ? <code>{answered}</code> : <em>nobody</em>}</td>
        <td class={entry.result === 'success' ? 'available' : 'unavailable'} data-testid="request-result">
          {entry.status !== null && `${entry.status} `}
          {resultInWords(entry.result)}
        </td>
        <td>{tokensInWords(entry)}</td>
        <td>{usd(entry.costUsd)}</td>
        <td>{latency(entry.latencyMs)}</td>
        <td>{latency(entry.timeToFirstTokenMs)}</td>
        <td>
          {entry.attempts.length === 0 ? (
            '—'
          ) : (
            <button type="button" class="disclosure" aria-expanded={open} aria-controls={attemptsId} onClick={() => setOpen(!open)}>
              {attemptsInWords(entry)}
              <span aria-hidden="true">{open ? ' ▾' : ' ▸'}</span>
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr class="attempts-row" id={attemptsId}>
          <td colSpan={REQUEST_COLUMNS.length}>
            <ol class="attempts" aria-label={`Failed attempts of the call at ${dateTime(entry.startedAt)}`}>
              {entry.attempts.map((attempt, index) => (
                <li key={index}>{attemptInWords(attempt)}</li>
              ))}
            </ol>
          </td>
        </tr>
      )}
    </>
  );
}
