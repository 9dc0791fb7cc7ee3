// Pathway and child safeguards sections of the case page. The pathway: the stages as a stepper
// (the current one marked aria-current="step"), the next steps as buttons that open a form with
// the facts each needs, the not-a-victim decision, the reflection period with its end date and an
// extension form, and the log of every step. The child safeguards (shown for a child's case, or
// as a "presume minority" form for a writer): presumption, age assessment, child-friendly
// interview, guardians and best-interests records. The server enforces every rule; the forms
// only ask for what it needs.
import { api } from '../api.js';
import {
  h, field, showError, clearErrors, busy, formValues, notice, errorBlock, table,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';

export const STAGES = ['first_contact', 'screening', 'reasonable_grounds', 'reflection', 'identified', 'assistance',
  'residence', 'inclusion', 'return', 'proceedings', 'closed', 'follow_up'];
const DECISION_ORGS = ['Police', 'NGO', 'CourtOrProsecution', 'NonPoliceGovernmentalOrganization', 'Other'];
const REFERRAL_REASONS = ['AdditionalServicesRequired', 'MigrationOrChangeOfLocation', 'Other'];
const SOLUTIONS = ['return', 'local_integration', 'third_country_resettlement'];

const stageLabel = (s) => t(`pathway.stage.${s}`);
const orgOptions = () => [{ value: '', label: '—' }, ...DECISION_ORGS.map((o) => ({ value: o, label: t(`pathway.org.${o}`) }))];

// The facts a move to stage needs, as form fields.
function factFields(stage) {
  switch (stage) {
    case 'reasonable_grounds':
      return [field({ name: 'decision_date', label: t('pathway.decision_date'), type: 'date' }),
        field({ name: 'screening_id', label: t('pathway.screening_id'), type: 'number', attrs: { min: '1' } })];
    case 'reflection':
      return [field({ name: 'no_removal', label: t('pathway.no_removal'), type: 'checkbox', value: true }),
        field({ name: 'no_removal_reason', label: t('pathway.no_removal_reason'), type: 'textarea',
          hint: t('pathway.no_removal_hint') })];
    case 'identified':
      return [field({ name: 'decided_by', label: t('pathway.decided_by'), options: orgOptions(), required: true }),
        field({ name: 'decision_date', label: t('pathway.decision_date'), type: 'date' })];
    case 'return':
      return [field({ name: 'voluntary', label: t('pathway.voluntary'), type: 'checkbox' }),
        field({ name: 'risk_level', label: t('pathway.risk_level'), required: true, options: [{ value: '', label: '—' },
          ...['low', 'medium', 'high'].map((l) => ({ value: l, label: t(`pathway.risk.${l}`) }))] }),
        field({ name: 'risk_assessed_on', label: t('pathway.risk_assessed_on'), type: 'date', required: true })];
    case 'follow_up':
      return [field({ name: 'follow_up_date', label: t('pathway.follow_up_date'), type: 'date', required: true })];
    case 'assistance':
      return [h('p', { class: 'hint' }, t('pathway.assistance_hint'))];
    default:
      return [];
  }
}

// The body of a move from the form's values.
function moveBody(stage, v) {
  const b = { to: stage, reason: v.reason };
  if (v.decision_date) b.decision_date = v.decision_date;
  if (v.screening_id) b.screening_id = Number(v.screening_id);
  if (v.decided_by) b.decided_by = v.decided_by;
  if (stage === 'reflection') {
    b.no_removal = Boolean(v.no_removal);
    if (v.no_removal_reason) b.no_removal_reason = v.no_removal_reason;
  }
  if (stage === 'return') {
    b.voluntary = Boolean(v.voluntary);
    if (v.risk_level) b.risk_level = v.risk_level;
    if (v.risk_assessed_on) b.risk_assessed_on = v.risk_assessed_on;
  }
  if (v.follow_up_date) b.follow_up_date = v.follow_up_date;
  return b;
}

function stepper(p) {
  const at = STAGES.indexOf(p.stage);
  return h('ol', { class: 'stepper', 'aria-label': t('pathway.stages') },
    STAGES.map((s, i) => h('li', {
      class: i === at ? 'step current' : (i < at ? 'step done' : 'step'),
      'aria-current': i === at ? 'step' : null,
      'data-stage': s,
    }, stageLabel(s))));
}

function reflectionBlock(p) {
  const r = p.reflection;
  if (!r) return null;
  return h('dl', { class: 'pathway-reflection' },
    h('dt', {}, t('pathway.reflection_period')),
    h('dd', {}, t('pathway.reflection_range', { start: r.start, end: r.end, days: r.days })),
    h('dt', {}, t('pathway.reflection_end')),
    h('dd', { 'data-reflection-end': r.end }, r.end, r.active ? '' : ` (${t('pathway.reflection_over')})`),
    h('dt', {}, t('pathway.no_removal')),
    h('dd', {}, r.no_removal ? t('common.yes') : t('common.no')),
    r.extensions ? h('dt', {}, t('pathway.extensions')) : null,
    r.extensions ? h('dd', {}, String(r.extensions)) : null);
}

export function pathwaySection(c, ctx) {
  const box = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  const status = h('div', { 'aria-live': 'polite' });
  const canWrite = ctx.allowed('case.write');
  let version = 0;
  const post = async (path, body, form, message) => {
    await busy(form, async () => {
      try {
        await api.post(`/api/v1/cases/${c.id}/pathway/${path}`, body, { ifMatch: version });
        status.replaceChildren(notice('success', message));
        await load();
      } catch (e) {
        showError(form, e);
      }
    });
  };
  function moveForm(stage) {
    const f = h('form', { class: 'form', novalidate: true, 'data-move': stage },
      ...factFields(stage),
      field({ name: 'reason', label: t('pathway.reason'), type: 'textarea', required: true,
        attrs: { maxlength: '4000' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('pathway.move_to', { stage: stageLabel(stage) }))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      post('transition', moveBody(stage, formValues(f)), f, t('pathway.moved', { stage: stageLabel(stage) }));
    });
    return h('details', { class: 'case-action' }, h('summary', {}, t('pathway.move_to', { stage: stageLabel(stage) })), f);
  }
  function notVictimForm() {
    const f = h('form', { class: 'form', novalidate: true, 'data-not-victim': '' },
      field({ name: 'decided_by', label: t('pathway.decided_by'), options: orgOptions(), required: true }),
      field({ name: 'decision_date', label: t('pathway.decision_date'), type: 'date' }),
      field({ name: 'referred_to', label: t('pathway.referred_to'), required: true, attrs: { maxlength: '200' } }),
      field({ name: 'referral_reason', label: t('pathway.referral_reason'), required: true,
        options: [{ value: '', label: '—' }, ...REFERRAL_REASONS.map((r) => ({ value: r, label: t(`pathway.referral.${r}`) }))] }),
      field({ name: 'reason', label: t('pathway.reason'), type: 'textarea', required: true, attrs: { maxlength: '4000' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, t('pathway.not_victim'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      const b = { decided_by: v.decided_by, reason: v.reason, referred_to: v.referred_to, referral_reason: v.referral_reason };
      if (v.decision_date) b.decision_date = v.decision_date;
      post('not-victim', b, f, t('pathway.not_victim_done'));
    });
    return h('details', { class: 'case-action' }, h('summary', {}, t('pathway.not_victim')), f);
  }
  function extendForm() {
    const f = h('form', { class: 'form', novalidate: true, 'data-extend': '' },
      field({ name: 'days', label: t('pathway.extend_days'), type: 'number', required: true, attrs: { min: '1', max: '365' } }),
      field({ name: 'reason', label: t('pathway.reason'), type: 'textarea', required: true, attrs: { maxlength: '4000' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('pathway.extend'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      post('reflection/extend', { days: Number(v.days), reason: v.reason }, f, t('pathway.extended'));
    });
    return h('details', { class: 'case-action' }, h('summary', {}, t('pathway.extend')), f);
  }
  function noRemovalForm(current) {
    const f = h('form', { class: 'form', novalidate: true, 'data-no-removal': '' },
      field({ name: 'no_removal', label: t('pathway.no_removal'), type: 'checkbox', value: current }),
      field({ name: 'reason', label: t('pathway.reason'), type: 'textarea', hint: t('pathway.no_removal_hint'),
        attrs: { maxlength: '4000' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('pathway.set_no_removal'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      post('reflection/no-removal', { no_removal: v.no_removal, reason: v.reason || undefined }, f, t('pathway.saved'));
    });
    return h('details', { class: 'case-action' }, h('summary', {}, t('pathway.set_no_removal')), f);
  }
  const load = async () => {
    try {
      const r = await api.getWithVersion(`/api/v1/cases/${c.id}/pathway`);
      const p = r.data;
      version = r.version ?? p.version ?? 0;
      const parts = [
        stepper(p),
        h('p', { class: 'pathway-current' }, t('pathway.current', { stage: stageLabel(p.stage) }),
          p.since ? ` — ${formatDate(p.since)}` : ''),
        reflectionBlock(p),
        p.identification ? h('p', {}, t('pathway.decision', {
          status: t(`pathway.status.${p.identification}`), org: p.decided_by ? t(`pathway.org.${p.decided_by}`) : '—',
          date: p.decision_date || '—',
        })) : null,
        p.exit ? h('p', {}, t('pathway.exit_not_victim', { org: p.referred_to || '—' })) : null,
      ];
      if (canWrite) {
        if (p.next.length) {
          parts.push(h('h3', {}, t('pathway.next')));
          parts.push(...p.next.map(moveForm));
        }
        if (p.not_victim_allowed) parts.push(notVictimForm());
        if (p.reflection && p.reflection.active) parts.push(extendForm(), noRemovalForm(p.reflection.no_removal));
      }
      parts.push(h('details', { class: 'case-action' }, h('summary', {}, t('pathway.log')),
        p.log.length ? table(t('pathway.log'), [
          { label: t('case.history.at'), cell: (e) => formatDate(e.at), cls: 'nowrap' },
          { label: t('pathway.actor'), cell: (e) => e.actor },
          { label: t('pathway.step'), cell: (e) => (e.from === e.to ? t(`pathway.action.${e.action}`)
            : `${stageLabel(e.from)} → ${stageLabel(e.to)}`) },
          { label: t('pathway.reason'), cell: (e) => e.reason || '—' },
        ], p.log) : h('p', { class: 'empty' }, t('common.none'))));
      box.replaceChildren(...parts.filter(Boolean));
    } catch (e) {
      box.replaceChildren(errorBlock(e));
    }
  };
  load();
  return h('section', { class: 'card', id: 'pathway', 'aria-labelledby': 'case-pathway' },
    h('h2', { id: 'case-pathway' }, t('pathway.title')), status, box);
}

export function childSection(c, ctx) {
  const box = h('div', { 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite' });
  const canWrite = ctx.allowed('case.write');
  const section = h('section', { class: 'card', 'aria-labelledby': 'case-child', hidden: true },
    h('h2', { id: 'case-child' }, t('child.title')), status, box);
  const send = async (method, path, body, form, message) => {
    await busy(form, async () => {
      try {
        if (method === 'PUT') await api.put(`/api/v1/cases/${c.id}/child${path}`, body);
        else await api.post(`/api/v1/cases/${c.id}/child${path}`, body);
        status.replaceChildren(notice('success', message));
        await load();
      } catch (e) {
        showError(form, e);
      }
    });
  };
  const formOf = (label, fields, onSubmit, attrs = {}) => {
    const f = h('form', { class: 'form', novalidate: true, ...attrs }, ...fields,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, label)));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      onSubmit(formValues(f), f);
    });
    return h('details', { class: 'case-action' }, h('summary', {}, label), f);
  };
  const endButton = (g) => {
    const f = h('form', { class: 'form inline', novalidate: true },
      h('button', { type: 'submit', 'data-end-guardian': g.id }, t('child.end_guardian')));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      send('POST', `/guardians/${g.id}/end`, {}, f, t('child.saved'));
    });
    return f;
  };
  const presumeForm = () => formOf(t('child.presume'), [
    field({ name: 'reason', label: t('pathway.reason'), type: 'textarea', required: true })],
  (v, f) => send('PUT', '', { presume_minor: true, reason: v.reason }, f, t('child.saved')), { 'data-presume': '' });
  const load = async () => {
    try {
      const x = await api.get(`/api/v1/cases/${c.id}/child`);
      if (!x.is_child && !canWrite) {
        section.hidden = true;
        return;
      }
      section.hidden = false;
      if (!x.is_child) {
        box.replaceChildren(h('p', { class: 'hint' }, t('child.not_child')), presumeForm());
        return;
      }
      const parts = [
        h('dl', {},
          h('dt', {}, t('child.presumed')), h('dd', {}, x.presumed_minor ? t('common.yes') : t('common.no')),
          h('dt', {}, t('child.age_assessment')),
          h('dd', {}, x.age_assessment ? `${t(`child.assessed.${x.age_assessment}`)} (${x.age_assessment_date})` : '—'),
          h('dt', {}, t('child.interview')),
          h('dd', {}, x.child_friendly_interview ? `${t('common.yes')} (${x.interview_date || '—'})` : t('common.no'))),
        table(t('child.guardians'), [
          { label: t('child.guardian_name'), cell: (g) => g.name || (g.name_withheld ? t('child.withheld') : '—') },
          { label: t('child.organisation'), cell: (g) => g.organisation || '—' },
          { label: t('child.appointed'), cell: (g) => g.appointed, cls: 'nowrap' },
          { label: t('child.ended'), cell: (g) => g.ended || (canWrite ? endButton(g) : '—'), cls: 'nowrap' },
        ], x.guardians),
        x.bids_withheld ? h('p', { class: 'hint' }, t('child.bids_withheld')) : table(t('child.bids'), [
          { label: t('child.bid_kind'), cell: (b) => t(`child.kind.${b.kind}`) },
          { label: t('child.bid_date'), cell: (b) => b.date, cls: 'nowrap' },
          { label: t('child.deciding_body'), cell: (b) => b.deciding_body || '—' },
          { label: t('child.solution'), cell: (b) => (b.solution ? t(`child.solution.${b.solution}`) : '—') },
          { label: t('child.note'), cell: (b) => b.note || '' },
        ], x.bids),
      ];
      if (!x.bids_withheld && !x.bids.some((b) => b.kind === 'determination')) {
        parts.unshift(notice('warning', t('child.determination_needed')));
      }
      if (canWrite) {
        parts.push(formOf(t('child.record_assessment'), [
          field({ name: 'result', label: t('child.age_assessment'), required: true, options: [{ value: '', label: '—' },
            { value: 'minor', label: t('child.assessed.minor') }, { value: 'adult', label: t('child.assessed.adult') }] }),
          field({ name: 'date', label: t('child.bid_date'), type: 'date' }),
          field({ name: 'reason', label: t('pathway.reason'), type: 'textarea', required: true })],
        (v, f) => send('PUT', '', { age_assessment: v.result, age_assessment_date: v.date || undefined, reason: v.reason },
          f, t('child.saved'))));
        parts.push(formOf(t('child.interview'), [
          field({ name: 'held', label: t('child.interview_held'), type: 'checkbox', value: x.child_friendly_interview }),
          field({ name: 'date', label: t('child.bid_date'), type: 'date', value: x.interview_date || '' })],
        (v, f) => send('PUT', '', { child_friendly_interview: v.held, interview_date: v.date || undefined }, f,
          t('child.saved'))));
        parts.push(formOf(t('child.add_guardian'), [
          ctx.allowed('fg.identity.write') ? field({ name: 'name', label: t('child.guardian_name'), attrs: { maxlength: '200' } }) : null,
          field({ name: 'organisation', label: t('child.organisation'), attrs: { maxlength: '200' } }),
          field({ name: 'appointed', label: t('child.appointed'), type: 'date' })],
        (v, f) => send('POST', '/guardians', { name: v.name || undefined, organisation: v.organisation,
          appointed: v.appointed || undefined }, f, t('child.saved')), { 'data-guardian': '' }));
        if (ctx.allowed('fg.legal.write')) {
          parts.push(formOf(t('child.add_bid'), [
            field({ name: 'kind', label: t('child.bid_kind'), required: true, options: [
              { value: 'determination', label: t('child.kind.determination') },
              { value: 'assessment', label: t('child.kind.assessment') }] }),
            field({ name: 'date', label: t('child.bid_date'), type: 'date' }),
            field({ name: 'deciding_body', label: t('child.deciding_body'), attrs: { maxlength: '200' } }),
            field({ name: 'solution', label: t('child.solution'), options: [{ value: '', label: '—' },
              ...SOLUTIONS.map((s) => ({ value: s, label: t(`child.solution.${s}`) }))] }),
            field({ name: 'note', label: t('child.note'), type: 'textarea' })],
          (v, f) => send('POST', '/bids', { kind: v.kind, date: v.date || undefined, deciding_body: v.deciding_body,
            solution: v.solution || undefined, note: v.note || undefined }, f, t('child.saved')), { 'data-bid': '' }));
        }
      }
      box.replaceChildren(...parts.filter(Boolean));
    } catch (e) {
      section.hidden = false;
      box.replaceChildren(errorBlock(e));
    }
  };
  load();
  return section;
}
