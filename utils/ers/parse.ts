// Turn validated FHIR responses into the small typed objects the extension works with.
import { EXTENSION, type Priority } from 'ers-contract';
import type { CodeSystem, Extension, FetchServicesList, PractitionerRoleBundle, ReferralRequest, Worklist } from './schemas';

type Value = Record<string, unknown>;

const sub = (ext: Extension | undefined, url: string): Value | undefined => ext?.extension?.find((e) => e.url === url) as Value | undefined;
const findExt = (exts: Extension[] | undefined, url: string): Extension | undefined => exts?.find((e) => e.url === url);
const codeOf = (v: Value | undefined): string | undefined =>
  (((v?.valueCodeableConcept as Value | undefined)?.coding as Value[] | undefined)?.[0]?.code as string | undefined) ??
  ((v?.valueCoding as Value | undefined)?.code as string | undefined);

export type BookableType = 'DIRECTLY_BOOKABLE' | 'INDIRECTLY_BOOKABLE' | 'UNSPECIFIED';

export interface ServiceSummary {
  id: string;
  name: string;
  specialty?: string;
  bookableType: BookableType;
  flowTypes: string[];
  /** A Referral Assessment Service: its flows include TRIAGE_REQUEST. */
  isTriage: boolean;
  referralLetterRequired: boolean;
  location: { ods?: string; name?: string };
  appointmentType?: string;
  genderTreated?: string;
  /** Miles from the patient, when e-RS computed it. */
  distance?: number;
  /** Indicative appointment wait in days, or a code such as LIMITED_AVAILABILITY / NOT_APPLICABLE. */
  wait?: number | string;
  displayProminently: boolean;
  linkToNHSWebsite?: string;
}

/** A010 List → services, in e-RS order. */
export function parseServices(list: FetchServicesList): ServiceSummary[] {
  return list.entry.map((entry) => {
    const view = findExt(entry.item.extension, EXTENSION.serviceSummaryView);
    const item = findExt(entry.extension, EXTENSION.serviceSearchListItem);
    const flowTypes = (view?.extension ?? [])
      .filter((e) => e.url === 'supportedRequestFlowType')
      .map((e) => codeOf(e as Value)!)
      .filter(Boolean);
    const location = sub(view, 'location')?.valueReference as Value | undefined;
    const wait = sub(item, 'indicativeAppointmentWaitTime');
    return {
      id: entry.item.identifier.value,
      name: (sub(view, 'serviceName')?.valueString as string) ?? `Service ${entry.item.identifier.value}`,
      specialty: codeOf(sub(view, 'specialty')),
      bookableType: (codeOf(sub(view, 'bookableType')) as BookableType) ?? 'UNSPECIFIED',
      flowTypes,
      isTriage: flowTypes.includes('TRIAGE_REQUEST'),
      referralLetterRequired: sub(view, 'referralLetterRequired')?.valueBoolean === true,
      location: {
        ods: (location?.identifier as Value | undefined)?.value as string | undefined,
        name: location?.display as string | undefined,
      },
      appointmentType: codeOf(sub(view, 'supportedAppointmentType')),
      genderTreated: codeOf(sub(view, 'genderTreated')),
      distance: sub(item, 'distance')?.valueUnsignedInt as number | undefined,
      wait: (wait?.valueUnsignedInt as number | undefined) ?? codeOf(wait),
      displayProminently: sub(item, 'displayProminently')?.valueBoolean === true,
      linkToNHSWebsite: sub(view, 'linkToNHSWebsite')?.valueString as string | undefined,
    };
  });
}

export interface AttachmentSummary {
  id?: string;
  url: string;
  title?: string;
  contentType?: string;
  size?: number;
  description?: string;
  indexed?: string;
  availability?: string;
  /** eRS-AttachmentType-1 code: REFERRER for the referrer's letters; anything else came from elsewhere. */
  type?: string;
  /** ODS code of the organisation that attached it. */
  attachedByOrg?: string;
}

export interface ReferralSummary {
  ubrn: string;
  version: string;
  /** Weak ETag to send as If-Match on the next A012. */
  etag: string;
  nhsNumber: string;
  priority?: Priority;
  state?: string;
  /** The state's reason (e.g. a provider's rejection reason) and comments, when e-RS gives them. */
  stateReason?: { code: string; display?: string };
  stateComment?: string;
  /** FHIR status: `cancelled` once A036 (or a provider) cancelled it. */
  status: string;
  commissioningRuleOrg?: string;
  shortlist: { id: string; name?: string }[];
  attachments: AttachmentSummary[];
  appointmentReference?: string;
}

/** ReferralRequest (A005/A011/A012/A021) → summary. Tolerates the thin legacy responses. */
export function parseReferral(rr: ReferralRequest, etag?: string | null): ReferralSummary {
  const exts = rr.extension;
  const contained = (rr.contained ?? []) as Value[];
  const shortlist = contained.find((c) => c.resourceType === 'List');
  const docs = new Map(contained.filter((c) => c.resourceType === 'DocumentReference').map((d) => [`#${d.id as string}`, d]));
  const attachments: AttachmentSummary[] = (rr.supportingInfo ?? []).flatMap((ref) => {
    const doc = ref.reference ? docs.get(ref.reference) : undefined;
    const att = (doc?.content as Value[] | undefined)?.[0]?.attachment as Value | undefined;
    if (!att?.url) return [];
    const availability = findExt(att.extension as Extension[] | undefined, EXTENSION.availabilityStatus) as Value | undefined;
    const byOrg = findExt(att.extension as Extension[] | undefined, EXTENSION.attachedByOrganisation) as Value | undefined;
    return [
      {
        id: att.id as string | undefined,
        url: att.url as string,
        title: att.title as string | undefined,
        contentType: att.contentType as string | undefined,
        size: att.size as number | undefined,
        description: doc?.description as string | undefined,
        indexed: doc?.indexed as string | undefined,
        availability: codeOf(availability),
        type: ((doc?.type as Value | undefined)?.coding as Value[] | undefined)?.[0]?.code as string | undefined,
        attachedByOrg: ((byOrg?.valueReference as Value | undefined)?.identifier as Value | undefined)?.value as string | undefined,
      },
    ];
  });
  const state = findExt(exts, EXTENSION.referralState);
  const reason = sub(state, 'reason');
  const reasonCoding = ((reason?.valueCoding as Value | undefined) ??
    ((reason?.valueCodeableConcept as Value | undefined)?.coding as Value[] | undefined)?.[0]) as Value | undefined;
  return {
    ubrn: rr.id,
    version: rr.meta.versionId,
    etag: etag ?? `W/"${rr.meta.versionId}"`,
    nhsNumber: rr.subject.identifier.value,
    priority: codeOf(findExt(exts, EXTENSION.referralPriority) as Value | undefined) as Priority | undefined,
    state: codeOf(sub(state, 'state')),
    stateReason: reasonCoding?.code ? { code: reasonCoding.code as string, display: reasonCoding.display as string | undefined } : undefined,
    stateComment: sub(state, 'comments')?.valueString as string | undefined,
    status: rr.status,
    commissioningRuleOrg: ((findExt(exts, EXTENSION.commissioningRuleOrg) as Value | undefined)?.valueIdentifier as Value | undefined)?.value as
      | string
      | undefined,
    shortlist: ((shortlist?.entry as Value[] | undefined) ?? []).map((e) => {
      const item = e.item as Value;
      return { id: (item.identifier as Value).value as string, name: item.display as string | undefined };
    }),
    attachments,
    appointmentReference: ((findExt(exts, EXTENSION.appointmentReference) as Value | undefined)?.valueReference as Value | undefined)?.reference as
      | string
      | undefined,
  };
}

export interface RoleSummary {
  businessFunction: string;
  ods: string;
  orgName?: string;
  userId: string;
}

/** A030 → one entry per (organisation, business function) pair the user may act as. */
export function parseRoles(bundle: PractitionerRoleBundle): RoleSummary[] {
  return bundle.entry.flatMap(({ resource }) =>
    resource.code.flatMap((cc) =>
      (cc.coding ?? []).map((c) => ({
        businessFunction: c.code,
        ods: resource.organization.identifier.value,
        orgName: resource.organization.display,
        userId: resource.practitioner.identifier.value,
      })),
    ),
  );
}

export interface Concept {
  code: string;
  display: string;
  /** effectiveTo in the past: keep for showing old referrals, never offer. */
  retired: boolean;
  /** CLINIC-TYPE: the parent specialty code. */
  specialty?: string;
  /** PRIORITY: working days, e.g. deferToProviderContactDays. */
  numbers: Record<string, number>;
}

/** A004 CodeSystem → concepts, with retired codes flagged as of `now`. */
export function parseConcepts(cs: CodeSystem, now = new Date()): Concept[] {
  return cs.concept.map((c) => {
    const props = (c.property ?? []) as Value[];
    const ext = (c.extension ?? []) as Value[];
    const effectiveTo =
      (props.find((p) => p.code === 'effectiveTo')?.valueDateTime as string | undefined) ??
      (ext.find((e) => String(e.url).endsWith('EffectivetoDate-1'))?.valueDate as string | undefined);
    const numbers: Record<string, number> = {};
    for (const p of props) if (typeof p.valueInteger === 'number') numbers[p.code as string] = p.valueInteger;
    return {
      code: c.code,
      display: c.display ?? c.code,
      retired: effectiveTo ? new Date(effectiveTo) < now : false,
      specialty: (props.find((p) => p.code === 'specialty')?.valueCoding as Value | undefined)?.code as string | undefined,
      numbers,
    };
  });
}

/** One referral on an A008 referrer worklist (the item extension's sub-extensions, typed). */
export interface WorklistItem {
  ubrn: string;
  nhsNumber?: string;
  priority?: Priority;
  /** ISO date-time the referral was created. */
  created?: string;
  /** SDS user id of the referrer. */
  referrer?: string;
  clinicalContext?: string;
  letterDue?: string;
  lastUpdated?: string;
  status?: string;
  reason?: string;
}

/** A008 List → items. Reads the first extension of each entry, whichever of the four lists it is. */
export function parseWorklist(list: Worklist): WorklistItem[] {
  return list.entry.map((e) => {
    const ext = e.extension[0];
    const identifier = (name: string) => ((sub(ext, name)?.valueReference as Value | undefined)?.identifier as Value | undefined)?.value as string | undefined;
    return {
      ubrn: e.item.reference.slice('ReferralRequest/'.length),
      nhsNumber: identifier('patient'),
      priority: codeOf(sub(ext, 'priority')) as Priority | undefined,
      created: sub(ext, 'referralCreated')?.valueDateTime as string | undefined,
      referrer: identifier('referrer'),
      clinicalContext: sub(ext, 'clinicalContext')?.valueString as string | undefined,
      letterDue: sub(ext, 'letterDue')?.valueDate as string | undefined,
      lastUpdated: sub(ext, 'referralLastUpdated')?.valueDateTime as string | undefined,
      status: codeOf(sub(ext, 'status')),
      reason: codeOf(sub(ext, 'reason')),
    };
  });
}
