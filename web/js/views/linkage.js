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

// Bytes to base64url, in chunks (a file of a few MB would overflow String.fromCharCode's arguments).
function b64url(buf) {
  const bytes = new Uint8Array(buf);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// Two signed .clk files matched here and saved as a run (POST /api/v1/link/runs).
function matchForm(ctx) {
  const form = h('form', { class: 'form', novalidate: true, id: 'linkage-match' },
    h('div', { class: 'field' }, h('label', { for: 'link-a' }, t('linkage.form.a')),
      h('input', { id: 'link-a', name: 'a', type: 'file', accept: '.clk', required: true })),
    h('div', { class: 'field' }, h('label', { for: 'link-b' }, t('linkage.form.b')),
      h('input', { id: 'link-b', name: 'b', type: 'file', accept: '.clk', required: true })),
    h('div', { class: 'field' }, h('label', { for: 'link-threshold' }, t('linkage.form.threshold')),
      h('input', { id: 'link-threshold', name: 'threshold', type: 'number', min: '0.01', max: '1', step: '0.01', value: '0.8', required: true })),
    h('div', { class: 'field' }, h('label', { for: 'link-review' }, t('linkage.form.review_from')),
      h('input', { id: 'link-review', name: 'review_from', type: 'number', min: '0.01', max: '1', step: '0.01', value: '0.6' })),
    h('p', { class: 'hint' }, t('linkage.form.hint')),
    h('button', { type: 'submit' }, t('linkage.form.submit')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, async () => {
      try {
        const [fa, fb] = [form.elements.a.files[0], form.elements.b.files[0]];
        if (!fa || !fb) throw { status: 400, code: 'invalid', field: fa ? 'b' : 'a', message: t('linkage.form.files') };
        const body = {
          a: b64url(await fa.arrayBuffer()),
          b: b64url(await fb.arrayBuffer()),
          threshold: Number(form.elements.threshold.value),
        };
        if (form.elements.review_from.value) body.review_from = Number(form.elements.review_from.value);
        const run = await api.post('/api/v1/link/runs', body);
        ctx.flash(notice('success', t('linkage.form.done', { id: run.id, matches: run.matches, review: run.review })));
        ctx.navigate(`linkage${query({ run: run.id })}`);
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'linkage-new' },
    h('h2', { id: 'linkage-new' }, t('linkage.form.title')), form);
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
    body.push(matchForm(ctx));
  } catch (e) {
    body.push(errorBlock(e));
  }
  return h('div', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('linkage.title')),
    h('p', { class: 'hint' }, t('linkage.hint')), ...body);
}
