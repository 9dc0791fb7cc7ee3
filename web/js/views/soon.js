// A part of ctis still to come: says so, in the user's language.
import { h, page } from '../dom.js';
import { t } from '../i18n.js';

export async function render(ctx) {
  return page(t(ctx.nav.key), h('p', { class: 'notice notice-info' }, t('soon.text')),
    h('p', {}, h('a', { href: '#/home' }, t('soon.back'))));
}
