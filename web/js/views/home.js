// Home: who is signed in, their agency, role and scope, and the parts they can open.
import { h, page } from '../dom.js';
import { t } from '../i18n.js';

export async function render(ctx) {
  const me = ctx.me;
  const rows = [
    [t('user.username'), me.username],
    [t('user.display_name'), me.display_name],
    [t('user.email'), me.email],
    [t('user.agency'), me.agency ? me.agency.name : ''],
    [t('user.role'), me.role],
    [t('user.scope'), me.scope ? t(`scope.${me.scope}`) : ''],
    [t('user.totp'), me.totp_enabled ? t('common.on') : t('common.off')],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  const links = [];
  for (const [path, key, perm] of [
    ['cases', 'nav.cases', 'case.read'], ['users', 'nav.users', 'user.read'], ['agencies', 'nav.agencies', 'agency.read'],
    ['roles', 'nav.roles', 'role.read'], ['audit', 'nav.audit', 'audit.read'],
    ['account', 'nav.account', null]]) {
    if (ctx.allowed(perm)) {
      links.push(h('li', {}, h('a', { href: `#/${path}`, class: 'tile' }, t(key),
        h('span', { class: 'tile-hint' }, t(`home.hint.${path}`)))));
    }
  }
  return page(t('home.title', { name: me.display_name || me.username }),
    h('section', { class: 'card', 'aria-labelledby': 'home-who' },
      h('h2', { id: 'home-who' }, t('home.who')),
      h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    !me.totp_enabled ? h('p', { class: 'notice notice-info' }, t('home.totp_suggest'), ' ',
      h('a', { href: '#/account/totp' }, t('account.totp_setup'))) : null,
    h('section', { 'aria-labelledby': 'home-go' },
      h('h2', { id: 'home-go' }, t('home.go')),
      h('ul', { class: 'tiles' }, links)));
}
