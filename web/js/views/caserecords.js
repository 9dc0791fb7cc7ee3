// Case records on the case page: perpetrators (HTCDS per_), support plans (spl_) and encrypted
// attachments. Attachments are sent as the raw file body with the file name in the X-File-Name
// header (never in a URL) and downloaded through fetch into a Blob, so the session cookie and the
// CSRF header go along and the name stays out of the address bar and the server log.
import { api, cookie, ApiError } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';
import { codeLabel, codeOptions, listText, approxDate, APPROX_DATE } from '../casefields.js';
import { choose } from '../lookups.js';

const KINDS = ['consent_form', 'identity_document', 'medical', 'legal', 'other'];
const PLAN_STATUSES = ['Planned', 'InProgress', 'Completed', 'Cancelled'];
const MAX_BYTES = 10 * 1024 * 1024;

const dash = (v) => (v === null || v === undefined || v === '' ? '—' : v);
const sealedText = (rec, name) => ((rec.withheld || []).includes(name) ? t('case.withheld') : dash(rec[name]));

function section(id, title, list, adder) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), list, adder);
}

function loader(list, path, render) {
  return async () => {
    try {
      const data = await api.get(path);
      list.replaceChildren(render((data && data.items) || []));
    } catch (e) {
      list.replaceChildren(errorBlock(e));
    }
  };
}

function addForm(summaryText, fields, onSubmit) {
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
          form.reset();
          status.replaceChildren(notice('success', t('case.records.saved')));
        }
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return h('details', { class: 'case-action' }, h('summary', {}, summaryText), form, status);
}

// --- Perpetrators -----------------------------------------------------------------------------

export function perpetratorsSection(reg, c, ctx) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const render = (items) => (items.length
    ? table(t('case.perpetrators'), [
      { label: t('case.perp.name'), cell: (p) => sealedText(p, 'name') },
      { label: t('case.perp.roles'), cell: (p) => listText((p.roles || []).map((x) => codeLabel(reg, 'perp_role', x))) || '—' },
      { label: t('case.perp.gender'), cell: (p) => (p.gender ? codeLabel(reg, 'gender', p.gender) : '—') },
      { label: t('case.perp.age'), cell: (p) => dash(p.age ?? p.age_band) },
      { label: t('case.perp.citizenship'), cell: (p) => (p.citizenship ? codeLabel(reg, 'country', p.citizenship) : '—') },
      { label: t('case.perp.role_details'), cell: (p) => sealedText(p, 'role_details') },
    ], items)
    : h('p', { class: 'empty' }, t('case.perpetrators_none')));
  const load = loader(list, `/api/v1/cases/${c.id}/perpetrators`, render);
  let adder = null;
  if (ctx.allowed('case.write')) {
    const roleOptions = ((reg.vocabularies.perp_role && reg.vocabularies.perp_role.codes) || [])
      .map((x) => ({ value: x.code, label: x.label || x.code }));
    adder = addForm(t('case.perp.add'), [
      ctx.allowed('fg.identity.write')
        ? field({ name: 'name', label: t('case.perp.name'), attrs: { autocomplete: 'off', maxlength: '200' } })
        : null,
      field({ name: 'role', label: t('case.perp.roles'), options: choose(roleOptions) }),
      field({ name: 'gender', label: t('case.perp.gender'), options: choose(codeOptions(reg, 'gender')) }),
      field({ name: 'age', label: t('case.perp.age'), type: 'number', attrs: { min: '0', max: '130', class: 'short' } }),
      field({ name: 'citizenship', label: t('case.perp.citizenship'), options: choose(codeOptions(reg, 'country')) }),
      ctx.allowed('fg.narrative.write')
        ? field({ name: 'role_details', label: t('case.perp.role_details'), type: 'textarea', attrs: { maxlength: '8000' } })
        : null,
    ], async (form, v) => {
      const body = {};
      if (v.role) body.roles = [v.role];
      for (const k of ['name', 'gender', 'citizenship', 'role_details']) if (v[k]) body[k] = v[k];
      if (v.age) body.age = Number(v.age);
      await api.post(`/api/v1/cases/${c.id}/perpetrators`, body);
      await load();
    });
  }
  load();
  return section('case-perpetrators', t('case.perpetrators'), list, adder);
}

// --- Support plans ----------------------------------------------------------------------------

export function supportPlansSection(reg, c, ctx) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const render = (items) => (items.length
    ? table(t('case.plans'), [
      { label: t('case.plan.type'), cell: (p) => codeLabel(reg, 'support_type', p.type) },
      { label: t('common.status'), cell: (p) => t(`case.plan.status.${p.status}`) },
      { label: t('case.plan.planned_end'), cell: (p) => (p.planned_end_date ? approxDate(p.planned_end_date) : '—') },
      { label: t('case.plan.provider'), cell: (p) => dash(p.provider) },
      { label: t('case.plan.objectives'), cell: (p) => sealedText(p, 'objectives') },
    ], items)
    : h('p', { class: 'empty' }, t('case.plans_none')));
  const load = loader(list, `/api/v1/cases/${c.id}/support-plans`, render);
  let adder = null;
  if (ctx.allowed('case.write')) {
    const typeOptions = ((reg.vocabularies.support_type && reg.vocabularies.support_type.codes) || [])
      .map((x) => ({ value: x.code, label: x.label || x.code }));
    adder = addForm(t('case.plan.add'), [
      field({ name: 'type', label: t('case.plan.type'), required: true, options: choose(typeOptions) }),
      field({ name: 'status', label: t('common.status'),
        options: PLAN_STATUSES.map((s) => ({ value: s, label: t(`case.plan.status.${s}`) })) }),
      field({ name: 'planned_end_date', label: t('case.plan.planned_end'), hint: t('case.date_hint'),
        attrs: { autocomplete: 'off', dir: 'ltr', maxlength: '10', class: 'short' } }),
      field({ name: 'provider', label: t('case.plan.provider'), attrs: { maxlength: '200' } }),
      ctx.allowed('fg.narrative.write')
        ? field({ name: 'objectives', label: t('case.plan.objectives'), type: 'textarea', attrs: { maxlength: '8000' } })
        : null,
    ], async (form, v) => {
      if (!v.type) {
        showError(form, { code: 'invalid', field: 'type' }, t('form.required'));
        return false;
      }
      if (v.planned_end_date && !APPROX_DATE.test(v.planned_end_date)) {
        showError(form, { code: 'invalid', field: 'planned_end_date' }, t('case.date_invalid'));
        return false;
      }
      const body = { type: v.type };
      for (const k of ['status', 'planned_end_date', 'provider', 'objectives']) if (v[k]) body[k] = v[k];
      await api.post(`/api/v1/cases/${c.id}/support-plans`, body);
      await load();
      return true;
    });
  }
  load();
  return section('case-plans', t('case.plans'), list, adder);
}

// --- Attachments ------------------------------------------------------------------------------

async function rawFetch(method, path, body, headers = {}) {
  const h2 = { ...headers };
  const csrf = cookie('ctis_csrf');
  if (method !== 'GET' && csrf) h2['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method, headers: h2, body, credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) {
    let err = {};
    try {
      err = (await res.json()).error || {};
    } catch {
      err = {};
    }
    throw new ApiError(res.status, err.code || 'error', err.message, err.field);
  }
  return res;
}

async function download(c, a) {
  const res = await rawFetch('GET', `/api/v1/cases/${c.id}/attachments/${a.id}`);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: a.file_name || `attachment-${a.id}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function attachmentsSection(c, ctx) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const status = h('div', { 'aria-live': 'polite' });
  const render = (items) => (items.length
    ? table(t('case.attachments'), [
      { label: t('case.att.file'), cell: (a) => sealedText(a, 'file_name') },
      { label: t('case.att.kind'), cell: (a) => t(`case.att.kind.${a.kind}`) },
      { label: t('case.att.size'), cell: (a) => `${Math.max(1, Math.round(a.size / 1024))} KiB` },
      { label: t('case.att.added'), cell: (a) => `${formatDate(a.created_at)} · ${a.author}` },
      { label: t('case.att.download'), cell: (a) => ((a.withheld || []).length ? '—' : h('button', {
        type: 'button', class: 'small secondary', 'data-attachment': String(a.id),
        onClick: async () => {
          status.replaceChildren();
          try {
            await download(c, a);
          } catch (e) {
            status.replaceChildren(errorBlock(e));
          }
        },
      }, t('case.att.download'))) },
    ], items)
    : h('p', { class: 'empty' }, t('case.attachments_none')));
  const load = loader(list, `/api/v1/cases/${c.id}/attachments`, render);
  let adder = null;
  if (ctx.allowed('case.write')) {
    const fileField = field({ name: 'file', label: t('case.att.file'), type: 'file', required: true,
      hint: t('case.att.hint'), attrs: { accept: '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.webp,.txt' } });
    adder = addForm(t('case.att.add'), [
      field({ name: 'kind', label: t('case.att.kind'), required: true,
        options: choose(KINDS.map((k) => ({ value: k, label: t(`case.att.kind.${k}`) }))) }),
      fileField,
    ], async (form, v) => {
      const file = form.elements.file.files && form.elements.file.files[0];
      if (!v.kind) {
        showError(form, { code: 'invalid', field: 'kind' }, t('form.required'));
        return false;
      }
      if (!file) {
        showError(form, { code: 'invalid', field: 'file' }, t('form.required'));
        return false;
      }
      if (file.size > MAX_BYTES) {
        showError(form, { code: 'invalid', field: 'file' }, t('case.att.too_large'));
        return false;
      }
      await rawFetch('POST', `/api/v1/cases/${c.id}/attachments?kind=${encodeURIComponent(v.kind)}`, file, {
        'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name),
      });
      await load();
      return true;
    });
  }
  load();
  return section('case-attachments', t('case.attachments'), h('div', {}, list, status), adder);
}
