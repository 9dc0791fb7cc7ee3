// Agencies: the list, the create form (name, HTCDS organisation type, ISO 3166-1 alpha-3
// country) and the edit page (If-Match on the version).
import { api } from '../api.js';
import {
  h, field, page, showError, clearErrors, busy, formValues, table, notice,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';
import * as lookups from '../lookups.js';

const COUNTRY_RE = /^[A-Z]{3}$/;

function agencyFields(a = {}) {
  return [
    field({ name: 'name', label: t('agency.name'), required: true, value: a.name,
      attrs: { maxlength: '200', autocomplete: 'organization' } }),
    field({ name: 'org_type', label: t('agency.org_type'), required: true, value: a.org_type,
      options: lookups.choose(lookups.orgTypeOptions()) }),
    field({ name: 'country', label: t('agency.country'), required: true, value: a.country,
      hint: t('agency.country_hint'),
      attrs: { maxlength: '3', pattern: '[A-Za-z]{3}', autocapitalize: 'characters', spellcheck: 'false',
        class: 'short', dir: 'ltr' } }),
  ];
}

// Checks the fields the browser can check; returns the body or null after showing an error.
function agencyBody(form) {
  const v = formValues(form);
  v.country = v.country.toUpperCase();
  for (const name of ['name', 'org_type', 'country']) {
    if (!v[name]) {
      showError(form, { code: 'invalid', field: name }, t('form.required'));
      return null;
    }
  }
  if (!COUNTRY_RE.test(v.country)) {
    showError(form, { code: 'invalid', field: 'country' }, t('agency.country_hint'));
    return null;
  }
  return { name: v.name, org_type: v.org_type, country: v.country };
}

export async function renderList(ctx) {
  const data = await api.get('/api/v1/agencies');
  const items = (data && data.items) || [];
  const list = items.length ? table(t('agencies.list'), [
    { label: t('agency.name'), cell: (a) => h('a', { href: `#/agencies/${a.id}` }, a.name) },
    { label: t('agency.org_type'), cell: (a) => lookups.orgTypeLabel(a.org_type) },
    { label: t('agency.country'), cell: (a) => a.country || '—' },
    { label: t('common.status'), cell: (a) => (a.disabled ? t('common.disabled') : t('common.active')) },
    { label: t('common.created'), cell: (a) => formatDate(a.created_at) },
  ], items) : h('p', { class: 'empty' }, t('common.none'));
  return page(t('agencies.title'),
    ctx.allowed('agency.manage')
      ? h('p', { class: 'actions' }, h('a', { href: '#/agencies/new', class: 'button primary' }, t('agencies.new'))) : null,
    list);
}

export async function renderNew(ctx) {
  const form = h('form', { class: 'form', novalidate: true }, ...agencyFields(),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('agencies.create')),
      h('a', { href: '#/agencies', class: 'button secondary' }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = agencyBody(form);
    if (!body) return;
    await busy(form, async () => {
      try {
        await api.post('/api/v1/agencies', body);
        ctx.navigate('agencies');
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return page(t('agencies.new'), form);
}

export async function renderDetail(ctx) {
  const id = ctx.params[0];
  let { data: a, version } = await api.getWithVersion(`/api/v1/agencies/${id}`);
  const title = h('h1', { tabindex: '-1' }, a.name);
  const flash = h('div', { 'aria-live': 'polite' });
  const disabled = field({ name: 'disabled', label: t('agency.disabled'), type: 'checkbox', value: a.disabled });
  const form = h('form', { class: 'form', novalidate: true }, ...agencyFields(a), disabled,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    flash.replaceChildren();
    const body = agencyBody(form);
    if (!body) return;
    body.disabled = form.elements.disabled.checked;
    await busy(form, async () => {
      try {
        const updated = await api.patch(`/api/v1/agencies/${id}`, body, version);
        if (updated && updated.version !== undefined) {
          a = updated;
          version = updated.version;
        } else {
          ({ data: a, version } = await api.getWithVersion(`/api/v1/agencies/${id}`));
        }
        title.textContent = a.name;
        flash.replaceChildren(notice('success', t('common.saved')));
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return h('div', { class: 'page' },
    h('p', { class: 'crumb' }, h('a', { href: '#/agencies' }, t('agencies.back'))),
    title, flash,
    h('dl', { class: 'facts' }, h('dt', {}, t('common.created')), h('dd', {}, formatDate(a.created_at))),
    form);
}
