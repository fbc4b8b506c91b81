// One NHS select for every page (popup, options, side panel): the label, the select, and its options
// from [value, label] pairs, so each form lists only what differs.
import type { ComponentChildren } from 'preact';

/** One option: the value sent, then what the user reads. */
export type Choice = readonly [value: string, label: ComponentChildren];

/** The options of a select, in order. */
export function Choices({ choices }: { choices: readonly Choice[] }) {
  return (
    <>
      {choices.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}

export interface SelectProps {
  id: string;
  label: ComponentChildren;
  value: string;
  choices: readonly Choice[];
  onChange(value: string): void;
  disabled?: boolean;
}

/** A labelled select (label first, then the select with `id`). */
export function Select({ id, label, value, choices, onChange, disabled }: SelectProps) {
  return (
    <>
      <label class="nhs-label" for={id}>
        {label}
      </label>
      <select id={id} class="nhs-select" value={value} disabled={disabled} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <Choices choices={choices} />
      </select>
    </>
  );
}
