// Booking, on the done screen ("What happens next") and for a referral opened from the Referrals view
// (components/ReferralItem.tsx): free slots of the directly bookable shortlisted service grouped by
// day, booked in one click with the patient present; defer to the provider in one click when there
// are none; the appointment and its letter to print; cancel and book again; change the services
// (components/ChangeServices.tsx) and book again. Loaded only when shown. Every request goes through
// the background's at-most-once booking machine (utils/booking/machine.ts): buttons are disabled while
// one is in flight, and a booking made is never offered again.
import type { ComponentChildren, ComponentProps } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { BookingView, CancelReasonView, SlotsView } from '../../../utils/booking/messages';
import type { BookingOffer, BookingRecord } from '../../../utils/booking/model';
import type { Draft, SearchState } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import { browserBookingApi, type BookingApi, type BookingTarget, type DeferReason } from '../booking-api';
import { ErrorSummary } from '../components/PatientFrame';
import { useLoaded } from '../components/use-loaded';

const UK = 'Europe/London';
const dayOf = (ymd: string) =>
  new Date(`${ymd}T12:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const timeOf = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { timeZone: UK, hour: '2-digit', minute: '2-digit' });
const dateOf = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { timeZone: UK, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

const DEFER_WHY: Record<DeferReason, string> = {
  NO_SLOTS_AT_SERVICE: 'No free appointments at the service (added by the extension).',
  SLOT_NOT_AVAILABLE: 'The appointment chosen was taken before it could be booked (added by the extension).',
  BOOKING_ATTEMPT_PROBLEM: "The provider's booking system did not confirm the booking (added by the extension).",
};

/** A refusal from the background carries a code and a message in words; anything else is the channel failing. */
function errorText(e: unknown): string {
  const said = e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && e.message;
  return said || 'The extension stopped before it answered.';
}

const UNSURE = 'It is not known whether e-RS received the request. Nothing will be sent again until e-RS has been checked.';

export interface BookingProps {
  target: BookingTarget;
  /** The shortlist as the draft holds it (for the place of the appointment), when there is a draft. */
  shortlist?: Draft['shortlist'];
  /** The done screen's own words for what happens next, shown until (or unless) booking has more to say. */
  usual: ComponentChildren;
  api?: BookingApi;
  /** e-RS allows the services to be changed (A031) now: offered while nothing is booked or deferred. */
  canChange?: boolean;
  /** Open on changing the services (e-RS allows changing them but not booking, e.g. after a rejection). */
  startChanging?: boolean;
  reference?: ReferenceData;
  /** The search to change the services from (the draft's own). */
  search?: SearchState;
  /** Told once e-RS confirms a booking made here. */
  onBooked?(): void;
}

export function Booking({ target, shortlist = [], usual, api = browserBookingApi, canChange, startChanging, reference, search, onBooked }: BookingProps) {
  const [changing, setChanging] = useState(!!startChanging);
  const [changedNotice, setChangedNotice] = useState<string>();
  const [view, setView] = useState<BookingView>();
  const [slots, setSlots] = useState<SlotsView>();
  const [pages, setPages] = useState(1);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [letterUrl, setLetterUrl] = useState<string>();
  const [reasons, setReasons] = useState<CancelReasonView[]>();
  const [reason, setReason] = useState<string>();
  const [comment, setComment] = useState('');
  const [unsure, setUnsure] = useState(false);
  const record = view?.record;
  const canBook = !unsure && view?.step.kind === 'book' && (!record || record.phase === 'idle' || record.phase === 'cancelled');

  /**
   * Run one request with every button disabled; a failure is said in words and nothing is lost. A
   * change (`changes`) that failed without an answer may still have reached e-RS (the worker stopped
   * mid-call): no slot is offered until the background has read e-RS back (booking/view).
   */
  async function run<T>(label: string, fn: () => Promise<T>, changes = false): Promise<T | undefined> {
    setBusy(label);
    setError(undefined);
    try {
      const result = await fn();
      if (changes) setUnsure(false);
      return result;
    } catch (e) {
      setError(changes ? `${errorText(e)} ${UNSURE}` : errorText(e));
      if (changes) setUnsure(true);
      return undefined;
    } finally {
      setBusy(undefined);
    }
  }

  const check = () =>
    run('Checking e-RS…', () => api.view(target)).then((v) => {
      if (v) setUnsure(false);
      return show(v);
    });

  async function loadSlots(n: number) {
    const found = await run('Finding free appointments…', () => api.slots(target, n));
    if (found) {
      setSlots(found);
      setPages(n);
    }
  }

  async function show(next: BookingView | undefined) {
    if (!next) return;
    // Booked by this answer (not found booked on opening): whoever shows this referral is told once.
    const was = view ? (view.record?.phase ?? 'none') : undefined;
    setView(next);
    const r = next.record;
    if (r?.phase === 'booked' && was !== undefined && was !== 'booked') onBooked?.();
    const bookable = next.step.kind === 'book' && (!r || r.phase === 'idle' || r.phase === 'cancelled');
    // Every answer that leaves the referral bookable lists the slots afresh: the one chosen may have
    // been taken or found unsuitable, and a list shown earlier is stale.
    if (bookable) await loadSlots(1);
    else setSlots(undefined);
  }

  const targetKey = 'draftId' in target ? target.draftId : target.ubrn;
  useEffect(() => {
    void run('Checking the booking…', () => api.view(target)).then(show);
  }, [targetKey]);

  // The letter for the patient, once the background has kept it (a draft's), or read when shown (by UBRN).
  const letterFor =
    record?.letter?.for ??
    ('ubrn' in target && record?.appointment && (record.phase === 'booked' || record.phase === 'deferred')
      ? `${record.phase}:${record.appointment.id}`
      : undefined);
  useEffect(() => {
    let url: string | undefined;
    if (letterFor)
      void api
        .letter(target)
        .then((blob) => {
          if (!blob) return;
          url = URL.createObjectURL(blob);
          setLetterUrl(url);
        })
        .catch(() => undefined);
    else setLetterUrl(undefined);
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [letterFor]);

  if (!view) {
    return (
      <>
        {usual}
        {error ? <Problem message={error} /> : <p role="status">Checking whether an appointment can be booked…</p>}
      </>
    );
  }
  const step = view.step;
  const service = shortlist.find((s) => step.kind === 'book' && s.id === step.serviceId);
  const disabled = !!busy;

  const book = (slotId: string) => run('Booking… the provider’s system can take up to two minutes to answer.', () => api.book(target, slotId), true).then(show);
  const defer = (reason: DeferReason, slot?: string) => run('Deferring to the provider…', () => api.defer(target, reason, slot), true).then(show);

  return (
    <div class="booking" data-testid="booking" aria-busy={disabled}>
      {busy && <p role="status">{busy}</p>}
      {error && <Problem message={error} />}
      {unsure && (
        <p>
          <button type="button" class="nhs-button" disabled={disabled} data-testid="check-booking" onClick={() => void check()}>
            Check what happened in e-RS
          </button>
        </p>
      )}
      {record?.notice && (
        <div class="nhs-inset" role="status" data-testid="booking-notice">
          <p>{record.notice}</p>
        </div>
      )}
      {record?.problem && (record.phase === 'idle' || record.phase === 'outcome-unknown' || record.phase === 'booked') && (
        <ErrorSummary problems={[record.problem.message]} testId="booking-problem">
          <Offers offers={record.problem.offers} disabled={disabled} onDefer={defer} onCheck={() => run('Checking e-RS…', () => api.view(target)).then(show)} />
        </ErrorSummary>
      )}

      {step.kind === 'none' &&
        (view.expectContactBy ? (
          <p data-testid="expect-contact">
            The referral has gone to the triage service. Expect the provider to contact the patient by <strong>{dayOf(view.expectContactBy)}</strong>. The
            patient does not need to book anything.
          </p>
        ) : (
          usual
        ))}

      {step.kind === 'patient-phones' && (
        <p data-testid="patient-phones">
          {step.serviceName} is not booked from here: the patient phones the provider to book{step.phone ? ` on ${step.phone}` : ''}, quoting the UBRN
          {'draftId' in target ? ' and the password on the letter above' : ' and the password on their letter'}.
        </p>
      )}

      {record?.phase === 'booked' && record.appointment && <Appointment record={record} place={service} />}
      {record?.phase === 'deferred' && (
        <p data-testid="deferred">
          Booking has been deferred to the provider, {step.kind === 'book' ? step.serviceName : 'the service'}.
          {view.expectContactBy ? (
            <>
              {' '}
              Expect the provider to contact the patient by <strong data-testid="expect-contact">{dayOf(view.expectContactBy)}</strong>.
            </>
          ) : (
            ' The provider will contact the patient.'
          )}
        </p>
      )}
      {record?.phase === 'cancelled' && (
        <p class="nhs-inset" data-testid="cancelled">
          The appointment was cancelled. Book another below with the patient, or close the panel.
        </p>
      )}
      {(record?.phase === 'booked' || record?.phase === 'deferred') &&
        (letterUrl ? (
          <p>
            <a class="nhs-button" href={letterUrl} target="_blank" rel="noopener" data-testid="open-booking-letter">
              {record.phase === 'booked' ? 'Open the appointment confirmation letter to print' : 'Open the letter for the patient to print'}
            </a>{' '}
            <a href={letterUrl} download={record.letter?.fileName}>
              Download
            </a>
          </p>
        ) : record.letterError ? (
          <div class="nhs-warning" role="status">
            <p>{record.letterError}</p>
          </div>
        ) : null)}

      {record?.phase === 'booked' && (
        <Cancel
          reasons={reasons}
          reason={reason}
          comment={comment}
          disabled={disabled}
          onStart={() => run('Reading the cancellation reasons…', () => api.cancelReasons()).then((r) => r && setReasons(r))}
          onReason={setReason}
          onComment={setComment}
          onStop={() => {
            setReasons(undefined);
            setReason(undefined);
            setComment('');
          }}
          onCancel={() =>
            run('Cancelling… the provider’s system can take up to two minutes to answer.', () => api.cancel(target, reason!, comment.trim() || undefined)).then(
              (v) => {
                if (v) setReasons(undefined);
                return show(v);
              },
            )
          }
        />
      )}

      {changedNotice && (
        <p class="nhs-inset" role="status" data-testid="services-changed">
          {changedNotice}
        </p>
      )}
      {canChange &&
        !unsure &&
        (!record || record.phase === 'idle' || record.phase === 'cancelled') &&
        (changing ? (
          <LazyChangeServices
            target={target}
            api={api}
            reference={reference}
            initial={search}
            onStop={() => setChanging(false)}
            onChanged={(notice) => {
              setChanging(false);
              setChangedNotice(notice ?? 'The services were changed. Book with the patient below.');
              setSlots(undefined); // the old service's times go at once, not after e-RS is asked again
              void check();
            }}
          />
        ) : (
          <p>
            <button
              type="button"
              class="nhs-button nhs-button--secondary"
              disabled={disabled}
              data-testid="change-services-start"
              onClick={() => setChanging(true)}
            >
              Change the services
            </button>
          </p>
        ))}
      {canBook && slots && !changing && (
        <section aria-labelledby="slots-heading" data-testid="slots">
          <h4 id="slots-heading">Book an appointment at {step.kind === 'book' ? step.serviceName : ''} now</h4>
          {slots.days.length === 0 ? (
            <>
              <p data-testid="no-slots">
                There are no free appointments at this service. Defer booking to the provider: they will contact the patient to arrange one.
              </p>
              <button type="button" class="nhs-button" disabled={disabled} data-testid="defer" onClick={() => void defer('NO_SLOTS_AT_SERVICE')}>
                Defer booking to the provider
              </button>
            </>
          ) : (
            <>
              <p class="nhs-hint">Earliest first. Choose a time with the patient: it is booked at once.</p>
              {slots.days.map((d) => (
                <div key={d.day} class="slot-day">
                  <h5>{dayOf(d.day)}</h5>
                  <ul class="nhs-list-plain slot-list">
                    {d.slots.map((s) => (
                      <li key={s.id}>
                        <button
                          type="button"
                          class="nhs-button nhs-button--secondary nhs-button--small"
                          disabled={disabled}
                          data-slot-id={s.id}
                          data-start={s.start}
                          onClick={() => void book(s.id)}
                        >
                          Book {timeOf(s.start)}
                          {s.clinician ? ` with named clinician (SDS ${s.clinician})` : ''}
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
              {slots.nextPage && (
                <button type="button" class="nhs-link-button" disabled={disabled} data-testid="more-slots" onClick={() => void loadSlots(pages + 1)}>
                  Show more appointments
                </button>
              )}
            </>
          )}
        </section>
      )}
    </div>
  );
}

/** Changing the services (search, results, shortlist) loads only when asked for. */
function LazyChangeServices(props: ComponentProps<typeof import('../components/ChangeServices').ChangeServices>) {
  const Loaded = useLoaded(() => import('../components/ChangeServices').then((m) => m.ChangeServices));
  return Loaded ? <Loaded {...props} /> : null;
}

function Problem({ message }: { message: string }) {
  return <ErrorSummary problems={[message]} testId="booking-error" />;
}

function Offers({
  offers,
  disabled,
  onDefer,
  onCheck,
}: {
  offers: BookingOffer[];
  disabled: boolean;
  onDefer(reason: DeferReason, slot?: string): void;
  onCheck(): void;
}) {
  return (
    <>
      {offers.map((o) =>
        typeof o === 'object' ? (
          <p key={o.defer}>
            <button type="button" class="nhs-button nhs-button--secondary" disabled={disabled} data-testid="defer" onClick={() => onDefer(o.defer, o.slot)}>
              Defer booking to the provider instead
            </button>
            <span class="nhs-hint"> Reason given: {DEFER_WHY[o.defer]}</span>
          </p>
        ) : o === 'check-again' || o === 'reload' ? (
          <p key={o}>
            <button type="button" class="nhs-button nhs-button--secondary" disabled={disabled} data-testid="check-again" onClick={onCheck}>
              {o === 'reload' ? 'Read the referral again' : 'Check e-RS again'}
            </button>
          </p>
        ) : null,
      )}
    </>
  );
}

function Appointment({ record, place }: { record: BookingRecord; place?: Draft['shortlist'][number] }) {
  const a = record.appointment!;
  return (
    <div class="confirmation" data-testid="appointment">
      <h4>Appointment booked</h4>
      <dl class="session-facts">
        <dt>Date</dt>
        <dd data-testid="appointment-date">{a.start ? dateOf(a.start) : 'Not given'}</dd>
        <dt>Time</dt>
        <dd data-testid="appointment-time">{a.start ? `${timeOf(a.start)}${a.end ? ` to ${timeOf(a.end)}` : ''}` : 'Not given'}</dd>
        <dt>Place</dt>
        <dd>
          {a.serviceName ?? place?.name ?? 'The service'}
          {place?.location.name ? `, ${place.location.name}` : ''}
        </dd>
        <dt>Clinician</dt>
        <dd>{a.clinician ? `Named clinician (SDS ${a.clinician})` : 'Any clinician of the service'}</dd>
      </dl>
    </div>
  );
}

function Cancel(props: {
  reasons?: CancelReasonView[];
  reason?: string;
  comment: string;
  disabled: boolean;
  onStart(): void;
  onReason(code: string): void;
  onComment(text: string): void;
  onStop(): void;
  onCancel(): void;
}) {
  const { reasons, reason, comment, disabled } = props;
  if (!reasons) {
    return (
      <p>
        <button type="button" class="nhs-button nhs-button--secondary" disabled={disabled} data-testid="start-cancel" onClick={props.onStart}>
          Cancel this appointment
        </button>
      </p>
    );
  }
  const chosen = reasons.find((r) => r.code === reason);
  const needsComment = !!chosen?.commentIsMandatory && !comment.trim();
  return (
    <form
      data-testid="cancel-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen && !needsComment) props.onCancel();
      }}
    >
      <fieldset class="nhs-fieldset">
        <legend class="nhs-label">Why is the appointment being cancelled?</legend>
        <div class="radios">
          {reasons.map((r) => (
            <label key={r.code} class="radio">
              <input type="radio" name="cancel-reason" value={r.code} checked={r.code === reason} onChange={() => props.onReason(r.code)} />
              {r.display}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="nhs-form-group">
        <label class="nhs-label" for="cancel-comment">
          Comment{chosen?.commentIsMandatory ? ' (needed for this reason)' : ' (optional)'}
        </label>
        <textarea
          id="cancel-comment"
          class="nhs-input"
          maxLength={1000}
          value={comment}
          onInput={(e) => props.onComment((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      <button type="submit" class="nhs-button nhs-button--warning" disabled={disabled || !chosen || needsComment} data-testid="confirm-cancel">
        Cancel the appointment
      </button>{' '}
      <button type="button" class="nhs-link-button" disabled={disabled} onClick={props.onStop}>
        Keep the appointment
      </button>
    </form>
  );
}
