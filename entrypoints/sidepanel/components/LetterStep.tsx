import { useState } from 'preact/hooks';
import { ATTACHMENT_TYPES } from 'ers-contract';
import type { Draft } from '../../../utils/referral/model';
import { ErrorSummary } from './ErrorSummary';

/** Accept attribute for the file input: every extension e-RS takes (file checks load only when a file is added). */
const ACCEPT = Object.values(ATTACHMENT_TYPES)
  .flat()
  .map((e) => `.${e}`)
  .join(',');

export interface LetterStepProps {
  draft: Draft;
  disabled?: boolean;
  problems: string[];
  onFiles(files: { blob: Blob; name: string }[]): void;
  onRemove(fileId: string): void;
  onLetterMode(mode: Draft['letterMode']): void;
  /** Open the letter composer ("Write letter"); absent where a letter cannot be written. */
  onWriteLetter?(): void;
}

const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** Choose, drop or paste the referral letter; or say it will follow. */
export function LetterStep({ draft, disabled, problems, onFiles, onRemove, onLetterMode, onWriteLetter }: LetterStepProps) {
  const [dragging, setDragging] = useState(false);
  const uploading = draft.submission.phase === 'uploading';
  const take = (list: FileList | File[] | null | undefined) => {
    const files = Array.from(list ?? []);
    if (files.length) onFiles(files.map((f) => ({ blob: f, name: f.name || 'pasted-image.png' })));
  };
  return (
    <section
      class="step"
      aria-labelledby="letter-heading"
      onPaste={(e) => {
        if (!disabled) take(Array.from(e.clipboardData?.files ?? []));
      }}
    >
      <h3 id="letter-heading" class="step__title">
        <span class="step__number">3</span> Referral letter
      </h3>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={draft.letterMode === 'to-follow'}
          disabled={disabled}
          onChange={(e) => onLetterMode((e.target as HTMLInputElement).checked ? 'to-follow' : 'attach')}
        />
        Letter to follow (attach it later: within 24 hours for urgent and two week wait, 3 working days for routine)
      </label>
      {draft.letterMode === 'attach' && (
        // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the labelled file input inside is the keyboard path
        <div
          class={`dropzone ${dragging ? 'dropzone--active' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            if (!disabled) take(e.dataTransfer?.files);
          }}
        >
          <label class="nhs-label" for="letter-file">
            Choose files, drop them here, or paste an image
          </label>
          <p class="nhs-hint" id="letter-hint">
            PDF, Word, text, RTF or images, up to 5 MB each. Large images are scaled down to fit.
          </p>
          <input
            id="letter-file"
            type="file"
            multiple
            accept={ACCEPT}
            disabled={disabled}
            aria-describedby="letter-hint"
            onChange={(e) => {
              take((e.target as HTMLInputElement).files);
              (e.target as HTMLInputElement).value = '';
            }}
          />
          {onWriteLetter && (
            <button type="button" class="nhs-button nhs-button--secondary" data-testid="write-letter" disabled={disabled} onClick={onWriteLetter}>
              Write letter
            </button>
          )}
        </div>
      )}
      {problems.length > 0 && <ErrorSummary title="These files were not added" problems={problems.map((text) => ({ text, field: 'letter-file' }))} />}
      {draft.files.length > 0 && (
        <ul class="file-list" aria-label="Letter files">
          {draft.files.map((f) => (
            <li key={f.id} class="file" data-file-name={f.name}>
              <span class="file__name">{f.name}</span> <span class="nhs-hint">{kb(f.size)}</span>
              <progress
                class="file__progress"
                max={1}
                value={f.binaryUrl ? 1 : uploading ? undefined : 0}
                aria-label={`${f.name}: ${f.binaryUrl ? 'uploaded' : uploading ? 'uploading' : 'not uploaded yet'}`}
              />
              {f.note && (
                <p class="nhs-hint file__note" role="status">
                  {f.note}
                </p>
              )}
              {!f.binaryUrl && (
                <button type="button" class="link-button" disabled={disabled} onClick={() => onRemove(f.id)} aria-label={`Remove ${f.name}`}>
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
