// Change the services of a created referral (A031), then book again: the same search form and results
// as a new referral, searched by the background for the patient and commissioning
// organisation e-RS holds for the referral (never the page's), sent once (utils/booking/shortlist.ts).
// Part of the booking chunk (screens/Booking.tsx), never loaded at panel start.
import { useState } from 'preact/hooks';
import type { ServiceSummary } from '../../../utils/ers/index';
import type { SearchState } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import type { BookingApi, BookingTarget } from '../booking-api';
import { orderedCriteria, SearchForm } from './SearchForm';
import { useLoaded } from './use-loaded';

/** A refusal from the background carries a code and a message in words; anything else is the channel failing. */
function errorText(e: unknown): string {
  const said = e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && e.message;
  return said || 'The extension stopped before it answered.';
}

export function ChangeServices(props: {
  target: BookingTarget;
  api: BookingApi;
  reference?: ReferenceData;
  /** The search to start from: the draft's own, or one at the referral's priority. */
  initial?: SearchState;
  onChanged(notice?: string): void;
  onStop(): void;
}) {
  const { target, api, reference } = props;
  // The results list is the new referral's own (loaded on its first search there, or here).
  const Results = useLoaded(() => import('./Results').then((m) => m.Results));
  const [search, setSearch] = useState<SearchState>(
    props.initial ?? { criteria: { priority: 'ROUTINE', ageAndGenderAppropriate: true }, sortBy: 'DISTANCE', requestType: 'APPOINTMENT_REQUEST' },
  );
  const [services, setServices] = useState<ServiceSummary[]>();
  const [chosen, setChosen] = useState<ServiceSummary[]>([]);
  const [busy, setBusy] = useState<string>();
  const [problem, setProblem] = useState<string>();
  /** The answer to a change was lost and e-RS could not be read: nothing more is sent from here. */
  const [unsure, setUnsure] = useState(false);

  async function find() {
    setBusy('Searching…');
    setProblem(undefined);
    try {
      const found = await api.search(target, orderedCriteria(search.criteria), reference?.specialtySystem);
      // A triage service needs its own request (sent for triage), which is not made from here.
      setServices(found.services.filter((s) => !s.isTriage));
      setChosen([]);
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(undefined);
    }
  }

  async function send() {
    setBusy('Changing the services…');
    setProblem(undefined);
    try {
      const answer = await api.changeShortlist(
        target,
        chosen.map((s) => s.id),
      );
      if (answer.changed) props.onChanged(answer.notice);
      else {
        setProblem(answer.message);
        if (answer.unknown) setUnsure(true);
      }
    } catch (e) {
      // No answer at all: it may have reached e-RS. Reading the referral again (closing this) settles it.
      setProblem(`${errorText(e)} It is not known whether the services were changed: read the referral again before trying again.`);
      setUnsure(true);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section class="change-services" aria-labelledby="change-services-heading" data-testid="change-services" aria-busy={!!busy}>
      <h4 id="change-services-heading">Change the services</h4>
      <p class="nhs-hint">Search, choose the new services, then change them. The referral keeps its UBRN; the old services are replaced.</p>
      {busy && <p role="status">{busy}</p>}
      {problem && (
        <div class="nhs-error-summary" role="alert" data-testid="change-services-problem">
          <p>{problem}</p>
        </div>
      )}
      <SearchForm
        value={search}
        reference={reference}
        disabled={!!busy || unsure}
        busy={busy === 'Searching…'}
        onChange={setSearch}
        onSearch={() => void find()}
      />
      {services && Results && (
        <Results
          services={services}
          shortlist={chosen}
          disabled={!!busy || unsure}
          onAdd={(s) => setChosen((list) => (list.some((x) => x.id === s.id) ? list : [...list, s]))}
        />
      )}
      {chosen.length > 0 && (
        // Not components/Shortlist.tsx: importing it from this late chunk splits the panel's first script (use-loaded.ts).
        <section aria-labelledby="new-services-heading">
          <h4 id="new-services-heading">New services ({chosen.length} of 20)</h4>
          <ol class="shortlist">
            {chosen.map((s) => (
              <li key={s.id} data-shortlist-id={s.id}>
                <span>
                  {s.name} <span class="nhs-hint">({s.location.name ?? s.location.ods})</span>
                </span>
                <button
                  type="button"
                  class="link-button"
                  disabled={!!busy || unsure}
                  aria-label={`Remove ${s.name} from the new services`}
                  onClick={() => setChosen((list) => list.filter((x) => x.id !== s.id))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
      <p>
        <button
          type="button"
          class="nhs-button"
          data-testid="change-services-send"
          disabled={!!busy || unsure || chosen.length === 0}
          onClick={() => void send()}
        >
          Change to {chosen.length === 1 ? 'this service' : `these ${chosen.length} services`}
        </button>{' '}
        <button type="button" class="nhs-link-button" disabled={!!busy} onClick={props.onStop}>
          Keep the services
        </button>
      </p>
    </section>
  );
}
