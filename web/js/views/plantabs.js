// The Plan's pages (issue 9): one tab bar at the top of each, listed here in one place. A tab
// whose route does not exist (yet) is left out: parts R and N add theirs (the lead wires the
// routes in app.js), and ctx.routable tells which exist.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export const PLAN_TABS = [
  { path: 'plan', key: 'plan.tabs.text' },
  { path: 'plan-practices', key: 'plan.tabs.practices' },
  { path: 'plan-report', key: 'plan.tabs.report' },
  { path: 'plan-ratifications', key: 'plan.tabs.ratifications' }, // part R
  { path: 'plan-partners', key: 'plan.tabs.partners' }, // part R
  { path: 'plan-naps', key: 'plan.tabs.naps' }, // part N
  { path: 'plan-prevention', key: 'plan.tabs.prevention' }, // part N
];

export function planTabs(ctx, active) {
  const tabs = PLAN_TABS.filter((x) => !ctx.routable || ctx.routable(x.path));
  return h('nav', { class: 'tabs', 'aria-label': t('plan.tabs.label'), 'data-plan-tabs': '' },
    tabs.map((x) => h('a', { href: `#/${x.path}`, 'aria-current': x.path === active ? 'page' : null, 'data-tab': x.path },
      t(x.key))));
}
