// Intake: the tips of the user's agency from the public form and the helpline, newest first,
// filtered by state; open one to read it (its reading is audited), mark it triaged, dismiss it
// with a reason code, or convert it into a case (then its page opens). A form records a
// helpline call and gives the reference to read out to the caller.
import { api, request } from '../api.js';
import {
  h, page, notice, errorBlock, table, field, formValues, busy, showError, clearErrors,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';

const STATES = ['new', 'triaged', 'converted', 'dismissed'];
const REASONS = ['spam', 'duplicate', 'not_trafficking', 'insufficient_information', 'referred_elsewhere', 'other'];
const CHANNELS = ['helpline_call', 'sms', 'email', 'walk_in', 'other'];
const EXPLOITATION = ['unknown', 'labour', 'sexual', 'other'];

export async function render(ctx) {
  const state = ctx.query.get('state') || 'new';
  const status = h('div', { 'aria-live': 'polite' });
  const box = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));

  const act = async (form, fn) => {
    await busy(form, async () => {
      try {
        await fn();
      } catch (e) {
        showError(form, e);
      }
    });
  };

  function detail(tip) {
    const body = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
    const d = h('details', { class: 'tip-detail' }, h('summary', { 'data-open-tip': tip.id }, t('intake.open')), body);
    d.addEventListener('toggle', async () => {
      if (!d.open || d.dataset.loaded) return;
      d.dataset.loaded = '1';
      try {
        const x = await api.get(`/api/v1/intake/tips/${tip.id}`);
        const rows = [
          [t('intake.account'), x.account], [t('intake.location'), x.location], [t('intake.contact'), x.contact],
        ].filter(([, v]) => v);
        body.replaceChildren(h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'prewrap' }, v)])),
          x.withheld && x.withheld.length ? h('p', { class: 'hint' }, t('intake.withheld')) : null,
          actions(x));
      } catch (e) {
        body.replaceChildren(errorBlock(e));
      }
    });
    return d;
  }

  function actions(x) {
    if (x.state !== 'new' && x.state !== 'triaged') return null;
    const out = h('div', { class: 'task-actions' });
    if (x.state === 'new') {
      const f = h('form', { class: 'form inline', novalidate: true },
        h('button', { type: 'submit', class: 'small secondary', 'data-triage': x.id }, t('intake.triage')));
      f.addEventListener('submit', (ev) => {
        ev.preventDefault();
        act(f, async () => {
          await request('POST', `/api/v1/intake/tips/${x.id}/triage`);
          status.replaceChildren(notice('success', t('intake.triaged')));
          await load();
        });
      });
      out.append(f);
    }
    const conv = h('form', { class: 'form inline', novalidate: true },
      h('button', { type: 'submit', class: 'small', 'data-convert': x.id }, t('intake.convert')));
    conv.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(conv, async () => {
        const r = await request('POST', `/api/v1/intake/tips/${x.id}/convert`);
        ctx.navigate(`cases/${r.data.case_id}`);
      });
    });
    out.append(conv);
    const dis = h('form', { class: 'form inline', novalidate: true },
      field({ name: 'reason', label: t('intake.reason'),
        options: REASONS.map((r) => ({ value: r, label: t(`intake.reason.${r}`) })) }),
      h('button', { type: 'submit', class: 'small danger', 'data-dismiss': x.id }, t('intake.dismiss')));
    dis.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = formValues(dis);
      act(dis, async () => {
        await api.post(`/api/v1/intake/tips/${x.id}/dismiss`, { reason: v.reason });
        status.replaceChildren(notice('success', t('intake.dismissed')));
        await load();
      });
    });
    out.append(dis);
    return out;
  }

  function recordForm() {
    const f = h('form', { class: 'form', novalidate: true },
      field({ name: 'channel', label: t('intake.channel'), value: 'helpline_call',
        options: CHANNELS.map((c) => ({ value: c, label: t(`intake.channel.${c}`) })) }),
      field({ name: 'account', label: t('intake.account'), type: 'textarea', required: true, attrs: { maxlength: '8000' } }),
      field({ name: 'location', label: t('intake.location'), attrs: { maxlength: '500' } }),
      field({ name: 'country', label: t('report.country'), hint: t('report.country_hint'), attrs: { maxlength: '3' } }),
      field({ name: 'exploitation', label: t('report.exploitation'), value: 'unknown',
        options: EXPLOITATION.map((x) => ({ value: x, label: t(`report.exploitation.${x}`) })) }),
      field({ name: 'immediate_danger', label: t('report.danger'), type: 'checkbox' }),
      field({ name: 'anonymous', label: t('report.anonymous'), type: 'checkbox' }),
      field({ name: 'contact', label: t('intake.contact'), attrs: { maxlength: '500' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('intake.record'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      const b = { channel: v.channel, account: v.account, exploitation: v.exploitation,
        immediate_danger: Boolean(v.immediate_danger), anonymous: Boolean(v.anonymous) };
      if (v.location) b.location = v.location;
      if (v.country) b.country = v.country;
      if (v.contact && !v.anonymous) b.contact = v.contact;
      act(f, async () => {
        const r = await api.post('/api/v1/intake/tips', b);
        f.reset();
        status.replaceChildren(notice('success', t('intake.recorded'), ' ', h('strong', { dir: 'ltr', 'data-reference': '' }, r.reference)));
        await load();
      });
    });
    return h('details', { class: 'case-action' }, h('summary', {}, t('intake.record')), f);
  }

  const load = async () => {
    try {
      const r = await api.get(`/api/v1/intake/tips?state=${encodeURIComponent(state)}`);
      const items = r.items || [];
      box.replaceChildren(items.length ? table(t('intake.list'), [
        { label: t('intake.received'), cell: (x) => formatDate(x.received_at), cls: 'nowrap' },
        { label: t('intake.reference'), cell: (x) => h('span', { dir: 'ltr', 'data-tip': x.id }, x.reference), cls: 'nowrap' },
        { label: t('intake.channel'), cell: (x) => t(`intake.channel.${x.channel}`) },
        { label: t('report.exploitation'), cell: (x) => [t(`report.exploitation.${x.exploitation}`),
          x.immediate_danger ? h('span', { class: 'badge badge-overdue' }, t('intake.danger')) : null] },
        { label: t('report.country'), cell: (x) => x.country || '—' },
        { label: t('intake.state'), cell: (x) => (x.case_id
          ? h('a', { href: `#/cases/${x.case_id}` }, t('task.case_link', { id: x.case_id }))
          : t(`intake.state.${x.state}`)) },
        { label: '', cell: (x) => detail(x) },
      ], items) : h('p', { class: 'empty' }, t('intake.empty')));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  const filter = h('nav', { class: 'filters', 'aria-label': t('intake.state') },
    h('ul', { class: 'inline-list' }, STATES.map((s) => h('li', {},
      h('a', { href: `#/intake?state=${s}`, 'aria-current': s === state ? 'page' : null }, t(`intake.state.${s}`))))));
  await load();
  return page(t('intake.title'), h('p', { class: 'lead' }, t('intake.intro'), ' ',
    h('a', { href: '#/report' }, t('intake.public_form'))), filter, status, recordForm(), box);
}
