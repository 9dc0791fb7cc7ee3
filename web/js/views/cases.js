// Cases: the list (GET /api/v1/cases, 50 a page, ?status= in the address) and the search
// (POST /api/v1/cases/search: names, birth dates, identity numbers and phones are personal
// data and never go in a URL). With only a status chosen, the search shows the paged list.
import { api, query } from '../api.js';
import {
  h, field, page, showError, clearErrors, busy, formValues, table, errorBlock,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';
import {
  registry, codeLabel, codeOptions, statusLabel, caseName, userNames, ownerText, STATUSES, APPROX_DATE,
  fieldLabel,
} from '../casefields.js';
import { choose } from '../lookups.js';

const PAGE = 50;

function fieldText(reg, c, name) {
  const f = reg.byName.get(name);
  const v = (c.fields || {})[name];
  if ((c.withheld || []).includes(name)) return t('case.withheld');
  if (v === undefined || v === null) return '—';
  if (typeof v === 'object' && v.missing) return t(`case.missing.${v.missing}`);
  return f && f.vocab ? codeLabel(reg, f.vocab, v) : String(v);
}

function nameText(c) {
  const name = caseName(c);
  if (name) return name;
  const withheld = c.withheld || [];
  return ['given_name', 'family_name'].some((n) => withheld.includes(n)) ? t('case.withheld') : '—';
}

function casesTable(ctx, reg, names, items, caption) {
  if (!items.length) return h('p', { class: 'empty' }, t('common.none'));
  return table(caption, [
    {
      label: t('cases.id'), cell: (c) => h('a', { href: `#/cases/${c.id}`, class: 'case-link' }, String(c.id)),
      cls: 'nowrap',
    },
    { label: t('cases.name'), cell: (c) => nameText(c) },
    { label: t('common.status'), cell: (c) => statusLabel(c.status) },
    { label: fieldLabel('gender'), cell: (c) => fieldText(reg, c, 'gender') },
    { label: fieldLabel('citizenship'), cell: (c) => fieldText(reg, c, 'citizenship') },
    { label: t('cases.opened'), cell: (c) => formatDate(c.opened_at, { time: false }), cls: 'nowrap' },
    { label: t('cases.owner'), cell: (c) => ownerText(c, ctx, names) },
  ], items);
}

function statusOptions() {
  return [{ value: '', label: t('cases.all_statuses') }, ...STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))];
}

export async function renderList(ctx) {
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const status = STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : '';
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const [reg, data, names] = await Promise.all([
    registry(), api.get(`/api/v1/cases${query({ limit: PAGE, offset, status })}`), userNames(ctx),
  ]);
  const items = (data && data.items) || [];
  const href = (o) => `#/cases${query({ status, offset: o || '' })}`;
  const pager = h('nav', { class: 'pager', 'aria-label': t('common.pages') },
    offset > 0 ? h('a', { href: href(Math.max(0, offset - PAGE)) }, t('common.previous')) : null,
    h('span', {}, items.length ? t('common.showing', { from: offset + 1, to: offset + items.length }) : ''),
    items.length === PAGE ? h('a', { href: href(offset + PAGE) }, t('common.next')) : null);
  const listCaption = status ? t('cases.list_status', { status: statusLabel(status) }) : t('cases.list');
  const showPage = () => results.replaceChildren(casesTable(ctx, reg, names, items, listCaption), pager);

  const countries = choose(codeOptions(reg, 'country'));
  const search = h('form', {
    class: 'form grid case-search', role: 'search', novalidate: true, 'aria-labelledby': 'cases-search',
  },
    field({ name: 'name', label: t('cases.search_name'), hint: t('cases.search_name_hint'),
      attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    field({ name: 'birth_date', label: fieldLabel('birth_date'), hint: t('case.date_hint'),
      attrs: { autocomplete: 'off', dir: 'ltr', maxlength: '10', class: 'short' } }),
    field({ name: 'identity_number', label: fieldLabel('identity_number'),
      attrs: { autocomplete: 'off', dir: 'ltr' } }),
    field({ name: 'phone', label: fieldLabel('phone'), type: 'tel', attrs: { autocomplete: 'off', dir: 'ltr' } }),
    field({ name: 'status', label: t('common.status'), options: statusOptions(), value: status }),
    field({ name: 'citizenship', label: fieldLabel('citizenship'), options: countries }),
    field({ name: 'exploitation_country', label: fieldLabel('exploitation_country'), options: countries }),
    field({ name: 'opened_from', label: t('cases.opened_from'), type: 'date' }),
    field({ name: 'opened_to', label: t('cases.opened_to'), type: 'date' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('common.search')),
      h('button', { type: 'reset', class: 'secondary' }, t('common.clear'))));

  let found = [];
  let criteria = null;
  let nextOffset = 0;
  const more = h('button', { type: 'button', class: 'secondary' }, t('common.more'));
  const showFound = (hasMore) => results.replaceChildren(
    h('p', { class: 'count', role: 'status' }, t('cases.found', { count: found.length })),
    casesTable(ctx, reg, names, found, t('cases.results')),
    hasMore ? h('p', { class: 'actions' }, more) : '');
  // A name of several words can give a page shorter than the limit while more follow, so
  // "Show more" stays until a page comes back empty (or, for other searches, short).
  const runSearch = async (append) => {
    const offset = append ? nextOffset : 0;
    const got = await api.post('/api/v1/cases/search', { ...criteria, limit: PAGE, offset });
    const list = (got && got.items) || [];
    found = append ? found.concat(list) : list;
    nextOffset = offset + PAGE;
    const severalWords = Boolean(criteria.name && /\s/.test(criteria.name.trim()));
    showFound(list.length === PAGE || (severalWords && list.length > 0));
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await runSearch(true);
    } catch (e) {
      results.append(errorBlock(e));
    } finally {
      more.disabled = false;
    }
  });

  search.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(search);
    const v = formValues(search);
    if (v.birth_date && !APPROX_DATE.test(v.birth_date)) {
      showError(search, { code: 'invalid', field: 'birth_date' }, t('case.date_invalid'));
      return;
    }
    if (v.opened_from && v.opened_to && v.opened_from > v.opened_to) {
      showError(search, { code: 'invalid', field: 'opened_to' }, t('cases.dates_order'));
      return;
    }
    const body = {};
    const terms = ['name', 'birth_date', 'identity_number', 'phone', 'status', 'citizenship', 'exploitation_country'];
    for (const k of terms) if (v[k]) body[k] = v[k];
    // Whole days (YYYY-MM-DD): the server counts the last one to its end.
    if (v.opened_from) body.opened_from = v.opened_from;
    if (v.opened_to) body.opened_to = v.opened_to;
    const keys = Object.keys(body);
    if (!keys.length || (keys.length === 1 && body.status)) {
      // Only a status: the paged list, whose address may hold it.
      const target = `cases${query({ status: body.status || '' })}`;
      if (location.hash === `#/${target}`) showPage();
      else ctx.navigate(target);
      return;
    }
    criteria = body;
    await busy(search, async () => {
      try {
        await runSearch(false);
      } catch (e) {
        showError(search, e);
      }
    });
  });
  search.addEventListener('reset', () => {
    clearErrors(search);
    criteria = null;
    showPage();
  });
  showPage();
  return page(t('cases.title'),
    ctx.allowed('case.write')
      ? h('p', { class: 'actions' }, h('a', { href: '#/cases/new', class: 'button primary' }, t('cases.new'))) : null,
    h('h2', { id: 'cases-search' }, t('cases.search')),
    h('p', { class: 'hint' }, t('cases.search_intro')),
    search, results);
}
