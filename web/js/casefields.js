// casefields: the case field registry (GET /api/v1/cases/fields?lang=, fetched once per
// language), its sections, field and vocabulary labels, and how case values read on screen:
// vocabulary codes as their labels, approximate dates (YYYY, YYYY-MM, YYYY-MM-DD), the missing
// states ({"missing":"unknown"|"not_applicable"}) and withheld personal fields.
import { api, query, ApiError } from './api.js';
import { h } from './dom.js';
import { t, currentLang } from './i18n.js';

// The sections of the case form and page, in order; a field the registry adds later that
// belongs to none of the ranges goes to "other".
export const SECTIONS = ['person', 'victim', 'case', 'perpetrators', 'other'];
const RANGES = [
  ['person', 'given_name', 'mailing_country'],
  ['victim', 'trafficking_status', 'exploitation_region'],
  ['case', 'year_registered', 'closure_reason'],
];
// Free-text fields long enough for a textarea.
const TEXTAREAS = new Set(['narrative', 'closure_reason', 'address']);

export const STATUSES = ['Active', 'FollowUp', 'Closed', 'ClosedReferred'];
export const CLOSED = ['Closed', 'ClosedReferred'];
export const EVENT_TYPES = ['Recruitment', 'Transit', 'Exploitation'];

// Approximate dates: a year, a month or a day.
export const APPROX_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

const cache = new Map(); // lang -> Promise of the registry

function sectionsOf(fields) {
  const at = (name) => fields.findIndex((f) => f.name === name);
  const ranges = RANGES.map(([key, from, to]) => [key, at(from), at(to)]);
  const bySection = new Map(SECTIONS.map((s) => [s, []]));
  fields.forEach((f, i) => {
    let key = 'other';
    if (f.name.startsWith('perp_')) {
      key = 'perpetrators';
    } else {
      const r = ranges.find(([, a, b]) => a >= 0 && b >= a && i >= a && i <= b);
      if (r) key = r[0];
    }
    bySection.get(key).push(f);
  });
  return [...bySection.entries()].filter(([, list]) => list.length).map(([key, list]) => ({ key, fields: list }));
}

async function load(lang) {
  const data = await api.get(`/api/v1/cases/fields${query({ lang })}`);
  const fields = ((data && data.fields) || []).filter((f) => f && typeof f.name === 'string');
  const vocabularies = (data && data.vocabularies) || {};
  if (!fields.length) throw new ApiError(0, 'unavailable', 'the case field registry is empty');
  const labels = new Map();
  for (const [name, v] of Object.entries(vocabularies)) {
    labels.set(name, new Map(((v && v.codes) || []).map((c) => [c.code, c.label || c.code])));
  }
  return {
    fields, vocabularies, labels, byName: new Map(fields.map((f) => [f.name, f])), sections: sectionsOf(fields),
  };
}

// The registry in the current language (vocabulary labels come translated).
export function registry() {
  const lang = currentLang();
  if (!cache.has(lang)) {
    cache.set(lang, load(lang).catch((e) => {
      cache.delete(lang);
      throw e;
    }));
  }
  return cache.get(lang);
}

export function sectionTitle(key) {
  return t(`case.section.${key}`);
}

export function fieldLabel(f) {
  const name = typeof f === 'string' ? f : f.name;
  const key = `case.field.${name}`;
  const s = t(key);
  return s === key ? name.replace(/_/g, ' ') : s;
}

export function textarea(f) {
  if (f.type !== 'text' && f.type !== 'sealed') return false;
  return TEXTAREAS.has(f.name) || (f.max_bytes || 0) > 1000;
}

export function codeLabel(reg, vocab, code) {
  const m = reg.labels.get(vocab);
  return (m && m.get(code)) || String(code);
}

// A vocabulary's codes as options; long lists (countries, languages) sorted by label.
export function codeOptions(reg, vocab) {
  const v = reg.vocabularies[vocab];
  const codes = ((v && v.codes) || []).map((c) => ({ value: c.code, label: c.label || c.code }));
  if (codes.length > 30) {
    const coll = new Intl.Collator(currentLang());
    codes.sort((a, b) => coll.compare(a.label, b.label));
  }
  return codes;
}

export function statusLabel(status) {
  const key = `case.status.${status}`;
  const s = t(key);
  return s === key ? String(status) : s;
}

export function isMissing(v) {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v) && typeof v.missing === 'string';
}

export function missingLabel(state) {
  const key = `case.missing.${state}`;
  const s = t(key);
  return s === key ? String(state) : s;
}

// YYYY, YYYY-MM or YYYY-MM-DD in the reader's language, inside <time datetime>.
export function approxDate(text) {
  const s = String(text);
  let shown = s;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1));
    const opts = m[3] ? { dateStyle: 'medium', timeZone: 'UTC' }
      : m[2] ? { year: 'numeric', month: 'long', timeZone: 'UTC' } : { year: 'numeric', timeZone: 'UTC' };
    try {
      shown = new Intl.DateTimeFormat(currentLang(), opts).format(d);
    } catch {
      shown = s;
    }
  }
  return h('time', { datetime: m ? s : null }, shown);
}

// Several labels in a row, with the language's comma.
export function listText(items) {
  const sep = { ar: '، ', zh: '、' }[currentLang()] || ', ';
  return items.join(sep);
}

// A case value as text or a node for reading. null/undefined: not recorded.
export function valueNode(reg, f, v) {
  if (v === undefined || v === null) return h('span', { class: 'muted' }, t('case.not_recorded'));
  if (isMissing(v)) return h('span', { class: 'missing' }, missingLabel(v.missing));
  if (!f) return typeof v === 'object' ? JSON.stringify(v) : String(v);
  switch (f.type) {
    case 'bool':
      return v ? t('common.yes') : t('common.no');
    case 'code':
      return codeLabel(reg, f.vocab, v);
    case 'multi':
      if (!Array.isArray(v)) return String(v);
      return v.length ? listText(v.map((c) => codeLabel(reg, f.vocab, c))) : t('case.none_of_them');
    case 'codes':
      if (!Array.isArray(v)) return String(v);
      return v.length ? listText(v.map((c) => codeLabel(reg, f.vocab, c))) : t('case.none_of_them');
    case 'date':
    case 'sealed_date':
      return approxDate(v);
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

// The value of a field on the case page: "withheld" when the reader lacks the field group.
export function caseValue(reg, c, f) {
  if ((c.withheld || []).includes(f.name)) {
    return h('span', { class: 'withheld' }, t('case.withheld'));
  }
  return valueNode(reg, f, (c.fields || {})[f.name]);
}

// The person's name as far as the reader may see it, or null.
export function caseName(c) {
  const fields = c.fields || {};
  const parts = ['given_name', 'middle_name', 'family_name']
    .map((n) => fields[n]).filter((v) => typeof v === 'string' && v.trim());
  return parts.length ? parts.join(' ') : null;
}

// Owner names by user id: from GET /api/v1/users when the reader may read users.
export async function userNames(ctx) {
  const names = new Map();
  if (ctx.me) names.set(String(ctx.me.id), ctx.me.display_name || ctx.me.username);
  if (!ctx.allowed('user.read')) return names;
  try {
    const data = await api.get(`/api/v1/users${query({ limit: 200 })}`);
    for (const u of (data && data.items) || []) names.set(String(u.id), u.display_name || u.username);
  } catch {
    // names are a convenience: ids are shown instead
  }
  return names;
}

export function ownerText(c, ctx, names) {
  if (c.owner_name) return c.owner_name;
  if (c.owner_id === undefined || c.owner_id === null) return '—';
  if (ctx.me && String(ctx.me.id) === String(c.owner_id)) return t('case.owner_you');
  return names.get(String(c.owner_id)) || t('case.user_id', { id: c.owner_id });
}

// The case object of an answer: {"case":{...}} or the case itself.
export function unwrap(data) {
  return (data && data.case) || data || {};
}
