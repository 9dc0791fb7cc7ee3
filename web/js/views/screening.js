// Screening page of a case (#/cases/{id}/screening): the structured identification interview,
// grouped by Protocol element (acts, means, purposes) and by ILO/EC dimension (with grade badges
// and a banner for unverified sets), an evidence note per answer, a live preview of the
// recommendation with its explanation (POST /api/v1/screening/evaluate, nothing stored), saving,
// and the past screenings with the worker's decision. The server decides everything shown here;
// the page only collects answers and explains the result.
import { api } from '../api.js';
import {
  h, field, showError, clearErrors, busy, notice, errorBlock, table,
} from '../dom.js';
import { t, formatDate, currentLang as lang } from '../i18n.js';

const ELEMENTS = {
  acts: ['recruitment', 'transportation', 'transfer', 'harbouring', 'receipt'],
  means: ['threat_force', 'coercion', 'abduction', 'fraud', 'deception', 'abuse_of_power',
    'abuse_of_vulnerability', 'payments'],
  purposes: ['sexual_exploitation', 'forced_labour', 'slavery', 'servitude', 'organ_removal',
    'other_exploitation'],
};
const DIMENSIONS = ['deceptive_recruitment', 'coercive_recruitment', 'recruitment_vulnerability',
  'exploitation', 'coercion_destination', 'vulnerability_destination'];
const ANSWERS = ['', 'yes', 'no', 'unknown'];
const EXPLOITATIONS = ['labour', 'sexual'];

// A list in the page's language ("act and purpose", "الفعل والغرض").
function listOf(items) {
  try {
    return new Intl.ListFormat(lang(), { style: 'long', type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

// A translated code, or the code itself when the catalogue has none.
function tr(key, fallback) {
  const s = t(key);
  return s === key ? String(fallback ?? key) : s;
}

// One answer: a select and (with fg.narrative.write) an evidence note.
function answerRow(name, label, extra, canEvidence, onChange) {
  const sel = field({
    name: `a:${name}`, label,
    options: ANSWERS.map((a) => ({ value: a, label: t(`screening.answer.${a || 'none'}`) })),
  });
  const row = h('div', { class: 'screening-answer', 'data-answer': name }, extra, sel);
  if (canEvidence) {
    const ev = field({ name: `e:${name}`, label: `${t('screening.evidence')}: ${label}`, type: 'textarea',
      attrs: { maxlength: '2000', class: 'evidence' } });
    ev.hidden = true;
    sel.querySelector('select').addEventListener('change', (e) => {
      ev.hidden = e.target.value === '';
    });
    row.append(ev);
  }
  row.addEventListener('change', onChange);
  row.addEventListener('input', onChange);
  return row;
}

function gradeBadge(grade) {
  return h('span', { class: `badge grade-${grade}`, 'data-grade': grade }, t(`screening.grade.${grade}`));
}

// The answers of the form as the API's answers document.
function collect(form, subject, sets) {
  const doc = { exploitation: [], protocol: { acts: {}, means: {}, purposes: {} }, indicators: {} };
  for (const x of EXPLOITATIONS) {
    if (form.elements[`ex:${x}`] && form.elements[`ex:${x}`].checked) doc.exploitation.push(x);
  }
  if (!doc.exploitation.length) doc.exploitation.push('labour');
  doc.presumed_minor = Boolean(form.elements.presumed_minor && form.elements.presumed_minor.checked);
  const country = (form.elements.country && form.elements.country.value.trim().toUpperCase()) || '';
  doc.country = country;
  const read = (key) => {
    const sel = form.elements[`a:${key}`];
    if (!sel || !sel.value) return null;
    const ev = form.elements[`e:${key}`];
    const evidence = ev ? ev.value.trim() : '';
    return evidence ? { answer: sel.value, evidence } : sel.value;
  };
  for (const [el, codes] of Object.entries(ELEMENTS)) {
    for (const c of codes) {
      const a = read(`p:${el}:${c}`);
      if (a) doc.protocol[el][c] = a;
    }
  }
  for (const s of sets) {
    const m = {};
    for (const it of s.indicators || []) {
      const a = read(`i:${s.code}:${it.code}`);
      if (a) m[it.code] = a;
    }
    if (Object.keys(m).length) doc.indicators[s.code] = m;
  }
  return doc;
}

// The explanation of a result (preview or stored), codes translated.
export function explanationNode(x) {
  if (!x || !x.result) return h('p', { class: 'empty' }, t('common.none'));
  const by = x.decided_by || {};
  const elems = x.elements || {};
  const parts = [
    h('p', { class: 'screening-result' },
      h('span', { class: `badge result-${x.result}`, 'data-result': x.result }, t(`screening.result.${x.result}`)),
      ' ', t('screening.person_decides')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('screening.population')),
      h('dd', { 'data-population': x.population },
        `${t(`screening.population.${x.population}`)} (${tr(`screening.reason.${x.population_reason}`, x.population_reason)})`),
      h('dt', {}, t('screening.decided_by')),
      h('dd', { 'data-rule': by.rule }, tr(`screening.rule.${by.rule}`, by.rule),
        (by.elements || []).length ? `: ${listOf((by.elements || []).map((e) => t(`screening.elem.${e}`)))}` : ''),
      (by.missing || []).length ? h('dt', {}, t('screening.missing')) : null,
      (by.missing || []).length ? h('dd', { 'data-missing': by.missing.join(' ') },
        listOf(by.missing.map((e) => t(`screening.elem.${e}`)))) : null),
    h('ul', { class: 'screening-elements' }, ['act', 'means', 'purpose'].map((e) => {
      const el = elems[e] || {};
      return h('li', { 'data-element': e, 'data-met': el.met ? 'yes' : 'no' },
        `${t(`screening.elem.${e}`)}: ${el.met ? t('screening.met') : t('screening.not_met')}`,
        (el.by || []).length ? ` (${listOf(el.by.map((c) => tr(`screening.code.${c}`, c)))})` : '',
        el.required === false ? ` – ${t('screening.not_required')}` : '');
    })),
  ];
  for (const s of x.sets || []) {
    parts.push(h('div', { class: 'screening-set-result', 'data-set': s.code },
      h('p', {}, t('screening.set_state', {
        code: `${s.code} v${s.version}`, state: s.positive ? t('screening.positive') : t('screening.not_positive'),
      })),
      h('ul', {}, (s.dimensions || []).filter((d) => d.indicators_in_set > 0).map((d) => h('li', {
        'data-dimension': d.code, 'data-positive': d.positive ? 'yes' : 'no',
      }, `${t(`screening.dim.${d.code}`)}: `,
      t('screening.counts', { s: d.counts.strong, m: d.counts.medium, w: d.counts.weak }),
      ` – ${d.positive ? t('screening.positive') : t('screening.not_positive')}`)))));
  }
  const notes = (x.notes || []).map((n) => h('li', { 'data-note': n.code },
    n.code === 'no_set'
      ? t('screening.note.no_set', {
        population: t(`screening.population.${n.population}`),
        exploitation: t(`screening.exploitation.${n.exploitation}`),
        country: n.country || '—',
      })
      : t('screening.note.unverified_set', { set: n.set, version: n.version })));
  if (notes.length) parts.push(h('div', {}, h('h3', {}, t('screening.notes')), h('ul', {}, notes)));
  return h('div', { class: 'screening-explanation' }, ...parts);
}

function decisionForm(c, s, reload) {
  const f = h('form', { class: 'form inline', novalidate: true, 'data-decide': s.id },
    field({ name: 'decision', label: t('screening.decision'), required: true,
      options: [{ value: 'agree', label: t('screening.decision.agree') },
        { value: 'disagree', label: t('screening.decision.disagree') }] }),
    field({ name: 'reason', label: t('screening.reason'), type: 'textarea', attrs: { maxlength: '2000' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('screening.decide'))));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const body = { decision: f.elements.decision.value };
    const reason = f.elements.reason.value.trim();
    if (reason) body.reason = reason;
    busy(f, async () => {
      try {
        await api.post(`/api/v1/cases/${c}/screenings/${s.id}/decision`, body, { ifMatch: s.version });
        await reload(t('screening.decided'));
      } catch (e) {
        showError(f, e);
      }
    });
  });
  return f;
}

function pastSection(caseId, items, reload) {
  if (!items.length) return h('p', { class: 'empty' }, t('common.none'));
  return h('div', {},
    table(t('screening.past'), [
      { label: t('screening.at'), cell: (s) => formatDate(s.at), cls: 'nowrap' },
      { label: t('screening.by'), cell: (s) => s.by },
      { label: t('screening.population'), cell: (s) => t(`screening.population.${s.population}`) },
      { label: t('screening.result'), cell: (s) => h('span', { 'data-result': s.result }, t(`screening.result.${s.result}`)) },
      { label: t('screening.decision'), cell: (s) => (s.decision
        ? `${t(`screening.decision.${s.decision.decision}`)}${s.decision.reason ? `: ${s.decision.reason}` : ''}`
        : t('screening.decision.none')) },
    ], items),
    ...items.map((s) => h('details', { class: 'case-action', 'data-screening': s.id },
      h('summary', {}, `${formatDate(s.at)} – ${t(`screening.result.${s.result}`)}`),
      explanationNode(s.explanation),
      s.answers_withheld ? h('p', { class: 'hint' }, t('screening.withheld')) : null,
      !s.decision && reload.canWrite ? decisionForm(caseId, s, reload) : null)));
}

export async function render(ctx) {
  const id = ctx.params[0];
  const canWrite = ctx.allowed('case.write');
  const canEvidence = ctx.allowed('fg.narrative.write');
  const status = h('div', { 'aria-live': 'polite' });
  const pastBox = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  const setsBox = h('div', { class: 'screening-sets' });
  const preview = h('div', { class: 'screening-preview', 'aria-live': 'polite', 'data-preview': '' });
  const setCache = new Map();
  let subject = { age: null, majority_status: null, country: '' };
  let sets = [];

  const reload = async (message) => {
    if (message) status.replaceChildren(notice('success', message));
    try {
      const data = await api.get(`/api/v1/cases/${id}/screenings`);
      subject = data.subject || subject;
      pastBox.replaceChildren(pastSection(id, data.items || [], reload));
      return data;
    } catch (e) {
      pastBox.replaceChildren(errorBlock(e));
      return null;
    }
  };
  reload.canWrite = canWrite;

  const form = h('form', { class: 'form screening-form', novalidate: true });
  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  };

  // Draws the indicator groups of the sets in use (kept when they do not change).
  async function drawSets(used) {
    const key = used.map((s) => s.id).join(',');
    if (setsBox.dataset.key === key) return;
    const full = await Promise.all(used.map(async (s) => {
      if (!setCache.has(s.id)) setCache.set(s.id, await api.get(`/api/v1/indicator-sets/${s.id}?lang=${encodeURIComponent(lang())}`));
      return setCache.get(s.id);
    }));
    sets = full;
    setsBox.dataset.key = key;
    setsBox.replaceChildren(...full.map((s) => h('section', { class: 'card', 'data-indicator-set': s.code },
      h('h2', {}, t('screening.indicators', { title: s.title })),
      s.verified ? null : notice('warning', h('strong', {}, t('screening.unverified')), ' ',
        h('details', {}, h('summary', {}, t('screening.source')), h('p', { lang: 'en', dir: 'ltr' }, s.source))),
      ...DIMENSIONS.map((d) => {
        const items = (s.indicators || []).filter((i) => i.dimension === d);
        if (!items.length) return null;
        return h('fieldset', { class: 'screening-dimension', 'data-dimension': d },
          h('legend', {}, t(`screening.dim.${d}`)),
          ...items.map((it) => {
            const local = it.label_local || (it.labels && it.labels[lang()]);
            const label = local || it.label;
            const extra = h('p', { class: 'indicator-label' }, gradeBadge(it.grade), ' ',
              local || lang() === 'en' ? null : h('span', { class: 'hint' }, t('screening.label_english')));
            return answerRow(`i:${s.code}:${it.code}`, label, extra, canEvidence, schedule);
          }));
      }))));
  }

  async function update() {
    const doc = collect(form, subject, sets);
    const body = { ...doc, age: subject.age, majority_status: subject.majority_status || null };
    try {
      let r;
      try {
        r = await api.post('/api/v1/screening/evaluate', body);
      } catch (e) {
        // The population or country changed: the answered set is no longer the one in use.
        if (!(e.field && e.field.startsWith('/indicators/'))) throw e;
        r = await api.post('/api/v1/screening/evaluate', { ...body, indicators: {} });
      }
      await drawSets(r.sets || []);
      preview.replaceChildren(explanationNode(r.explanation));
    } catch (e) {
      preview.replaceChildren(errorBlock(e));
    }
  }

  const data = await reload();
  const subjectBox = h('section', { class: 'card', 'aria-labelledby': 'scr-subject' },
    h('h2', { id: 'scr-subject' }, t('screening.subject')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('screening.age')), h('dd', { 'data-age': '' }, subject.age ?? t('screening.unknown')),
      h('dt', {}, t('screening.majority')),
      h('dd', {}, subject.majority_status ? tr(`screening.majority.${subject.majority_status}`, subject.majority_status) : t('screening.unknown'))),
    field({ name: 'presumed_minor', label: t('screening.presumed_minor'), type: 'checkbox' }),
    h('fieldset', {}, h('legend', {}, t('screening.exploitation')),
      ...EXPLOITATIONS.map((x) => field({ name: `ex:${x}`, label: t(`screening.exploitation.${x}`), type: 'checkbox',
        value: x === 'labour' }))),
    field({ name: 'country', label: t('screening.country'), value: (data && data.subject && data.subject.country) || '',
      attrs: { maxlength: '3', dir: 'ltr', class: 'short', autocomplete: 'off' } }));
  subjectBox.addEventListener('change', schedule);
  subjectBox.addEventListener('input', schedule);

  const protocolBox = h('section', { class: 'card', 'aria-labelledby': 'scr-protocol' },
    h('h2', { id: 'scr-protocol' }, t('screening.protocol')),
    ...Object.entries(ELEMENTS).map(([el, codes]) => h('fieldset', { class: 'screening-element', 'data-element': el },
      h('legend', {}, t(`screening.element.${el}`)),
      ...codes.map((c) => answerRow(`p:${el}:${c}`, t(`screening.code.${c}`), null, canEvidence, schedule)))));

  const save = h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-save': '' }, t('screening.save')));
  form.append(subjectBox, protocolBox, setsBox, save);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const doc = collect(form, subject, sets);
    busy(form, async () => {
      try {
        await api.post(`/api/v1/cases/${id}/screenings`, doc);
        await reload(t('screening.saved'));
        status.querySelector('.notice')?.focus?.();
      } catch (e) {
        showError(form, e);
      }
    });
  });
  if (canWrite) update();

  return h('div', { class: 'page screening-page' },
    h('p', { class: 'crumb' }, h('a', { href: `#/cases/${id}` }, t('screening.back'))),
    h('h1', { tabindex: '-1' }, t('screening.title', { id })),
    h('p', { class: 'hint' }, t('screening.intro')),
    status,
    // On wide screens the preview stays in view beside the long form.
    // Readers who may not record a screening see the past ones only.
    canWrite ? h('div', { class: 'screening-layout' }, form,
      h('section', { class: 'card screening-aside', 'aria-labelledby': 'scr-preview', tabindex: '0' },
        h('h2', { id: 'scr-preview' }, t('screening.preview')), preview)) : null,
    h('section', { class: 'card', 'aria-labelledby': 'scr-past' },
      h('h2', { id: 'scr-past' }, t('screening.past')), pastBox));
}
