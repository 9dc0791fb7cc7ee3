// Record linkage (issue 7, item 3; docs/linkage.md): the saved linkage runs of the agency
// (link.run) and, for the run chosen (#/linkage?run=N), its review queue: the pairs in the
// uncertain band, best first, each with this agency's own side (the local case, opened on the
// case page with what the reviewer's field groups allow) and the other side's opaque id, and the
// buttons that record a decision (match or not a match). The matches at or above the threshold
// are listed below. Nothing here decrypts the other agency's side: it never reaches this instance.
import { api, query, request } from '../api.js';
import { h, table, errorBlock, notice, busy, showError } from '../dom.js';
import { t } from '../i18n.js';

const pct = (x) => `${(x * 100).toFixed(1)} %`;

function localSide(p) {
  return p.local_case_id
    ? h('a', { href: `#/cases/${p.local_case_id}` }, t('linkage.case', { id: p.local_case_id }))
    : h('span', { class: 'muted' }, '—');
}

function decideForm(p, ctx) {
  const form = h('form', { class: 'form inline', novalidate: true, 'data-pair': String(p.id) },
    h('button', { type: 'submit', name: 'decision', value: 'match', 'data-decision': 'match' }, t('linkage.decide.match')),
    ' ',
    h('button', { type: 'submit', name: 'decision', value: 'nonmatch', class: 'secondary', 'data-decision': 'nonmatch' },
      t('linkage.decide.nonmatch')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const decision = ev.submitter?.value || 'match';
    busy(form, async () => {
      try {
        await request('POST', `/api/v1/link/pairs/${p.id}/decision`, { decision }, { ifMatch: p.version });
        ctx.flash(notice('success', t('linkage.decided', { id: p.id })));
        ctx.navigate(`linkage${query({ run: p.run_id })}`);
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return form;
}

function pairColumns(run, ctx, withDecide) {
  const own = run.local_side === 'a' ? 'a' : run.local_side === 'b' ? 'b' : null;
  const cols = [
    { label: t('linkage.col.score'), cell: (p) => h('span', { dir: 'ltr' }, p.score.toFixed(4)), cls: 'num' },
    { label: t('linkage.col.a', { signer: run.a_signer }), cell: (p) => h('code', { dir: 'ltr' }, p.a_id) },
    { label: t('linkage.col.b', { signer: run.b_signer }), cell: (p) => h('code', { dir: 'ltr' }, p.b_id) },
  ];
  if (own) cols.push({ label: t('linkage.col.local'), cell: localSide });
  cols.push({ label: t('linkage.col.decision'), cell: (p) => (p.decision ? t(`linkage.decision.${p.decision}`) : '—') });
  if (withDecide) cols.push({ label: t('linkage.col.actions'), cell: (p) => (p.decision ? '' : decideForm(p, ctx)) });
  return cols;
}

async function runDetails(id, ctx) {
  const run = await api.get(`/api/v1/link/runs/${encodeURIComponent(id)}`);
  const review = (await api.get(`/api/v1/link/runs/${run.id}/pairs${query({ band: 'review' })}`)).items || [];
  const matches = (await api.get(`/api/v1/link/runs/${run.id}/pairs${query({ band: 'match' })}`)).items || [];
  const open = review.filter((p) => !p.decision).length;
  return h('section', { class: 'card', 'aria-labelledby': 'linkage-run' },
    h('h2', { id: 'linkage-run' }, t('linkage.run', { id: run.id, project: run.project })),
    h('p', {}, t('linkage.run.summary', {
      a: run.a_count, b: run.b_count, matches: run.matches, review: run.review, decided: run.decided,
      threshold: pct(run.threshold), from: pct(run.review_from),
    })),
    h('p', { class: 'hint' }, run.local_side === 'none' ? t('linkage.side.none') : t('linkage.side.own')),
    h('h3', { id: 'linkage-queue' }, t('linkage.queue', { n: open })),
    review.length ? table(t('linkage.queue', { n: open }), pairColumns(run, ctx, true), review)
      : h('p', { class: 'empty' }, t('linkage.queue.empty')),
    h('h3', {}, t('linkage.matches', { n: matches.length })),
    matches.length ? table(t('linkage.matches', { n: matches.length }), pairColumns(run, ctx, false), matches)
      : h('p', { class: 'empty' }, t('linkage.matches.none')));
}

export async function render(ctx) {
  const chosen = ctx.query.get('run') || '';
  const body = [];
  try {
    const runs = (await api.get('/api/v1/link/runs')).items || [];
    const link = (r) => h('a', { href: `#/linkage${query({ run: r.id })}`, 'aria-current': String(r.id) === chosen ? 'true' : null },
      String(r.id));
    body.push(runs.length
      ? table(t('linkage.runs'), [
        { label: t('linkage.col.run'), cell: link },
        { label: t('linkage.col.project'), cell: (r) => h('code', { dir: 'ltr' }, r.project) },
        { label: t('linkage.col.parties'), cell: (r) => `${r.a_signer} × ${r.b_signer}` },
        { label: t('linkage.col.matches'), cell: (r) => String(r.matches), cls: 'num' },
        { label: t('linkage.col.review'), cell: (r) => `${r.review - r.decided} / ${r.review}`, cls: 'num' },
        { label: t('linkage.col.created'), cell: (r) => new Date(r.created_at).toLocaleString() },
      ], runs)
      : h('p', { class: 'empty' }, t('linkage.none')));
    if (chosen) body.push(await runDetails(chosen, ctx));
  } catch (e) {
    body.push(errorBlock(e));
  }
  return h('div', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('linkage.title')),
    h('p', { class: 'hint' }, t('linkage.hint')), ...body);
}
