// Report: the public tip form, reachable without an account (#/report), usable on a phone. It
// fetches a signed form token, shows the helpline number, and sends the tip; the answer is only
// a reference the tipster may quote when calling the helpline. The "website" field is a honeypot
// hidden from people (and from assistive technology): it must stay empty.
import { api } from '../api.js';
import {
  h, field, page, notice, showError, clearErrors, busy, formValues, errorBlock,
} from '../dom.js';
import { t, currentLang } from '../i18n.js';

const EXPLOITATION = ['unknown', 'labour', 'sexual', 'other'];

export async function render() {
  let form;
  let info;
  try {
    form = await api.get('/api/v1/public/tips/form');
  } catch (e) {
    return page(t('report.title'), errorBlock(e));
  }
  const status = h('div', { 'aria-live': 'polite' });
  const helpline = form.helpline
    ? h('p', { class: 'notice notice-info report-helpline' }, t('report.helpline'), ' ',
      h('a', { href: `tel:${form.helpline.replace(/[^0-9+]/g, '')}`, dir: 'ltr', 'data-helpline': '' }, form.helpline))
    : null;
  const honeypot = h('div', { class: 'report-hp visually-hidden', 'aria-hidden': 'true' },
    h('label', { for: 'report-website' }, 'Website'),
    h('input', { id: 'report-website', name: 'website', type: 'text', tabindex: '-1', autocomplete: 'off' }));
  const f = h('form', { class: 'form narrow', novalidate: true },
    field({ name: 'account', label: t('report.account'), type: 'textarea', required: true,
      hint: t('report.account_hint'), attrs: { maxlength: '8000' } }),
    field({ name: 'location', label: t('report.location'), attrs: { maxlength: '500' } }),
    field({ name: 'country', label: t('report.country'), hint: t('report.country_hint'),
      attrs: { maxlength: '3', autocapitalize: 'characters' } }),
    field({ name: 'exploitation', label: t('report.exploitation'), value: 'unknown',
      options: EXPLOITATION.map((x) => ({ value: x, label: t(`report.exploitation.${x}`) })) }),
    field({ name: 'immediate_danger', label: t('report.danger'), type: 'checkbox' }),
    field({ name: 'anonymous', label: t('report.anonymous'), type: 'checkbox' }),
    field({ name: 'contact', label: t('report.contact'), hint: t('report.contact_hint'),
      attrs: { maxlength: '500', autocomplete: 'off' } }),
    honeypot,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('report.submit'))));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    if (!v.account) {
      showError(f, { code: 'invalid', field: 'account' }, t('report.account_missing'));
      return;
    }
    const body = {
      form_token: form.form_token,
      account: v.account,
      exploitation: v.exploitation || 'unknown',
      immediate_danger: Boolean(v.immediate_danger),
      anonymous: Boolean(v.anonymous),
      language: currentLang(),
    };
    if (v.location) body.location = v.location;
    if (v.country) body.country = v.country;
    if (v.contact && !v.anonymous) body.contact = v.contact;
    if (f.elements.website.value) body.website = f.elements.website.value;
    await busy(f, async () => {
      try {
        const r = await api.post('/api/v1/public/tips', body);
        info = r.reference;
        f.hidden = true;
        status.replaceChildren(notice('success', t('report.thanks'), ' ',
          h('strong', { dir: 'ltr', 'data-reference': '' }, info), ' ', t('report.reference_hint')),
        body.immediate_danger && form.helpline ? notice('warning', t('report.call_now'), ' ', form.helpline) : null);
        status.querySelector('.notice')?.setAttribute('tabindex', '-1');
        status.querySelector('.notice')?.focus();
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return page(t('report.title'), h('p', { class: 'lead' }, t('report.intro')), helpline, status, f,
    h('p', { class: 'hint' }, t('report.privacy')));
}
