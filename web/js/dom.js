// dom: tiny helpers to build pages with createElement and textContent only, so data from the
// server is never parsed as HTML; form fields with labels, hints and error messages.
import { t } from './i18n.js';

// h('a', { href: '#/home', class: 'button' }, 'text', child, ...). Attributes starting with
// "on" and a capital letter become listeners; true sets a boolean attribute; null skips.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (/^on[A-Z]/.test(k)) {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'value') {
      el.value = v;
    } else if (k === 'checked' || k === 'selected') {
      el[k] = Boolean(v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let uid = 0;
function nextId(name) {
  uid += 1;
  return `f-${name.replace(/[^a-z0-9_-]/gi, '')}-${uid}`;
}

// A labelled form field: { name, label, type, value, required, hint, options, attrs }.
// options: [{ value, label }] makes a <select>; type 'textarea' a <textarea>;
// type 'checkbox' a checkbox with the label after it.
export function field(spec) {
  const id = nextId(spec.name);
  const errId = `${id}-error`;
  const hintId = spec.hint ? `${id}-hint` : null;
  const described = [hintId, errId].filter(Boolean).join(' ');
  const common = {
    id, name: spec.name, 'aria-describedby': described, required: spec.required || null,
    ...(spec.attrs || {}),
  };
  let control;
  if (spec.options) {
    control = h('select', common, spec.options.map((o) => h('option', {
      value: o.value, selected: String(o.value) === String(spec.value ?? '') || null,
    }, o.label)));
  } else if (spec.type === 'textarea') {
    control = h('textarea', { ...common, rows: 3 }, spec.value ?? '');
  } else if (spec.type === 'checkbox') {
    control = h('input', { ...common, type: 'checkbox', checked: spec.value || null });
  } else {
    control = h('input', { ...common, type: spec.type || 'text', value: spec.value ?? '' });
  }
  const label = h('label', { for: id }, spec.label,
    spec.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null);
  const hint = spec.hint ? h('p', { class: 'hint', id: hintId }, spec.hint) : null;
  const err = h('p', { class: 'field-error', id: errId, 'aria-live': 'polite' });
  const cls = spec.type === 'checkbox' ? 'field field-check' : 'field';
  const wrap = spec.type === 'checkbox'
    ? h('div', { class: cls }, control, label, hint, err)
    : h('div', { class: cls }, label, hint, control, err);
  if (spec.hidden) wrap.hidden = true;
  return wrap;
}

// The message for an API error, translated by code, with the server's detail (English).
export function errorText(err) {
  const code = err && err.code ? err.code : 'generic';
  const key = `error.${code}`;
  const msg = t(key);
  return msg === key ? t('error.generic') : msg;
}

function detailNode(err) {
  if (!err || !err.message || err.message === err.code) return null;
  return h('span', { class: 'error-detail', lang: 'en', dir: 'ltr' }, err.message);
}

// Clears the messages a form shows.
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const box = form.querySelector('.form-error');
  if (box) {
    box.textContent = '';
    box.hidden = true;
  }
}

// Shows an API error next to the field it names (JSON pointer "/email" or "email"),
// else in the form's alert box; moves focus to the field or the box.
export function showError(form, err, text) {
  clearErrors(form);
  const message = text || errorText(err);
  const name = err && err.field ? String(err.field).replace(/^\//, '').split('/')[0] : '';
  const control = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  const wrap = control ? control.closest('.field') : null;
  const errEl = wrap ? wrap.querySelector('.field-error') : null;
  if (control && errEl) {
    control.setAttribute('aria-invalid', 'true');
    errEl.replaceChildren(message, ' ', detailNode(err) || '');
    control.focus();
    return;
  }
  let box = form.querySelector('.form-error');
  if (!box) {
    box = h('div', { class: 'form-error', role: 'alert', tabindex: '-1' });
    form.prepend(box);
  }
  box.replaceChildren(h('span', {}, message), detailNode(err) ? ' ' : '', detailNode(err) || '');
  box.hidden = false;
  box.focus();
}

// Moves focus to a message that replaced the control the user was on (which is gone), so
// keyboard and screen-reader users go on from there, not from the top of the page.
export function focusOn(el) {
  el.tabIndex = -1;
  el.focus();
  return el;
}

// A status or alert message block.
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    ...children);
}

// An error block for a whole page (loading failed).
export function errorBlock(err) {
  return notice('error', errorText(err), detailNode(err) ? ' ' : '', detailNode(err) || '');
}

// The values of a form's named controls; checkboxes give booleans.
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') {
      if (el.dataset.group) continue;
      out[el.name] = el.checked;
    } else {
      out[el.name] = el.value.trim();
    }
  }
  return out;
}

// Disables a form's submit buttons while a request is under way.
export async function busy(form, fn) {
  const buttons = form.querySelectorAll('button');
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

// A heading-led page section.
export function page(title, ...children) {
  return h('div', { class: 'page' }, h('h1', { tabindex: '-1' }, title), ...children);
}

// A table with a caption; columns: [{ label, cell: (row) => node|string, cls }].
export function table(caption, columns, rows) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.cls || null }, c.cell(r))))))));
}

// A one-time secret shown once, selectable, with a warning.
export function secretBox(label, value, warning) {
  return h('div', { class: 'secret', role: 'status' },
    h('p', { class: 'secret-label' }, label),
    h('code', { class: 'secret-value', dir: 'ltr', translate: 'no' }, value),
    h('p', { class: 'secret-warning' }, warning));
}
