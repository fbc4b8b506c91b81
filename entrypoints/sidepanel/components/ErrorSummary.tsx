// The NHS error summary, the one every screen uses: at the top of what the user is working on,
// focused when it appears (so the screen moves to it and a screen reader reads it), each problem a
// link that moves to its field. Kept small: it is in the scripts the panel starts with.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** A problem to show; `field` is the id of the control it is about. */
export interface Problem {
  text: string;
  field?: string;
}

/** Move to a control (or a heading) by id, as a link to it would, and focus it. */
export function goTo(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  // A control under "More search options" is shown first.
  el.closest('details')?.setAttribute('open', '');
  if (el.tabIndex < 0 && !el.hasAttribute('tabindex')) el.tabIndex = -1;
  el.focus();
}

/** A link to a control on the same screen (error summary entries, Change links). */
export function FieldLink({ to, children, label }: { to: string; children: ComponentChildren; label?: string }) {
  return (
    <a
      href={`#${to}`}
      aria-label={label}
      onClick={(e) => {
        e.preventDefault();
        goTo(to);
      }}
    >
      {children}
    </a>
  );
}

export function ErrorSummary({
  problems,
  title = 'There is a problem',
  testId,
  children,
}: {
  problems: (Problem | string)[];
  title?: string;
  testId?: string;
  children?: ComponentChildren;
}) {
  const box = useRef<HTMLDivElement>(null);
  const items = problems.map((p) => (typeof p === 'string' ? { text: p } : p));
  const said = items.map((p) => p.text).join('\n');
  // Focused each time it says something new (not on every render).
  useEffect(() => box.current?.focus(), [said]);
  return (
    <div ref={box} class="nhs-error-summary" role="alert" tabIndex={-1} data-testid={testId}>
      <h2 class="nhs-error-summary__title">{title}</h2>
      <ul class="nhs-error-summary__list">
        {items.map((p) => (
          <li key={p.text}>{p.field ? <FieldLink to={p.field}>{p.text}</FieldLink> : p.text}</li>
        ))}
      </ul>
      {children}
    </div>
  );
}
