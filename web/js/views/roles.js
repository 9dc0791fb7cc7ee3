// Roles: each role with its permissions, the roles its holders may assign and whether
// two-factor is required; create a role; edit a role's description, two-factor rule,
// permissions and assignable roles (checkboxes, If-Match).
import { api } from '../api.js';
import { h, field, page, showError, clearErrors, busy, formValues, notice } from '../dom.js';
import { t } from '../i18n.js';
import * as lookups from '../lookups.js';

async function permissions() {
  const data = await api.get('/api/v1/permissions');
  return (data && data.items) || [];
}

function permList(perms) {
  if (!perms || !perms.length) return h('p', { class: 'empty' }, t('roles.no_permissions'));
  return h('ul', { class: 'perm-list' }, perms.map((p) => h('li', {}, h('code', { dir: 'ltr' }, p))));
}

// The names of the roles a role's holders may assign (assignable_roles), labelled.
function assignableList(r) {
  const names = r.assignable_roles || [];
  const labelId = `assignable-${r.id}`;
  return h('div', { class: 'assignable' },
    h('p', { class: 'assignable-label', id: labelId }, t('roles.assignable')),
    names.length
      ? h('ul', { class: 'perm-list assignable-list', 'aria-labelledby': labelId },
        names.map((n) => h('li', {}, h('code', { dir: 'ltr' }, n))))
      : h('p', { class: 'empty' }, t('roles.assignable_none')));
}

export async function renderList(ctx) {
  const items = await lookups.roles();
  const cards = items.map((r) => h('section', { class: 'card role' },
    h('h2', {}, h('a', { href: `#/roles/${r.id}` }, r.name),
      r.builtin ? h('span', { class: 'badge' }, t('roles.builtin')) : null),
    r.description ? h('p', {}, r.description) : null,
    h('p', {}, r.mfa_required ? t('roles.mfa_yes') : t('roles.mfa_no')),
    assignableList(r),
    h('details', {}, h('summary', {}, t('roles.permissions_count', { count: (r.permissions || []).length })),
      permList(r.permissions))));
  return page(t('roles.title'),
    ctx.allowed('role.manage')
      ? h('p', { class: 'actions' }, h('a', { href: '#/roles/new', class: 'button primary' }, t('roles.new'))) : null,
    items.length ? cards : h('p', { class: 'empty' }, t('common.none')));
}

// The permission checkboxes, grouped by area ("user.read" is in "user").
function permFieldset(all, chosen) {
  const groups = new Map();
  for (const p of all) {
    const area = p.name.split('.')[0];
    if (!groups.has(area)) groups.set(area, []);
    groups.get(area).push(p);
  }
  let n = 0;
  return h('fieldset', { class: 'perms' },
    h('legend', {}, t('roles.permissions')),
    // Each area is a group of its own (not a heading: a heading after the legend would skip
    // a level below the page's h1), so a screen reader names the area with each checkbox.
    [...groups.entries()].map(([area, list]) => h('fieldset', { class: 'perm-group' },
      h('legend', { class: 'perm-area' }, h('code', { dir: 'ltr' }, area)),
      list.map((p) => {
        n += 1;
        const id = `perm-${n}`;
        return h('div', { class: 'field-check' },
          h('input', { type: 'checkbox', id, name: 'permissions', value: p.name, 'data-group': 'permissions',
            checked: chosen.includes(p.name) || null }),
          h('label', { for: id }, h('code', { dir: 'ltr' }, p.name),
            // The server describes permissions in English: say so (WCAG 3.1.2).
            p.description ? h('span', { class: 'perm-desc' }, ' — ',
              h('span', { lang: 'en', dir: 'ltr' }, p.description)) : null));
      }))));
}

// One checkbox per existing role: the roles this role's holders may assign.
function assignableFieldset(roles, chosen) {
  const hintId = 'assignable-hint';
  return h('fieldset', { class: 'perms assignable-roles', 'aria-describedby': hintId },
    h('legend', {}, t('roles.assignable')),
    h('p', { class: 'hint', id: hintId }, t('roles.assignable_hint')),
    h('div', { class: 'role-choices' }, roles.map((r, i) => {
      const id = `assign-${i + 1}`;
      return h('div', { class: 'field-check' },
        h('input', { type: 'checkbox', id, name: 'assignable_roles', value: r.name, 'data-group': 'assignable_roles',
          checked: chosen.includes(r.name) || null }),
        h('label', { for: id }, h('code', { dir: 'ltr' }, r.name)));
    })));
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((el) => el.value);
}

function chosenPerms(form) {
  return checked(form, 'permissions');
}

export async function renderNew(ctx) {
  const [all, roles] = await Promise.all([permissions(), lookups.roles()]);
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'name', label: t('role.name'), required: true, attrs: { maxlength: '64', spellcheck: 'false' } }),
    field({ name: 'description', label: t('role.description'), type: 'textarea' }),
    field({ name: 'mfa_required', label: t('role.mfa_required'), type: 'checkbox' }),
    permFieldset(all, []),
    assignableFieldset(roles, []),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('roles.create')),
      h('a', { href: '#/roles', class: 'button secondary' }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = formValues(form);
    if (!v.name) {
      showError(form, { code: 'invalid', field: 'name' }, t('form.required'));
      return;
    }
    await busy(form, async () => {
      try {
        await api.post('/api/v1/roles', {
          name: v.name, description: v.description, mfa_required: v.mfa_required, permissions: chosenPerms(form),
          assignable_roles: checked(form, 'assignable_roles'),
        });
        ctx.navigate('roles');
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return page(t('roles.new'), form);
}

export async function renderDetail(ctx) {
  const id = ctx.params[0];
  const [items, all] = await Promise.all([lookups.roles(), permissions()]);
  let role = items.find((r) => String(r.id) === String(id));
  if (!role) {
    const e = new Error('not found');
    e.code = 'not_found';
    throw e;
  }
  const flash = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', novalidate: true },
    field({ name: 'description', label: t('role.description'), type: 'textarea', value: role.description }),
    field({ name: 'mfa_required', label: t('role.mfa_required'), type: 'checkbox', value: role.mfa_required }),
    permFieldset(all, role.permissions || []),
    assignableFieldset(items, role.assignable_roles || []),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    flash.replaceChildren();
    const v = formValues(form);
    await busy(form, async () => {
      try {
        const updated = await api.put(`/api/v1/roles/${role.id}`, {
          description: v.description, mfa_required: v.mfa_required, permissions: chosenPerms(form),
          assignable_roles: checked(form, 'assignable_roles'),
        }, role.version);
        if (updated && updated.version !== undefined) {
          role = updated;
        } else {
          role = (await lookups.roles()).find((r) => String(r.id) === String(id)) || role;
        }
        flash.replaceChildren(notice('success', t('common.saved')));
      } catch (e) {
        showError(form, e);
      }
    });
  });
  return h('div', { class: 'page' },
    h('p', { class: 'crumb' }, h('a', { href: '#/roles' }, t('roles.back'))),
    h('h1', { tabindex: '-1' }, role.name),
    role.builtin ? h('p', {}, h('span', { class: 'badge' }, t('roles.builtin'))) : null,
    flash, form);
}
