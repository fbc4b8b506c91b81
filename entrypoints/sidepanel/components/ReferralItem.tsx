// One referral opened in the Referrals view: its state now (A005) and what may be done with it now
// (A029, asked every time it is opened, never cached): add the letter (the add-letter screen's own
// at-most-once machine), read the provider's response (A007) and the attached files (A042), cancel
// with a reason (components/CancelReferral.tsx), book or change the services through the same booking
// flow as after a create (screens/Booking.tsx, loaded when first asked for). A cancel or a booking
// e-RS confirmed takes the referral off the lists at once (referrals-store.ts left).
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { ReferralSummary } from '../../../utils/ers/parse';
import { sendMessage } from '../../../utils/messaging/client';
import { fromBase64, type FileAnswer } from '../../../utils/tracking/files';
import type { TrackedReferral } from '../../../utils/tracking/worklists';
import type { ReferralsStore } from '../referrals-store';
import type { PanelStore } from '../store';
import type { BookingProps } from '../screens/Booking';
import { CancelReferral } from './CancelReferral';
import { ErrorSummary } from './ErrorSummary';
import { useLoaded } from './use-loaded';

/** The booking flow, loaded the first time a referral's booking is opened. */
function Booking(props: BookingProps) {
  const Loaded = useLoaded(() => import('../screens/Booking').then((m) => m.Booking));
  return Loaded ? <Loaded {...props} /> : <p role="status">Loading…</p>;
}

/** A code such as FURTHER_INFORMATION_REQUIRED in words, when e-RS gave no display text. */
export const words = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

/** A029 actions the booking flow carries out: book, change the services, or the booked appointment. */
const BOOKING = ['CREATE_APPOINTMENT', 'CHANGE_SHORTLIST', 'CANCEL_DIRECTLY_BOOKED_APPOINTMENT'];

interface Opened {
  referral: ReferralSummary;
  actions: string[];
}

export function ReferralItem({
  row,
  needsResponseRead,
  store,
  referrals,
  booking: startBooking,
}: {
  /** A row of a list, or a converted A&G request no list shows yet (no list). */
  row: Pick<TrackedReferral, 'ubrn'> & Partial<Pick<TrackedReferral, 'list'>>;
  needsResponseRead: boolean;
  store: PanelStore;
  referrals: ReferralsStore;
  /** Open on the booking flow (a referral just booked, shown with its appointment). */
  booking?: boolean;
}) {
  const [opened, setOpened] = useState<Opened>();
  /** The booking flow, once asked for: 'book', or 'change' the services first. */
  const [booking, setBooking] = useState<'book' | 'change' | undefined>(startBooking ? 'book' : undefined);
  const [problem, setProblem] = useState<string>();
  const [files, setFiles] = useState<{ label: string; name: string; url: string }[]>([]);
  const [busy, setBusy] = useState(false);

  const read = async (): Promise<ReferralSummary | undefined> => {
    setProblem(undefined);
    try {
      const next = await sendMessage('tracking/referral', { ubrn: row.ubrn });
      setOpened(next);
      return next.referral;
    } catch (e) {
      setProblem(`This referral could not be read from e-RS (${(e as Error).message}).`);
      return undefined;
    }
  };
  useEffect(() => void read(), [row.ubrn]);
  // The files opened from here are this panel's object URLs: released when the referral is closed.
  const urls = useRef<string[]>([]);
  useEffect(
    () => () => {
      for (const url of urls.current) URL.revokeObjectURL(url);
    },
    [],
  );

  async function openFile(label: string, ask: () => Promise<FileAnswer>) {
    setBusy(true);
    setProblem(undefined);
    try {
      const file = await ask();
      const url = URL.createObjectURL(new Blob([fromBase64(file.base64)], { type: file.contentType }));
      urls.current.push(url);
      setFiles((list) => [...list, { label, name: file.fileName, url }]);
      await browser.tabs.create({ url }).catch(() => undefined); // the link below opens it otherwise
    } catch (e) {
      setProblem(`${label} could not be opened (${(e as Error).message}).`);
    } finally {
      setBusy(false);
    }
  }

  const letter = row.list === 'LETTERS_OUTSTANDING' ? referrals.letterRows.value.get(row.ubrn) : undefined;
  const local = letter?.draftId ? store.outstanding.value.find((l) => l.ubrn === row.ubrn) : undefined;
  const r = opened?.referral;
  const actions = opened?.actions ?? [];
  return (
    <div class="nhs-card referral-item" data-testid="referral-item">
      {problem && (
        <ErrorSummary problems={[problem]}>
          <button type="button" class="nhs-link-button" onClick={() => void read()}>
            Try again
          </button>
        </ErrorSummary>
      )}
      {!opened && !problem && <p role="status">Reading this referral from e-RS…</p>}
      {r && (
        <>
          <p data-testid="referral-state">
            {r.state ? words(r.state) : 'State not given'}
            {r.stateReason ? `: ${r.stateReason.display ?? words(r.stateReason.code)}` : ''}
          </p>
          {r.stateComment && <p class="nhs-inset">Comment: {r.stateComment}</p>}
          {row.list === 'LETTERS_OUTSTANDING' &&
            (local ? (
              <button
                type="button"
                class="nhs-button"
                data-testid="referral-add-letter"
                disabled={!store.signedIn.value}
                onClick={() => {
                  store.actions.showReferrals(false);
                  void store.actions.completeOutstanding(local);
                }}
              >
                Add the letter
              </button>
            ) : (
              <p>This referral was not sent from this browser: attach its letter in e-RS.</p>
            ))}
          <button
            type="button"
            class="nhs-button nhs-button--secondary"
            data-testid="referral-response"
            disabled={busy}
            onClick={() => void openFile('The clinical information summary', () => sendMessage('tracking/clinical-info', { ubrn: r.ubrn }))}
          >
            {needsResponseRead ? 'Read the provider’s response (PDF)' : 'Clinical information summary (PDF)'}
          </button>
          {r.attachments.length > 0 && (
            <ul class="nhs-list-plain" aria-label="Attached files">
              {r.attachments.map((a) => {
                const label = a.title ?? a.description ?? 'Attached file';
                const ready = a.availability === undefined || a.availability === 'AVAILABLE';
                return (
                  <li key={a.url}>
                    <button
                      type="button"
                      class="nhs-link-button"
                      data-testid="referral-file"
                      disabled={busy || !ready}
                      onClick={() => void openFile(label, () => sendMessage('tracking/attachment', { ubrn: r.ubrn, url: a.url }))}
                    >
                      {label}
                    </button>
                    {a.attachedByOrg && a.attachedByOrg !== store.session.value?.ods && ` (from ${a.attachedByOrg})`}
                    {!ready && (
                      <span class="nhs-hint">
                        {' '}
                        {a.availability === 'THREATS_FOUND'
                          ? '— a virus was found in it; it cannot be opened.'
                          : '— still being checked for viruses; try again soon.'}
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          {files.length > 0 && (
            <ul class="nhs-list-plain" aria-label="Opened files">
              {files.map((f) => (
                <li key={f.url}>
                  <a href={f.url} target="_blank" rel="noreferrer" download={f.name} data-testid="opened-file">
                    Save {f.name}
                  </a>
                </li>
              ))}
            </ul>
          )}
          {actions.some((a) => BOOKING.includes(a)) &&
            (booking ? (
              <Booking
                target={{ ubrn: r.ubrn }}
                usual={null}
                canChange={actions.includes('CHANGE_SHORTLIST')}
                startChanging={booking === 'change'}
                reference={store.reference.value}
                search={{
                  criteria: { priority: r.priority ?? 'ROUTINE', ageAndGenderAppropriate: true },
                  sortBy: 'DISTANCE',
                  requestType: 'APPOINTMENT_REQUEST',
                }}
                onBooked={() => void referrals.left(row, 'booked')}
              />
            ) : (
              <p>
                {actions.includes('CREATE_APPOINTMENT') && (
                  <button type="button" class="nhs-button" data-testid="referral-book" disabled={!store.signedIn.value} onClick={() => setBooking('book')}>
                    Book an appointment
                  </button>
                )}{' '}
                {actions.includes('CHANGE_SHORTLIST') && (
                  <button
                    type="button"
                    class="nhs-button nhs-button--secondary"
                    data-testid="referral-change-services"
                    disabled={!store.signedIn.value}
                    onClick={() => setBooking('change')}
                  >
                    Change the services
                  </button>
                )}
                {actions.includes('CANCEL_DIRECTLY_BOOKED_APPOINTMENT') && (
                  <button type="button" class="nhs-button nhs-button--secondary" data-testid="referral-appointment" onClick={() => setBooking('book')}>
                    The appointment
                  </button>
                )}
              </p>
            ))}
          {actions.includes('CANCEL_REFERRAL') ? (
            <CancelReferral
              referral={r}
              signedIn={store.signedIn.value}
              onCancelled={(next) => {
                setOpened({ referral: next, actions: [] });
                void referrals.left(row, 'cancelled');
              }}
              recheck={read}
            />
          ) : (
            actions.length === 0 && <p class="nhs-hint">e-RS offers you nothing more to do with this referral now.</p>
          )}
        </>
      )}
    </div>
  );
}
