// Assistance and legal status on the case page (docs/assistance.md): the services delivered
// (add; change status, outcome and end date; list with dates and provider) and the rights and
// legal status in four parts: non-punishment, residence permits, voluntary returns with their
// reintegration follow-ups, compensation claims. Codes are shown with their labels from the
// vocabularies of GET /cases/fields (in the page's language); amounts are integer minor units
// on the wire and decimal amounts in the currency's digits on the page.
import { api } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t, currentLang } from '../i18n.js';
import { codeLabel, codeOptions } from '../casefields.js';
import { choose } from '../lookups.js';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const dash = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));
const sealedText = (rec, name) => ((rec.withheld || []).includes(name) ? t('case.withheld') : dash(rec[name]));
const label = (reg, vocab, code) => (code ? codeLabel(reg, vocab, code) : '—');
const yesNo = (b) => (b ? t('common.yes') : t('common.no'));
const dates = (from, to) => (from || to ? `${from || '…'} – ${to || '…'}` : '—');

function dateField(name, labelText) {
  return field({ name, label: labelText, hint: t('assist.date_hint'),
    attrs: { autocomplete: 'off', dir: 'ltr', maxlength: '10', class: 'short', placeholder: 'YYYY-MM-DD' } });
}

function codeField(reg, name, labelText, vocab, required = false) {
  return field({ name, label: labelText, required, options: choose(codeOptions(reg, vocab)) });
}

function textField(name, labelText, max = 200) {
  return field({ name, label: labelText, attrs: { maxlength: String(max), autocomplete: 'off' } });
}

function noteField(name, labelText) {
  return field({ name, label: labelText, type: 'textarea', attrs: { maxlength: '8000' } });
}

function pickField(name, labelText, items, text) {
  return field({ name, label: labelText, required: true,
    options: choose(items.map((r) => ({ value: String(r.id), label: text(r) }))) });
}

// Checks the dates of a form; false (with the error shown) when one is not YYYY-MM-DD.
function datesOk(form, v, names) {
  for (const n of names) {
    if (v[n] && !DATE.test(v[n])) {
      showError(form, { code: 'invalid', field: n }, t('assist.date_invalid'));
      return false;
    }
  }
  return true;
}

// A collapsible form; onSubmit returns false to keep the form as it is.
function actionForm(summaryText, fields, onSubmit) {
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form grid', novalidate: true }, ...fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, summaryText)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    status.replaceChildren();
    await busy(form, async () => {
      try {
        if (await onSubmit(form, formValues(form)) !== false) {
          status.replaceChildren(notice('success', t('case.records.saved')));
        }
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return h('details', { class: 'case-action' }, h('summary', {}, summaryText), form, status);
}

// The members of v that are not empty (dates and texts), for a create.
function given(v, names) {
  const out = {};
  for (const n of names) if (v[n]) out[n] = v[n];
  return out;
}

// --- Services ---------------------------------------------------------------------------------

export function servicesSection(reg, c, ctx) {
  const base = `/api/v1/cases/${c.id}/services`;
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const canWrite = ctx.allowed('case.write') && !c.merged_into;
  const typeText = (s) => `${label(reg, 'service_type', s.type)} · ${label(reg, 'service_status', s.status)}`;
  const render = (items) => {
    const parts = [items.length
      ? table(t('assist.services'), [
        { label: t('assist.svc.type'), cell: (s) => label(reg, 'service_type', s.type) },
        { label: t('assist.svc.provider'), cell: (s) => dash(s.provider) },
        { label: t('assist.svc.dates'), cell: (s) => dates(s.start_date, s.end_date) },
        { label: t('common.status'), cell: (s) => label(reg, 'service_status', s.status) },
        { label: t('assist.svc.outcome'), cell: (s) => label(reg, 'service_outcome', s.outcome) },
        { label: t('assist.svc.notes'), cell: (s) => sealedText(s, 'notes') },
      ], items)
      : h('p', { class: 'empty' }, t('assist.services_none'))];
    if (!ctx.allowed('fg.health.read')) parts.push(h('p', { class: 'hint' }, t('assist.svc.health_hidden')));
    if (canWrite) {
      parts.push(actionForm(t('assist.svc.add'), [
        codeField(reg, 'type', t('assist.svc.type'), 'service_type', true),
        textField('provider', t('assist.svc.provider')),
        dateField('start_date', t('assist.svc.start')),
        dateField('end_date', t('assist.svc.end')),
        codeField(reg, 'status', t('common.status'), 'service_status'),
        noteField('notes', t('assist.svc.notes')),
      ], async (form, v) => {
        if (!v.type) {
          showError(form, { code: 'invalid', field: 'type' }, t('form.required'));
          return false;
        }
        if (!datesOk(form, v, ['start_date', 'end_date'])) return false;
        await api.post(base, given(v, ['type', 'provider', 'start_date', 'end_date', 'status', 'notes']));
        await load();
        return true;
      }));
      if (items.length) {
        parts.push(actionForm(t('assist.svc.update'), [
          pickField('service', t('assist.svc.which'), items, typeText),
          codeField(reg, 'status', t('common.status'), 'service_status'),
          codeField(reg, 'outcome', t('assist.svc.outcome'), 'service_outcome'),
          dateField('end_date', t('assist.svc.end')),
        ], async (form, v) => {
          const s = items.find((x) => String(x.id) === v.service);
          if (!s) {
            showError(form, { code: 'invalid', field: 'service' }, t('form.required'));
            return false;
          }
          if (!datesOk(form, v, ['end_date'])) return false;
          const change = given(v, ['status', 'outcome', 'end_date']);
          if (!Object.keys(change).length) {
            showError(form, { code: 'invalid' }, t('form.unchanged'));
            return false;
          }
          await api.patch(`${base}/${s.id}`, change, s.version);
          await load();
          return true;
        }));
      }
    }
    return parts;
  };
  async function load() {
    try {
      const data = await api.get(base);
      body.replaceChildren(...render((data && data.items) || []));
    } catch (e) {
      body.replaceChildren(errorBlock(e));
    }
  }
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'case-services', id: 'services' },
    h('h2', { id: 'case-services' }, t('assist.services')), body);
}

// --- Money ------------------------------------------------------------------------------------

function currencyDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

// "12500.50" in EUR -> 1250050; null when not an amount.
export function toMinor(text, currency) {
  const digits = currencyDigits(currency);
  const m = /^(\d{1,15})(?:[.,](\d+))?$/.exec(String(text).trim());
  if (!m || (m[2] && m[2].length > digits)) return null;
  const n = Number(m[1] + (m[2] || '').padEnd(digits, '0'));
  return Number.isSafeInteger(n) ? n : null;
}

function money(minor, currency) {
  if (minor === null || minor === undefined) return '—';
  const digits = currencyDigits(currency);
  const value = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(currentLang(), { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency || ''}`.trim();
  }
}

// --- Rights and legal status ------------------------------------------------------------------

function nonPunishmentPart(reg, c, np, canWrite, reload) {
  const shown = np
    ? h('dl', { class: 'facts' },
      h('dt', {}, t('assist.np.applies')), h('dd', {}, yesNo(np.applies)),
      h('dt', {}, t('assist.np.reason')), h('dd', {}, label(reg, 'non_punishment_reason', np.reason)),
      h('dt', {}, t('assist.np.date')), h('dd', { dir: 'ltr' }, dash(np.decided_date)),
      h('dt', {}, t('assist.np.by')), h('dd', {}, dash(np.decided_by)),
      h('dt', {}, t('assist.np.note')), h('dd', {}, sealedText(np, 'reason_note')),
      h('dt', {}, t('assist.np.recorded_by')), h('dd', {}, dash(np.recorded_by)))
    : h('p', { class: 'empty' }, t('assist.np.none'));
  const form = canWrite ? actionForm(t('assist.np.save'), [
    field({ name: 'applies', label: t('assist.np.applies'), type: 'checkbox', value: np ? np.applies : false }),
    codeField(reg, 'reason', t('assist.np.reason'), 'non_punishment_reason'),
    dateField('decided_date', t('assist.np.date')),
    textField('decided_by', t('assist.np.by')),
    noteField('reason_note', t('assist.np.note')),
  ], async (form2, v) => {
    if (!datesOk(form2, v, ['decided_date'])) return false;
    const b = { applies: v.applies, ...given(v, ['reason', 'decided_date', 'decided_by', 'reason_note']) };
    await api.put(`/api/v1/cases/${c.id}/legal/non-punishment`, b, np ? np.version : undefined);
    await reload();
    return true;
  }) : null;
  return h('div', { class: 'legal-part' }, h('h3', {}, t('assist.np.title')), shown, form);
}

function permitsPart(reg, c, items, canWrite, reload) {
  const base = `/api/v1/cases/${c.id}/legal/residence-permits`;
  const list = items.length
    ? table(t('assist.permits'), [
      { label: t('assist.permit.kind'), cell: (p) => label(reg, 'permit_kind', p.kind) },
      { label: t('assist.permit.applied'), cell: (p) => dash(p.applied_date) },
      { label: t('assist.permit.authority'), cell: (p) => dash(p.authority) },
      { label: t('assist.permit.decision'), cell: (p) => label(reg, 'permit_decision', p.decision) },
      { label: t('assist.permit.decision_date'), cell: (p) => dash(p.decision_date) },
      { label: t('assist.permit.valid'), cell: (p) => dates(p.valid_from, p.valid_until) },
    ], items)
    : h('p', { class: 'empty' }, t('assist.permits_none'));
  const forms = [];
  if (canWrite) {
    forms.push(actionForm(t('assist.permit.add'), [
      codeField(reg, 'kind', t('assist.permit.kind'), 'permit_kind', true),
      dateField('applied_date', t('assist.permit.applied')),
      textField('authority', t('assist.permit.authority')),
    ], async (form, v) => {
      if (!v.kind) {
        showError(form, { code: 'invalid', field: 'kind' }, t('form.required'));
        return false;
      }
      if (!datesOk(form, v, ['applied_date'])) return false;
      await api.post(base, given(v, ['kind', 'applied_date', 'authority']));
      await reload();
      return true;
    }));
    if (items.length) {
      forms.push(actionForm(t('assist.permit.decide'), [
        pickField('permit', t('assist.permit.which'), items,
          (p) => `${label(reg, 'permit_kind', p.kind)} · ${dash(p.applied_date)}`),
        codeField(reg, 'decision', t('assist.permit.decision'), 'permit_decision', true),
        dateField('decision_date', t('assist.permit.decision_date')),
        dateField('valid_from', t('assist.permit.valid_from')),
        dateField('valid_until', t('assist.permit.valid_until')),
      ], async (form, v) => {
        const p = items.find((x) => String(x.id) === v.permit);
        if (!p || !v.decision) {
          showError(form, { code: 'invalid', field: p ? 'decision' : 'permit' }, t('form.required'));
          return false;
        }
        if (!datesOk(form, v, ['decision_date', 'valid_from', 'valid_until'])) return false;
        await api.patch(`${base}/${p.id}`, given(v, ['decision', 'decision_date', 'valid_from', 'valid_until']), p.version);
        await reload();
        return true;
      }));
    }
  }
  return h('div', { class: 'legal-part' }, h('h3', {}, t('assist.permits')), list, ...forms);
}

function returnsPart(reg, c, items, canWrite, reload) {
  const base = `/api/v1/cases/${c.id}/legal/returns`;
  const retText = (r) => `${label(reg, 'country', r.destination)} · ${label(reg, 'return_status', r.status)}`;
  const list = items.length
    ? table(t('assist.returns'), [
      { label: t('assist.ret.destination'), cell: (r) => label(reg, 'country', r.destination) },
      { label: t('common.status'), cell: (r) => label(reg, 'return_status', r.status) },
      { label: t('assist.ret.consent'), cell: (r) => yesNo(r.consent_confirmed) },
      { label: t('assist.ret.risk'), cell: (r) => label(reg, 'return_risk_level', r.risk_level) },
      { label: t('assist.ret.risk_summary'), cell: (r) => sealedText(r, 'risk_summary') },
      { label: t('assist.ret.planned'), cell: (r) => dash(r.planned_date) },
      { label: t('assist.ret.travel'), cell: (r) => dash(r.travel_date) },
      { label: t('assist.ret.receiving'), cell: (r) => dash(r.receiving_org) },
      { label: t('assist.ret.follow_ups'), cell: (r) => ((r.follow_ups || []).length
        ? h('ul', { class: 'plain' }, r.follow_ups.map((f) => h('li', {},
          `${f.follow_up_date} · ${label(reg, 'reintegration_outcome', f.outcome)} · ${t('assist.fu.contact')}: ${yesNo(f.contact_made)}`)))
        : '—') },
    ], items)
    : h('p', { class: 'empty' }, t('assist.returns_none'));
  const forms = [];
  if (canWrite) {
    forms.push(actionForm(t('assist.ret.add'), [
      codeField(reg, 'destination', t('assist.ret.destination'), 'country', true),
      field({ name: 'consent_confirmed', label: t('assist.ret.consent'), type: 'checkbox' }),
      dateField('consent_date', t('assist.ret.consent_date')),
      codeField(reg, 'risk_level', t('assist.ret.risk'), 'return_risk_level'),
      dateField('risk_date', t('assist.ret.risk_date')),
      textField('risk_assessed_by', t('assist.ret.risk_by')),
      noteField('risk_summary', t('assist.ret.risk_summary')),
      dateField('planned_date', t('assist.ret.planned')),
      textField('receiving_org', t('assist.ret.receiving')),
    ], async (form, v) => {
      if (!v.destination) {
        showError(form, { code: 'invalid', field: 'destination' }, t('form.required'));
        return false;
      }
      if (!datesOk(form, v, ['consent_date', 'risk_date', 'planned_date'])) return false;
      const b = { consent_confirmed: v.consent_confirmed,
        ...given(v, ['destination', 'consent_date', 'risk_level', 'risk_date', 'risk_assessed_by', 'risk_summary',
          'planned_date', 'receiving_org']) };
      await api.post(base, b);
      await reload();
      return true;
    }));
    if (items.length) {
      forms.push(actionForm(t('assist.ret.update'), [
        pickField('ret', t('assist.ret.which'), items, retText),
        codeField(reg, 'status', t('common.status'), 'return_status', true),
        field({ name: 'consent_confirmed', label: t('assist.ret.consent'), type: 'checkbox' }),
        dateField('travel_date', t('assist.ret.travel')),
      ], async (form, v) => {
        const r = items.find((x) => String(x.id) === v.ret);
        if (!r || !v.status) {
          showError(form, { code: 'invalid', field: r ? 'status' : 'ret' }, t('form.required'));
          return false;
        }
        if (!datesOk(form, v, ['travel_date'])) return false;
        const b = given(v, ['status', 'travel_date']);
        if (v.consent_confirmed) b.consent_confirmed = true;
        await api.patch(`${base}/${r.id}`, b, r.version);
        await reload();
        return true;
      }));
      forms.push(actionForm(t('assist.fu.add'), [
        pickField('ret', t('assist.ret.which'), items, retText),
        dateField('follow_up_date', t('assist.fu.date')),
        field({ name: 'contact_made', label: t('assist.fu.contact'), type: 'checkbox' }),
        codeField(reg, 'outcome', t('assist.fu.outcome'), 'reintegration_outcome'),
        noteField('notes', t('assist.fu.notes')),
      ], async (form, v) => {
        const r = items.find((x) => String(x.id) === v.ret);
        if (!r || !v.follow_up_date) {
          showError(form, { code: 'invalid', field: r ? 'follow_up_date' : 'ret' }, t('form.required'));
          return false;
        }
        if (!datesOk(form, v, ['follow_up_date'])) return false;
        await api.post(`${base}/${r.id}/follow-ups`,
          { contact_made: v.contact_made, ...given(v, ['follow_up_date', 'outcome', 'notes']) });
        await reload();
        return true;
      }));
    }
  }
  return h('div', { class: 'legal-part' }, h('h3', {}, t('assist.returns')), list, ...forms);
}

function claimsPart(reg, c, items, canWrite, reload) {
  const base = `/api/v1/cases/${c.id}/legal/compensation`;
  const list = items.length
    ? table(t('assist.claims'), [
      { label: t('assist.claim.kind'), cell: (x) => label(reg, 'compensation_kind', x.kind) },
      { label: t('assist.claim.against'), cell: (x) => label(reg, 'compensation_against', x.against) },
      { label: t('assist.claim.claimed'), cell: (x) => money(x.amount_claimed, x.currency) },
      { label: t('assist.claim.awarded'), cell: (x) => money(x.amount_awarded, x.currency) },
      { label: t('assist.claim.paid'), cell: (x) => money(x.amount_paid, x.currency) },
      { label: t('common.status'), cell: (x) => label(reg, 'compensation_status', x.status) },
      { label: t('assist.claim.legal_aid'), cell: (x) => yesNo(x.legal_aid) },
    ], items)
    : h('p', { class: 'empty' }, t('assist.claims_none'));
  // Converts the amount members of v into minor units of currency; false with the error shown.
  const amounts = (form, v, currency, names, b) => {
    for (const n of names) {
      if (!v[n]) continue;
      const minor = toMinor(v[n], currency);
      if (minor === null) {
        showError(form, { code: 'invalid', field: n }, t('assist.claim.amount_invalid'));
        return false;
      }
      b[n] = minor;
    }
    return true;
  };
  const forms = [];
  if (canWrite) {
    forms.push(actionForm(t('assist.claim.add'), [
      codeField(reg, 'kind', t('assist.claim.kind'), 'compensation_kind', true),
      codeField(reg, 'against', t('assist.claim.against'), 'compensation_against'),
      dateField('filed_date', t('assist.claim.filed')),
      field({ name: 'currency', label: t('assist.claim.currency'), hint: t('assist.claim.currency_hint'),
        attrs: { maxlength: '3', dir: 'ltr', class: 'short', autocomplete: 'off' } }),
      field({ name: 'amount_claimed', label: t('assist.claim.claimed'), hint: t('assist.claim.amount_hint'),
        attrs: { inputmode: 'decimal', dir: 'ltr', class: 'short', autocomplete: 'off' } }),
      field({ name: 'legal_aid', label: t('assist.claim.legal_aid'), type: 'checkbox' }),
    ], async (form, v) => {
      if (!v.kind) {
        showError(form, { code: 'invalid', field: 'kind' }, t('form.required'));
        return false;
      }
      if (!datesOk(form, v, ['filed_date'])) return false;
      const b = { legal_aid: v.legal_aid, ...given(v, ['kind', 'against', 'filed_date']) };
      if (v.currency) b.currency = v.currency.toUpperCase();
      if (!amounts(form, v, b.currency, ['amount_claimed'], b)) return false;
      await api.post(base, b);
      await reload();
      return true;
    }));
    if (items.length) {
      forms.push(actionForm(t('assist.claim.update'), [
        pickField('claim', t('assist.claim.which'), items,
          (x) => `${label(reg, 'compensation_kind', x.kind)} · ${money(x.amount_claimed, x.currency)}`),
        codeField(reg, 'status', t('common.status'), 'compensation_status'),
        field({ name: 'amount_awarded', label: t('assist.claim.awarded'), hint: t('assist.claim.amount_hint'),
          attrs: { inputmode: 'decimal', dir: 'ltr', class: 'short', autocomplete: 'off' } }),
        field({ name: 'amount_paid', label: t('assist.claim.paid'), hint: t('assist.claim.amount_hint'),
          attrs: { inputmode: 'decimal', dir: 'ltr', class: 'short', autocomplete: 'off' } }),
        dateField('decision_date', t('assist.claim.decision_date')),
      ], async (form, v) => {
        const x = items.find((y) => String(y.id) === v.claim);
        if (!x) {
          showError(form, { code: 'invalid', field: 'claim' }, t('form.required'));
          return false;
        }
        if (!datesOk(form, v, ['decision_date'])) return false;
        const b = given(v, ['status', 'decision_date']);
        if (!amounts(form, v, x.currency, ['amount_awarded', 'amount_paid'], b)) return false;
        if (!Object.keys(b).length) {
          showError(form, { code: 'invalid' }, t('form.unchanged'));
          return false;
        }
        await api.patch(`${base}/${x.id}`, b, x.version);
        await reload();
        return true;
      }));
    }
  }
  return h('div', { class: 'legal-part' }, h('h3', {}, t('assist.claims')), list, ...forms);
}

export function legalSection(reg, c, ctx) {
  const section = (...children) => h('section', { class: 'card', 'aria-labelledby': 'case-legal', id: 'legal' },
    h('h2', { id: 'case-legal' }, t('assist.legal')), ...children);
  if (!ctx.allowed('fg.legal.read')) {
    return section(h('p', { class: 'empty' }, t('assist.legal_denied')));
  }
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const canWrite = ctx.allowed('case.write') && ctx.allowed('fg.legal.write') && !c.merged_into;
  async function load() {
    try {
      const d = await api.get(`/api/v1/cases/${c.id}/legal`);
      body.replaceChildren(
        nonPunishmentPart(reg, c, d.non_punishment, canWrite, load),
        permitsPart(reg, c, d.residence_permits || [], canWrite, load),
        returnsPart(reg, c, d.returns || [], canWrite, load),
        claimsPart(reg, c, d.compensation || [], canWrite, load));
    } catch (e) {
      body.replaceChildren(errorBlock(e));
    }
  }
  load();
  return section(body);
}
