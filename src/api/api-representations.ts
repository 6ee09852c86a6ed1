import type { ExportedRecord } from '../completions/record-export.service.ts';
import type { PersonListRow } from '../people/people.service.ts';
import type { SessionListRow } from '../sessions/sessions.service.ts';

// What the API sends of each record: snake_case names, ids as hex strings, instants as ISO 8601
// in UTC, calendar days as YYYY-MM-DD, and null for what is not known. The OpenAPI document
// (openapi.ts) describes exactly these shapes, and a test holds the answers to it.

const idOf = (id: { toHexString(): string }) => id.toHexString();
const instant = (at: Date | null | undefined) => (at ? at.toISOString() : null);
const named = <N extends { _id: { toHexString(): string } }>(
  entity: N | null,
  fields: (entity: N) => Record<string, string>,
) => (entity ? { id: idOf(entity._id), ...fields(entity) } : null);

export function personJson(p: PersonListRow) {
  return {
    id: idOf(p._id),
    full_name: p.fullName,
    email: p.email ?? null,
    service_number: p.serviceNumber ?? null,
    rank: p.rank ?? null,
    gender: p.gender ?? null,
    roles: [...p.roles],
    active: p.active,
    language: p.language,
    institution: named(p.institution, (i) => ({ name: i.name, code: i.code })),
    country_id: p.country ? idOf(p.country) : null,
  };
}

export function sessionJson(s: SessionListRow) {
  return {
    id: idOf(s._id),
    status: s.status,
    module: named(s.module, (m) => ({ code: m.code, title: m.title })),
    module_version: s.moduleVersion,
    institution: named(s.institution, (i) => ({ name: i.name, code: i.code })),
    room: s.room,
    time_zone: s.timeZone,
    language: s.language,
    starts_at: instant(s.startsAt),
    ends_at: instant(s.endsAt),
    days: s.days.map((d) => ({ date: d.date, start: d.start, end: d.end })),
    capacity: s.capacity,
    places: s.places ? { seated: s.places.seated, waiting: s.places.waiting, requested: s.places.requested } : null,
    trainers: s.trainers.map((t) => ({ person_id: idOf(t.person), lead: t.lead })),
    requires_approval: s.requiresApproval,
    closed_at: instant(s.closedAt),
    updated_at: instant(s.updatedAt),
  };
}

export function completionJson(r: ExportedRecord) {
  return {
    id: idOf(r._id),
    person_id: idOf(r.person),
    session_id: r.session ? idOf(r.session) : null,
    name_as_issued: r.nameAsIssued,
    gender: r.gender ?? null,
    module: { id: idOf(r.module), code: r.moduleCode, title: r.moduleTitle },
    hours: r.hours,
    started_on: r.startedOn,
    ended_on: r.endedOn,
    attendance_percent: r.attendancePercent ?? null,
    pre_score: r.pre ?? null,
    post_score: r.post ?? null,
    result: r.result,
    certificate_number: r.certificateNumber ?? null,
    issuer: { institution_id: idOf(r.issuingInstitution), name: r.issuerName, country_code: r.issuerCountryCode ?? '' },
    issued_at: instant(r.issuedAt),
    expires_at: instant(r.expiresAt),
    source: r.source,
    status: r.shownStatus,
  };
}
