// Justice (issue 5, part J1): the investigations of the user's scope, and an investigation's
// page: its offences, suspects with the funnel (formal contact → prosecuted → convicted or
// acquitted) per offence, victims by pseudonymous reference (the name behind one only with
// justice.victim_identity, each view audited), and protection measures. Forms add each, for
// holders of justice.write.
import { api } from '../api.js';
import {
  h, page, notice, errorBlock, table, field, formValues, busy, showError, clearErrors,
} from '../dom.js';
import { t } from '../i18n.js';
import { assetsSection } from './assets.js'; // issue 5, part J5
import { entitySections } from './entities.js'; // issue 5, part J2: entities and transactions

const STATUSES = ['open', 'referred_to_prosecution', 'closed'];
const FORMS = ['sexual_exploitation', 'forced_labour', 'slavery', 'servitude', 'organ_removal', 'forced_criminality',
  'forced_begging', 'forced_marriage', 'other'];
const MODALITIES = ['commission', 'attempt', 'participation', 'organising'];
const LINKED = ['money_laundering', 'migrant_smuggling', 'document_fraud', 'corruption', 'other'];
const SEXES = ['female', 'male', 'unknown'];
const PROTECTION = ['identity_protection', 'screen', 'video_link', 'relocation', 'police_protection', 'other'];

const dash = (v) => (v === null || v === undefined || v === '' ? '—' : v);
const ltr = (v) => h('span', { dir: 'ltr' }, dash(v));

// A form in a <details> that posts its values (made by toBody) and then reloads.
function addForm(summary, fields, toBody, submit, onDone) {
  const f = h('form', { class: 'form', novalidate: true }, fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, summary)));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const v = formValues(f);
    busy(f, async () => {
      try {
        await submit(toBody(v, f));
        f.reset();
        await onDone();
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return h('details', { class: 'case-action' }, h('summary', {}, summary), f);
}

// The court decisions and cooperation requests that name this investigation (investigation_id).
async function linkedRecords(id) {
  const [cd, co] = await Promise.all([
    api.get(`/api/v1/court-decisions?investigation_id=${id}`),
    api.get(`/api/v1/coop-requests?investigation_id=${id}`),
  ]);
  const link = (href, text) => h('a', { href }, text);
  return h('section', { 'aria-labelledby': 'j-linked' }, h('h2', { id: 'j-linked' }, t('justice.linked_records')),
    h('h3', {}, t('caselaw.title')),
    (cd.items || []).length ? table(t('caselaw.title'), [
      { label: t('caselaw.date'), cell: (x) => link(`#/court-decisions/${x.id}`, x.decision_date) },
      { label: t('caselaw.court'), cell: (x) => x.court_name },
      { label: t('caselaw.case_number'), cell: (x) => x.case_number || '' },
      { label: t('caselaw.verdict'), cell: (x) => t(`caselaw.verdict.${x.verdict}`) },
    ], cd.items) : h('p', { class: 'empty' }, t('justice.no_linked_decisions')),
    h('h3', {}, t('coop.title')),
    (co.items || []).length ? table(t('coop.title'), [
      { label: t('coop.our_reference'), cell: (x) => link(`#/cooperation/${x.id}`, x.our_reference || String(x.id)) },
      { label: t('coop.kind'), cell: (x) => t(`coop.kind.${x.kind}`) },
      { label: t('coop.status'), cell: (x) => [t(`coop.status.${x.status}`), x.overdue ? h('strong', { class: 'badge' }, ` ${t('coop.overdue')}`) : null] },
      { label: t('coop.deadline'), cell: (x) => (x.deadline || '').slice(0, 10) },
    ], co.items) : h('p', { class: 'empty' }, t('justice.no_linked_requests')));
}

export async function renderList(ctx) {
  const box = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  const status = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    try {
      const r = await api.get('/api/v1/investigations');
      const items = r.items || [];
      box.replaceChildren(items.length ? table(t('justice.list'), [
        { label: t('justice.reference'), cell: (x) => h('a', { href: `#/justice/${x.id}`, dir: 'ltr', 'data-investigation': x.id }, x.reference), cls: 'nowrap' },
        { label: t('justice.opened'), cell: (x) => ltr(x.opened), cls: 'nowrap' },
        { label: t('justice.status'), cell: (x) => t(`justice.status.${x.status}`) },
        { label: t('justice.country'), cell: (x) => ltr(x.country) },
      ], items) : h('p', { class: 'empty' }, t('justice.empty')));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  const create = ctx.allowed('justice.write') ? addForm(t('justice.create'), [
    field({ name: 'reference', label: t('justice.reference'), hint: t('justice.reference_hint'), required: true, attrs: { maxlength: '64', dir: 'ltr' } }),
    field({ name: 'title', label: t('justice.title_field'), hint: t('justice.title_hint'), attrs: { maxlength: '400' } }),
    field({ name: 'opened', label: t('justice.opened'), type: 'date' }),
    field({ name: 'country', label: t('justice.country'), attrs: { maxlength: '3', dir: 'ltr' } }),
  ], (v) => {
    const b = { reference: v.reference };
    for (const k of ['title', 'opened', 'country']) if (v[k]) b[k] = v[k];
    return b;
  }, async (b) => {
    const x = await api.post('/api/v1/investigations', b);
    status.replaceChildren(notice('success', t('justice.created')));
    ctx.navigate(`justice/${x.id}`);
  }, load) : null;
  await load();
  return page(t('justice.page_title'), h('p', { class: 'lead' }, t('justice.intro')), status, create, box);
}

export async function renderDetail(ctx) {
  const id = ctx.params[0];
  const base = `/api/v1/investigations/${id}`;
  const canWrite = ctx.allowed('justice.write');
  const canIdentity = ctx.allowed('justice.victim_identity');
  const body = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  let title = t('justice.investigation');

  let generation = 0; // a reload overtaken by a later one draws nothing
  const load = async () => {
    const mine = ++generation;
    try {
      const [inv, off, sus, chg, vic, pro] = await Promise.all([
        api.get(base), api.get(`${base}/offences`), api.get(`${base}/suspects`), api.get(`${base}/charges`),
        api.get(`${base}/victims`), api.get(`${base}/protection`)]);
      title = inv.reference;
      const offences = off.items || [];
      const suspects = sus.items || [];
      const charges = chg.items || [];
      const victims = vic.items || [];
      const offenceName = (oid) => {
        const o = offences.find((x) => x.id === oid);
        return o ? `${o.article_code} (${t(`justice.form.${o.form}`)})` : oid;
      };
      const suspectName = (sid) => {
        const s = suspects.find((x) => x.id === sid);
        if (!s) return String(sid);
        return s.name || (s.name_withheld ? t('justice.withheld') : t(`justice.kind.${s.kind}`));
      };
      const stageLabel = (c) => t(`justice.stage.${c.stage}`);

      const facts = h('dl', { class: 'facts' },
        h('dt', {}, t('justice.reference')), h('dd', { dir: 'ltr' }, inv.reference),
        h('dt', {}, t('justice.title_field')), h('dd', {}, inv.title || (inv.title_withheld ? t('justice.withheld') : '—')),
        h('dt', {}, t('justice.opened')), h('dd', {}, ltr(inv.opened)),
        h('dt', {}, t('justice.status')), h('dd', { 'data-status': inv.status }, t(`justice.status.${inv.status}`)),
        h('dt', {}, t('justice.country')), h('dd', {}, ltr(inv.country)));

      let statusForm = null;
      if (canWrite) {
        statusForm = addForm(t('justice.change_status'), [
          field({ name: 'status', label: t('justice.status'), value: inv.status,
            options: STATUSES.map((s) => ({ value: s, label: t(`justice.status.${s}`) })) }),
        ], (v) => ({ status: v.status }), (b) => api.patch(base, b, inv.version), load);
      }

      const offenceSection = h('section', { 'aria-labelledby': 'j-off' }, h('h2', { id: 'j-off' }, t('justice.offences')),
        offences.length ? table(t('justice.offences'), [
          { label: t('justice.article'), cell: (x) => [h('span', { dir: 'ltr' }, x.article_code), x.article_text ? h('div', { class: 'hint' }, x.article_text) : null] },
          { label: t('justice.form'), cell: (x) => t(`justice.form.${x.form}`) },
          { label: t('justice.modality'), cell: (x) => t(`justice.modality.${x.modality}`) },
          { label: t('justice.organised_group'), cell: (x) => (x.organised_group ? t('common.yes') : t('common.no')) },
          { label: t('justice.official_involved'), cell: (x) => (x.official_involved ? t('common.yes') : t('common.no')) },
          { label: t('justice.linked_crimes'), cell: (x) => (x.linked_crimes.length ? x.linked_crimes.map((c) => t(`justice.linked.${c}`)).join(', ') : '—') },
        ], offences) : h('p', { class: 'empty' }, t('justice.no_offences')),
        canWrite ? addForm(t('justice.add_offence'), [
          field({ name: 'article_code', label: t('justice.article'), required: true, attrs: { maxlength: '64', dir: 'ltr' } }),
          field({ name: 'article_text', label: t('justice.article_text'), type: 'textarea', attrs: { maxlength: '2000' } }),
          field({ name: 'form', label: t('justice.form'), options: FORMS.map((x) => ({ value: x, label: t(`justice.form.${x}`) })) }),
          field({ name: 'modality', label: t('justice.modality'), options: MODALITIES.map((x) => ({ value: x, label: t(`justice.modality.${x}`) })) }),
          field({ name: 'organised_group', label: t('justice.organised_group'), type: 'checkbox' }),
          field({ name: 'official_involved', label: t('justice.official_involved'), type: 'checkbox' }),
          h('fieldset', {}, h('legend', {}, t('justice.linked_crimes')), LINKED.map((c) => h('label', { class: 'check' },
            h('input', { type: 'checkbox', 'data-group': 'linked', value: c }), ' ', t(`justice.linked.${c}`)))),
        ], (v, f) => {
          const b = { article_code: v.article_code, form: v.form, modality: v.modality,
            organised_group: Boolean(v.organised_group), official_involved: Boolean(v.official_involved),
            linked_crimes: [...f.querySelectorAll('input[data-group=linked]:checked')].map((x) => x.value) };
          if (v.article_text) b.article_text = v.article_text;
          return b;
        }, (b) => api.post(`${base}/offences`, b), load) : null);

      const funnelOf = (s) => charges.filter((c) => c.suspect_id === s.id).map((c) => h('li', { 'data-charge': c.id },
        offenceName(c.offence_id), ': ', t('justice.stage.contact'), ' ', ltr(c.contacted),
        c.prosecuted ? [' → ', t('justice.stage.prosecuted'), ' ', ltr(c.prosecuted)] : null,
        c.outcome ? [' → ', h('strong', {}, stageLabel(c)), ' ', ltr(c.decided)] : null));
      const suspectSection = h('section', { 'aria-labelledby': 'j-sus' }, h('h2', { id: 'j-sus' }, t('justice.suspects')),
        suspects.length ? table(t('justice.suspects'), [
          { label: t('justice.name'), cell: (x) => (x.name ? x.name : (x.name_withheld ? h('em', {}, t('justice.withheld')) : '—')) },
          { label: t('justice.kind'), cell: (x) => t(`justice.kind.${x.kind}`) },
          { label: t('justice.sex'), cell: (x) => (x.sex ? t(`justice.sex.${x.sex}`) : '—') },
          { label: t('justice.age'), cell: (x) => ltr(x.age ?? x.age_band) },
          { label: t('justice.citizenship'), cell: (x) => ltr(x.citizenship) },
          { label: t('justice.role'), cell: (x) => dash(x.role) },
          { label: t('justice.funnel'), cell: (x) => h('ul', { class: 'plain' }, funnelOf(x)) },
        ], suspects) : h('p', { class: 'empty' }, t('justice.no_suspects')),
        canWrite ? addForm(t('justice.add_suspect'), [
          field({ name: 'kind', label: t('justice.kind'), options: ['natural', 'legal'].map((x) => ({ value: x, label: t(`justice.kind.${x}`) })) }),
          field({ name: 'name', label: t('justice.name'), attrs: { maxlength: '200' } }),
          field({ name: 'sex', label: t('justice.sex'), options: [{ value: '', label: '—' }, ...SEXES.map((x) => ({ value: x, label: t(`justice.sex.${x}`) }))] }),
          field({ name: 'age', label: t('justice.age'), type: 'number', attrs: { min: '0', max: '130' } }),
          field({ name: 'citizenship', label: t('justice.citizenship'), attrs: { maxlength: '3', dir: 'ltr' } }),
        ], (v) => {
          const b = { kind: v.kind };
          if (v.name) b.name = v.name;
          if (v.sex) b.sex = v.sex;
          if (v.age) b.age = Number(v.age);
          if (v.citizenship) b.citizenship = v.citizenship;
          return b;
        }, (b) => api.post(`${base}/suspects`, b), load) : null,
        canWrite && suspects.length && offences.length ? addForm(t('justice.add_charge'), [
          field({ name: 'suspect_id', label: t('justice.suspect'), options: suspects.map((s) => ({ value: s.id, label: suspectName(s.id) })) }),
          field({ name: 'offence_id', label: t('justice.offence'), options: offences.map((o) => ({ value: o.id, label: offenceName(o.id) })) }),
          field({ name: 'contacted', label: t('justice.contacted'), type: 'date', required: true }),
          field({ name: 'prosecuted', label: t('justice.prosecuted'), type: 'date' }),
        ], (v) => {
          const b = { suspect_id: Number(v.suspect_id), offence_id: Number(v.offence_id), contacted: v.contacted };
          if (v.prosecuted) b.prosecuted = v.prosecuted;
          return b;
        }, (b) => api.post(`${base}/charges`, b), load) : null,
        canWrite && charges.length ? addForm(t('justice.record_outcome'), [
          field({ name: 'charge', label: t('justice.charge'), options: charges.map((c) => ({ value: c.id, label: `${suspectName(c.suspect_id)} — ${offenceName(c.offence_id)} (${stageLabel(c)})` })) }),
          field({ name: 'prosecuted', label: t('justice.prosecuted'), type: 'date' }),
          field({ name: 'outcome', label: t('justice.outcome'), options: [{ value: '', label: '—' }, { value: 'convicted', label: t('justice.stage.convicted') }, { value: 'acquitted', label: t('justice.stage.acquitted') }] }),
          field({ name: 'decided', label: t('justice.decided'), type: 'date' }),
        ], (v) => {
          const b = { charge: Number(v.charge) };
          if (v.prosecuted) b.prosecuted = v.prosecuted;
          if (v.outcome) { b.outcome = v.outcome; b.decided = v.decided; }
          return b;
        }, (b) => {
          const c = charges.find((x) => x.id === b.charge);
          const { charge, ...rest } = b;
          return api.patch(`${base}/charges/${charge}`, rest, c.version);
        }, load) : null);

      const identityCell = (x) => {
        if (!canIdentity) return h('span', { class: 'hint' }, t('justice.identity_restricted'));
        const out = h('span', {});
        const b = h('button', { type: 'button', class: 'small secondary', 'data-identity': x.id }, t('justice.show_identity'));
        b.addEventListener('click', async () => {
          try {
            const r = await api.get(`${base}/victims/${x.id}/identity`);
            out.replaceChildren(h('strong', {}, r.name || '—'), ' ',
              r.case_id ? h('a', { href: `#/cases/${r.case_id}` }, t('justice.open_case')) : null);
          } catch (e) {
            out.replaceChildren(errorBlock(e));
          }
        });
        out.append(b);
        return out;
      };
      const victimSection = h('section', { 'aria-labelledby': 'j-vic' }, h('h2', { id: 'j-vic' }, t('justice.victims')),
        h('p', { class: 'hint' }, t('justice.victims_hint')),
        victims.length ? table(t('justice.victims'), [
          { label: t('justice.victim_reference'), cell: (x) => h('span', { dir: 'ltr', 'data-victim': x.id }, x.reference), cls: 'nowrap' },
          { label: t('justice.victim_role'), cell: (x) => t(`justice.victim_role.${x.role}`) },
          { label: t('justice.identity'), cell: identityCell },
        ], victims) : h('p', { class: 'empty' }, t('justice.no_victims')),
        canWrite ? addForm(t('justice.link_victim'), [
          field({ name: 'case_id', label: t('justice.case_id'), type: 'number', required: true, attrs: { min: '1', dir: 'ltr' } }),
          field({ name: 'role', label: t('justice.victim_role'), options: ['victim', 'witness'].map((x) => ({ value: x, label: t(`justice.victim_role.${x}`) })) }),
        ], (v) => ({ case_id: Number(v.case_id), role: v.role }), (b) => api.post(`${base}/victims`, b), load) : null);

      const protSection = h('section', { 'aria-labelledby': 'j-pro' }, h('h2', { id: 'j-pro' }, t('justice.protection')),
        (pro.items || []).length ? table(t('justice.protection'), [
          { label: t('justice.protection_type'), cell: (x) => t(`justice.protection.${x.type}`) },
          { label: t('justice.victim_reference'), cell: (x) => ltr((victims.find((v) => v.id === x.victim_id) || {}).reference) },
          { label: t('justice.start_date'), cell: (x) => ltr(x.start_date) },
          { label: t('justice.end_date'), cell: (x) => ltr(x.end_date) },
        ], pro.items) : h('p', { class: 'empty' }, t('justice.no_protection')),
        canWrite ? addForm(t('justice.add_protection'), [
          field({ name: 'type', label: t('justice.protection_type'), options: PROTECTION.map((x) => ({ value: x, label: t(`justice.protection.${x}`) })) }),
          field({ name: 'victim_id', label: t('justice.victim_reference'), options: [{ value: '', label: t('justice.whole_proceeding') }, ...victims.map((v) => ({ value: v.id, label: v.reference }))] }),
          field({ name: 'start_date', label: t('justice.start_date'), type: 'date' }),
          field({ name: 'end_date', label: t('justice.end_date'), type: 'date' }),
        ], (v) => {
          const b = { type: v.type };
          if (v.victim_id) b.victim_id = Number(v.victim_id);
          if (v.start_date) b.start_date = v.start_date;
          if (v.end_date) b.end_date = v.end_date;
          return b;
        }, (b) => api.post(`${base}/protection`, b), load) : null);

      const linkedSection = await linkedRecords(id);
      const [entitySection, txSection] = await entitySections({ base, canWrite, suspects, suspectName, addForm, reload: load });
      const assetSection = await assetsSection({ base, canWrite, suspects, addForm, reload: load }); // part J5
      if (mine !== generation) return;
      body.replaceChildren(facts, statusForm, offenceSection, suspectSection, victimSection, protSection, entitySection, txSection, assetSection, linkedSection);
      const h1 = document.querySelector('.page h1');
      if (h1) h1.textContent = `${t('justice.investigation')} ${title}`;
    } catch (e) {
      body.replaceChildren(errorBlock(e));
    }
  };
  await load();
  return page(`${t('justice.investigation')} ${title}`, h('p', {}, h('a', { href: '#/justice' }, t('justice.back'))), body);
}
