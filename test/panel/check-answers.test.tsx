// @vitest-environment happy-dom
// Before sending: "Check your answers" is the submit step, each answer with a Change link to its
// control; after: what was sent. Empty results say why, with links to change each criterion; once a
// service is added, a bar goes on to the shortlist without scrolling past the results.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { draftId } from '../../utils/referral/model';
import { getDraft, updateDraft } from '../../utils/referral/store';
import { fakeApi, OWNER, report, service } from './fake-api';
import { freshPanelEachTest, NHS, searchFor } from './render';

const HOST = 'http://127.0.0.1:4010';

freshPanelEachTest();

/** The summary list's rows as "key: value". */
function rows(list: HTMLElement): string[] {
  return [...list.querySelectorAll('.summary-list__row')].map(
    (r) => `${r.querySelector('dt')!.textContent}: ${r.querySelector('.summary-list__value')!.textContent}`,
  );
}

describe('check your answers', () => {
  it('is the submit step: every answer above Submit, each with a Change link that goes to its control', async () => {
    const api = await searchFor();
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 1 to the shortlist' }));
    // Not yet: the letter is still needed, and the step says so instead.
    await screen.findByText(/letter/i, { selector: '#submit-blocker' });
    expect(screen.queryByTestId('check-answers')).toBeNull();
    fireEvent.click(await screen.findByLabelText(/Letter to follow/));
    const list = await screen.findByTestId('check-answers');
    expect(rows(list)).toEqual([
      'Patient: JONES, Sarah (Mrs), NHS number 943 476 5919',
      'Service: Service 1 (Directly bookable)',
      'Priority: Routine',
      'Specialty: Cardiology',
      'Clinic type: Any',
      'Referral letter: To follow: attach it later from "Letters outstanding"',
      'Request type: Referral for an appointment',
    ]);
    // Submit comes after the answers, in the same step: no extra screen or click.
    const submit = screen.getByTestId('submit');
    expect(list.compareDocumentPosition(submit) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    const change = within(list).getByRole('link', { name: 'Change priority' });
    expect(change.getAttribute('href')).toBe('#priority-ROUTINE');
    fireEvent.click(change);
    expect(document.activeElement).toBe(document.getElementById('priority-ROUTINE'));
    fireEvent.click(within(list).getByRole('link', { name: 'Change specialty' }));
    expect(document.activeElement).toBe(document.getElementById('specialty'));
    fireEvent.click(within(list).getByRole('link', { name: 'Change service' }));
    expect(document.activeElement).toBe(document.getElementById('shortlist-heading'));

    fireEvent.click(submit);
    await waitFor(() => expect(api.calls.submit).toHaveLength(1));
  });

  it('the done screen says what was sent', async () => {
    const api = fakeApi({ report: report(NHS, 'JONES') });
    render(<App api={api.api} />);
    const id = draftId(OWNER, HOST, NHS);
    await waitFor(async () => expect(await getDraft(id)).toBeDefined(), { timeout: 10_000 });
    await updateDraft(id, (d) => {
      d.shortlist = [service('1'), service('2', { name: 'Leeds Heart Clinic' })];
      d.files = [{ id: 'f', name: 'referral-letter.pdf', contentType: 'application/pdf', size: 9 }];
      d.search.criteria = { ...d.search.criteria, priority: 'URGENT' };
      d.submission = { phase: 'complete', route: 'A011', ubrn: '000000070002', updatedAt: Date.now() };
    });
    cleanup();
    render(<App api={api.api} />);
    await screen.findByTestId('done', {}, { timeout: 10_000 }); // a slow machine renders the done screen's lazy chunk late
    const sent = await screen.findByTestId('sent-summary', {}, { timeout: 10_000 });
    expect(rows(sent)).toEqual(
      expect.arrayContaining([
        'Services (2): Service 1 (Directly bookable)Leeds Heart Clinic (Directly bookable)',
        'Priority: Urgent',
        'Referral letter: referral-letter.pdf',
      ]),
    );
    expect(within(sent).queryByRole('link')).toBeNull();
  });
});

describe('no services found', () => {
  it('says why from the criteria searched, with a link to change each one', async () => {
    const api = fakeApi({ report: report(NHS, 'JONES'), services: [] });
    render(<App api={api.api} />);
    await screen.findByTestId('patient-banner');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Cardiology' })).toBeTruthy());
    fireEvent.click(screen.getByLabelText('Two week wait (suspected cancer)'));
    fireEvent.change(screen.getByLabelText(/Clinic type/), { target: { value: 'HEART_FAILURE' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    const why = await screen.findByTestId('no-services');
    expect(why.textContent).toContain(
      "No Cardiology Heart Failure clinic services accept two week wait (suspected cancer) referrals suitable for the patient's age and sex.",
    );
    const links = within(why).getAllByRole('link');
    expect(links.map((a) => `${a.textContent} ${a.getAttribute('href')}`)).toEqual([
      'Try routine priority #priority-ROUTINE',
      'Try any clinic type #clinic-type',
      'Try another specialty #specialty',
    ]);
    fireEvent.click(links[0]!);
    expect(document.activeElement).toBe(document.getElementById('priority-ROUTINE'));
    expect(api.calls.search).toHaveLength(1);
  });
});

describe('after adding a service', () => {
  it('a bar at the bottom of the results goes on to the shortlist: "2 selected — continue"', async () => {
    await searchFor(fakeApi({ report: report(NHS, 'JONES'), services: Array.from({ length: 30 }, (_, i) => service(String(100 + i))) }));
    expect(screen.queryByTestId('selected-bar')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 100 to the shortlist' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 101 to the shortlist' }));
    const bar = await screen.findByTestId('selected-bar');
    await waitFor(() => expect(bar.textContent).toBe('2 selected — continue'));
    const link = within(bar).getByRole('link');
    expect(link.getAttribute('href')).toBe('#shortlist-heading');
    fireEvent.click(link);
    expect(document.activeElement).toBe(document.getElementById('shortlist-heading'));
  });
});
