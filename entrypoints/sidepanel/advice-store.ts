// The side panel's Advice and Guidance state as signals, and the named actions that change it:
// the request being written for the open patient, the A&G search, sending through the background's
// at-most-once machine (utils/advice/send.ts), and this user's requests with their conversations.
// Loaded with the advice screen only (App.tsx lazyScreen), so the panel's start-up scripts stay small.
//
// The request is written to IndexedDB by the background on every change (`advice/save`), the text
// after a short pause, and always before Send, so nothing is lost when the panel closes.
import { batch, computed, effect, signal } from '@preact/signals';
import type { AdviceListView } from '../../utils/advice/messages';
import type { AdviceFile, AdviceRecord } from '../../utils/advice/model';
import { putAdviceFile } from '../../utils/advice/store';
import { composeProblems, sortForList } from '../../utils/advice/view';
import type { AdviceMessage, AdviceSummary, ConversionAuthorisation } from '../../utils/ers/advice';
import type { ParametersResource } from '../../utils/ers/fhir';
import type { SearchInput, SearchResult, ServiceSummary } from '../../utils/ers/index';
import { sendMessage } from '../../utils/messaging/client';
import { adviceReplies } from './components/RequestChoice';
import { acceptFilesFor } from './file-checks';
import type { PanelStore } from './store';

type Edit = Pick<AdviceRecord, 'service' | 'criteria' | 'request' | 'files' | 'conversion' | 'referringClinician'>;

/** What the advice screen asks of the background (tests pass their own). */
export interface AdvicePanelApi {
  list(checkNow?: boolean): Promise<AdviceListView>;
  search(input: SearchInput): Promise<SearchResult>;
  /** The specialty becomes the next search's default (as a referral search does). */
  remember(specialty: string): Promise<unknown>;
  save(record: AdviceRecord): Promise<AdviceRecord>;
  send(id: string, tabId?: number): Promise<AdviceRecord>;
  resolve(id: string, confirmedNotCreated?: boolean): Promise<{ kind: string; record: AdviceRecord; message?: string }>;
  conversation(id: string): Promise<{ summary: AdviceSummary; messages: AdviceMessage[]; webAppUrl?: string }>;
  attachment(id: string, url: string): Promise<{ fileName: string; contentType: string; base64: string }>;
  pdf(id: string): Promise<{ fileName: string; base64: string }>;
}

export const browserAdviceApi: AdvicePanelApi = {
  list: (checkNow) => sendMessage('advice/list', checkNow ? { checkNow: true } : undefined),
  search: (input) => sendMessage('ers/search', { input: input as never }),
  remember: (specialty) => sendMessage('referral/remember-search', { priority: 'ROUTINE', specialty }),
  save: (r) =>
    sendMessage('advice/save', {
      id: r.id,
      patient: { nhsNumber: r.patient.nhsNumber, displayName: r.patient.displayName, birthDate: r.patient.birthDate, gender: r.patient.gender },
      edit: {
        service: r.service,
        criteria: r.criteria as never,
        request: r.request,
        files: r.files.map((f) => ({ key: f.key, name: f.name, contentType: f.contentType, size: f.size })),
        conversion: r.conversion,
        referringClinician: r.referringClinician,
      },
    }),
  send: (id, tabId) => sendMessage('advice/send', { id, tabId }),
  resolve: (id, confirmed) => sendMessage('advice/resolve', confirmed ? { id, confirmedNotCreated: true } : { id }),
  conversation: (id) => sendMessage('advice/conversation', { id }),
  attachment: (id, url) => sendMessage('advice/attachment', { id, url }),
  pdf: (id) => sendMessage('advice/pdf', { id }),
};

export interface OpenConversation {
  id: string;
  summary: AdviceSummary;
  messages: AdviceMessage[];
  webAppUrl?: string;
}

/** A file fetched from e-RS, ready to open or save. */
export interface FetchedFile {
  url: string;
  fileName: string;
}

const message = (e: unknown) => (e as Error).message;
const UNSENT: readonly string[] = ['editing', 'ready', 'uploading', 'creating', 'outcome-unknown'];
const SAVE_PAUSE_MS = 400;

function blobOf(base64: string, type: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

export function createAdviceStore(panel: PanelStore, api: AdvicePanelApi = browserAdviceApi) {
  const records = signal<AdviceRecord[]>([]);
  /** The request on the form: for the open patient, not yet sent (or just sent, to confirm it). */
  const current = signal<AdviceRecord | undefined>(undefined);
  const results = signal<ServiceSummary[] | undefined>(undefined);
  const specialty = signal<string>(panel.draft.peek()?.search.criteria.specialty ?? '');
  const searching = signal(false);
  const busy = signal(false);
  const error = signal<string | undefined>(undefined);
  const fileProblems = signal<string[]>([]);
  /** Shown after Send was pressed with something missing. */
  const attempted = signal(false);
  /** After an unknown outcome: what the user must check before it may be sent again. */
  const checkMessage = signal<string | undefined>(undefined);
  const conversation = signal<OpenConversation | undefined>(undefined);
  const files = signal<Record<string, FetchedFile>>({});
  let lastCriteria: ParametersResource | undefined;
  let saving: Promise<unknown> = Promise.resolve();
  let textTimer: ReturnType<typeof setTimeout> | undefined;

  const patient = computed(() => panel.draft.value?.patient);
  const problems = computed(() => (current.value ? composeProblems(current.value, panel.session.value?.businessFunction) : []));
  const sorted = computed(() => sortForList(records.value));

  /** The unsent request for the open patient, newest first, or a new one (not saved until edited). */
  function pick(list: AdviceRecord[]): AdviceRecord | undefined {
    const p = patient.peek();
    if (!p) return undefined;
    const open = current.peek();
    if (open && open.patient.nhsNumber === p.nhsNumber) {
      const stored = list.find((r) => r.id === open.id);
      if (!stored || (stored.phase !== 'editing' && stored.phase !== 'ready')) return stored ?? open;
      // The form keeps what was typed since the last save; the background decides the phase.
      const { service, criteria, request, files: attached, conversion, referringClinician } = open;
      return { ...stored, service, criteria, request, files: attached, conversion, referringClinician };
    }
    const existing = list.filter((r) => r.patient.nhsNumber === p.nhsNumber && UNSENT.includes(r.phase)).sort((a, b) => b.updatedAt - a.updatedAt)[0];
    if (existing) return existing;
    const now = Date.now();
    return {
      id: crypto.randomUUID(),
      owner: '',
      patient: { nhsNumber: p.nhsNumber, displayName: p.displayName, birthDate: p.birthDate, gender: p.gender },
      request: '',
      files: [],
      phase: 'editing',
      createdAt: now,
      updatedAt: now,
    };
  }

  async function load(checkNow = false) {
    try {
      const view = await api.list(checkNow);
      batch(() => {
        records.value = view.records;
        adviceReplies.value = view.replies;
        current.value = pick(view.records);
      });
    } catch (e) {
      error.value = message(e);
    }
  }

  /** Saves the form as it is now, one save at a time, in order. */
  function save(): Promise<unknown> {
    const record = current.peek();
    if (!record || !UNSENT.slice(0, 2).includes(record.phase)) return saving;
    saving = saving
      .then(() => api.save(record))
      .then((saved) => {
        // Only what the background decides is taken back: the form keeps what was typed since.
        const open = current.peek();
        if (open?.id === saved.id) current.value = { ...open, owner: saved.owner, phase: saved.phase, error: saved.error };
      })
      .catch((e) => {
        error.value = `Your request could not be saved (${message(e)}). Keep the panel open and try again.`;
      });
    return saving;
  }

  function edit(change: Partial<Edit>, pause = false) {
    const record = current.peek();
    if (!record) return;
    current.value = { ...record, ...change, updatedAt: Date.now() };
    clearTimeout(textTimer);
    textTimer = undefined;
    if (pause)
      textTimer = setTimeout(() => {
        textTimer = undefined;
        void save();
      }, SAVE_PAUSE_MS);
    else void save();
  }

  /** A file from e-RS as an object URL under `key` (an attachment's address, or `pdf:<id>`). */
  function keep(key: string, fileName: string, base64: string, type: string) {
    const old = files.peek()[key];
    if (old) URL.revokeObjectURL(old.url);
    files.value = { ...files.peek(), [key]: { url: URL.createObjectURL(blobOf(base64, type)), fileName } };
  }

  // Another patient opened (or the same one again): the form follows the patient on the banner.
  const stopFollowing = effect(() => {
    const nhs = patient.value?.nhsNumber;
    const open = current.peek();
    if (open?.patient.nhsNumber !== nhs) {
      batch(() => {
        attempted.value = false;
        results.value = undefined;
        checkMessage.value = undefined;
        current.value = pick(records.peek());
      });
    }
  });

  const actions = {
    load,
    async search() {
      const p = patient.peek();
      const ref = panel.reference.peek();
      if (!p || !ref || !specialty.peek()) return;
      searching.value = true;
      error.value = undefined;
      try {
        const record = current.peek();
        const found = await api.search({
          nhsNumber: p.nhsNumber,
          criteria: { priority: 'ROUTINE', specialty: specialty.peek(), ageAndGenderAppropriate: true },
          requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
          referringClinician: panel.isAdmin.peek() ? record?.referringClinician : undefined,
          specialtySystem: ref.specialtySystem,
        });
        lastCriteria = found.criteria;
        results.value = found.services;
        void api.remember(specialty.peek()).catch(() => undefined);
      } catch (e) {
        error.value = message(e);
      } finally {
        searching.value = false;
      }
    },
    setSpecialty(code: string) {
      specialty.value = code;
      results.value = undefined;
      void actions.search();
    },
    /** Exactly one service: choosing another replaces it, with the criteria it was found with. */
    chooseService(s: ServiceSummary) {
      edit({ service: { id: s.id, name: s.name }, criteria: lastCriteria });
    },
    setText(text: string) {
      edit({ request: text }, true);
    },
    setConversion(c: ConversionAuthorisation) {
      edit({ conversion: c });
    },
    setClinician(v: string) {
      edit({ referringClinician: v.trim() || undefined });
    },
    async addFiles(picked: { blob: Blob; name: string }[]) {
      const accepted = await acceptFilesFor(
        () => current.peek(),
        picked,
        async (record, f): Promise<AdviceFile> => {
          const key = `${record.id}:${crypto.randomUUID()}`;
          await putAdviceFile(record.id, key, f.blob);
          return { key, name: f.name, contentType: f.contentType, size: f.blob.size };
        },
      );
      if (!accepted) return;
      if ('failed' in accepted) {
        error.value = accepted.failed;
        return;
      }
      const { added, problems: problemsFound } = accepted;
      fileProblems.value = problemsFound;
      if (added.length) edit({ files: [...(current.peek()?.files ?? []), ...added] });
    },
    removeFile(key: string) {
      edit({ files: (current.peek()?.files ?? []).filter((f) => f.key !== key) });
    },
    /** Send at most once: the background checks the tab's patient again and drives the machine. */
    async send() {
      const record = current.peek();
      if (!record || busy.peek()) return;
      attempted.value = true;
      if (problems.peek().length) return;
      busy.value = true;
      error.value = undefined;
      clearTimeout(textTimer);
      textTimer = undefined;
      try {
        await save();
        const sent = await api.send(record.id, panel.tabId.peek());
        current.value = sent;
        if (sent.phase === 'ready' && sent.error) error.value = sent.error.message;
      } catch (e) {
        error.value = message(e);
      } finally {
        busy.value = false;
        await load();
      }
    },
    /** Unknown outcome: read back (or, after the user checked e-RS, allow one more send). */
    async resolve(confirmedNotCreated = false) {
      const record = current.peek();
      if (!record) return;
      busy.value = true;
      try {
        const r = await api.resolve(record.id, confirmedNotCreated);
        current.value = r.record;
        checkMessage.value = r.message;
      } catch (e) {
        error.value = message(e);
      } finally {
        busy.value = false;
      }
    },
    /** After a request was sent: a new, empty one for the same patient. */
    askAnother() {
      batch(() => {
        current.value = undefined;
        attempted.value = false;
        results.value = undefined;
        current.value = pick([]);
      });
    },
    async openConversation(id: string) {
      error.value = undefined;
      try {
        conversation.value = { id, ...(await api.conversation(id)) };
        await load();
      } catch (e) {
        error.value = message(e);
      }
    },
    closeConversation() {
      conversation.value = undefined;
    },
    async attachment(id: string, url: string) {
      try {
        const f = await api.attachment(id, url);
        keep(url, f.fileName, f.base64, f.contentType);
      } catch (e) {
        error.value = message(e);
      }
    },
    async pdf(id: string) {
      try {
        const f = await api.pdf(id);
        keep(`pdf:${id}`, f.fileName, f.base64, 'application/pdf');
      } catch (e) {
        error.value = message(e);
      }
    },
    /** The screen closed: save what was typed in the last moment, forget the object URLs. */
    dispose() {
      stopFollowing();
      stopAutoSearch();
      if (textTimer !== undefined) {
        clearTimeout(textTimer);
        void save();
      }
      for (const f of Object.values(files.peek())) URL.revokeObjectURL(f.url);
    },
  };

  // Search at once when the specialty is already known (remembered), so the user starts by choosing.
  let searchedFor: string | undefined;
  const stopAutoSearch = effect(() => {
    const nhs = patient.value?.nhsNumber;
    if (!panel.reference.value || !nhs || searchedFor === nhs || !specialty.peek() || current.peek()?.phase !== 'editing') return;
    searchedFor = nhs;
    void actions.search();
  });

  return {
    records,
    sorted,
    current,
    results,
    specialty,
    searching,
    busy,
    error,
    fileProblems,
    attempted,
    checkMessage,
    conversation,
    files,
    problems,
    patient,
    actions,
  };
}

export type AdviceStore = ReturnType<typeof createAdviceStore>;
