// @vitest-environment happy-dom
// The NHS error-summary pattern in the side panel: below the patient's name, focused when it
// appears, each problem a link to its field, the field with its inline message; in plain English,
// never the background's schema wording.
import 'fake-indexeddb/auto';
import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ErsError, criterionOf } from '../../utils/ers/errors';
import { ProtocolError } from '../../utils/messaging/errors';
import { freshPanelEachTest, openPanel } from './render';

const SCHEMA_WORDING = /Invalid|regex|pattern|input\.criteria|ers\/search|string|must match/i;

freshPanelEachTest();

async function typeInto(label: RegExp, text: string) {
  const field = (await screen.findByLabelText(label)) as HTMLInputElement;
  field.value = text;
  fireEvent.input(field);
  await waitFor(() => expect(field.value).toBe(text));
}

/** The error summary, once it is there and has the focus. */
async function focusedSummary(): Promise<HTMLElement> {
  const summary = await screen.findByTestId('panel-error');
  await waitFor(() => expect(document.activeElement).toBe(summary));
  return summary;
}

describe('error summary', () => {
  it('a bad SNOMED CT code: nothing is sent; the summary below the patient has the focus and links to the field, which shows the message', async () => {
    const api = await openPanel();
    await typeInto(/Clinical term/, '1234');
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    const summary = await focusedSummary();
    expect(summary.getAttribute('role')).toBe('alert');
    expect(summary.getAttribute('tabindex')).toBe('-1');
    // Below the patient's name (the sticky strip), not above the banner.
    const banner = screen.getByTestId('patient-banner');
    expect(banner.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const link = summary.querySelector('a')!;
    expect(link.textContent).toBe('Enter a SNOMED CT code of 6 to 18 digits (for example 84114007)');
    expect(link.getAttribute('href')).toBe('#clinical-term');
    expect(summary.textContent).not.toMatch(SCHEMA_WORDING);
    expect(api.calls.search).toHaveLength(0);

    fireEvent.click(link);
    const field = document.getElementById('clinical-term') as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    expect(field.getAttribute('aria-describedby')).toBe('clinical-term-error');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('clinical-term-error')!.textContent).toContain('Enter a SNOMED CT code of 6 to 18 digits');
    expect(document.getElementById('clinical-term-error')!.className).toContain('nhs-error-message');
  });

  it('a bad SDS user ID: a plain message on the named clinician field; a corrected one searches and clears it', async () => {
    const api = await openPanel();
    await typeInto(/Named clinician/, '02160055');
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    const summary = await focusedSummary();
    const link = summary.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('#named-clinician');
    expect(link.textContent).toContain("Enter the named clinician's SDS user ID: 12 digits");
    expect(summary.textContent).not.toMatch(SCHEMA_WORDING);
    expect(document.getElementById('named-clinician')!.getAttribute('aria-describedby')).toBe('named-clinician-error');
    expect(api.calls.search).toHaveLength(0);

    await typeInto(/Named clinician/, '021600556514');
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(api.calls.search).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId('panel-error')).toBeNull());
    expect(document.getElementById('named-clinician-error')).toBeNull();
  });

  it('an e-RS refusal about one criterion goes on that field; the background refusing the form is said plainly', async () => {
    const api = await openPanel();
    const unknown = 'The clinical term is not in the e-RS dictionary. Choose another term.';
    api.api.search = async () => {
      throw new ProtocolError('ers/http', unknown, { clinicalTerm: unknown });
    };
    await typeInto(/Clinical term/, '123456');
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    let summary = await focusedSummary();
    expect(summary.querySelector('a')?.getAttribute('href')).toBe('#clinical-term');
    expect(document.getElementById('clinical-term-error')!.textContent).toContain(unknown);

    api.api.search = async () => {
      throw new ProtocolError(
        'invalid-message',
        'Invalid "ers/search" message at input.criteria.postcode: Invalid string: must match pattern /^[A-Za-z0-9 ]{2,10}$/.',
      );
    };
    await typeInto(/Clinical term/, '84114007');
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.getByTestId('panel-error').textContent).toContain('not in the form e-RS expects'));
    summary = await focusedSummary();
    expect(summary.textContent).not.toMatch(SCHEMA_WORDING);
  });

  it('the background says which criterion an e-RS search refusal is about (and only for a search)', () => {
    const refusal = (code: string, operation = 'A010') => new ErsError({ kind: 'http', operation, status: 422, code });
    expect(criterionOf(refusal('SNOMED_NOT_FOUND'))).toEqual({ clinicalTerm: 'The clinical term is not in the e-RS dictionary. Choose another term.' });
    expect(Object.keys(criterionOf(refusal('REFERENCED_USER_IS_NOT_SPC'))!)).toEqual(['namedClinician']);
    expect(criterionOf(refusal('REFERENCED_USER_IS_NOT_ACTIVE', 'A007'))).toBeUndefined();
    expect(criterionOf(refusal('SYSTEM_UNAVAILABLE'))).toBeUndefined();
  });
});
