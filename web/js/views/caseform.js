// Case form: create (POST /api/v1/cases) and edit (PATCH /api/v1/cases/{id} with If-Match,
// only the changed fields), drawn from the field registry in sections. Each field has its
// control (select, checkbox group, number, yes/no/unknown radios, approximate date, text) and a
// small select for the missing states (unknown, not applicable); empty means not collected.
// Personal fields the user may not read are withheld and left alone; those the user may not
// write are shown read-only.
import { api } from '../api.js';
import { h, showError, clearErrors, busy, notice } from '../dom.js';
import { t } from '../i18n.js';
import {
  registry, sectionTitle, fieldLabel, textarea, codeOptions, isMissing, APPROX_DATE, unwrap,
} from '../casefields.js';

const bytes = (s) => new TextEncoder().encode(s).length;

// May the user write the field's group (non-personal fields need only case.write)?
function writable(ctx, f) {
  if (typeof f.group !== 'string' || !f.group || f.group === 'none') return true;
  return ctx.allowed(`fg.${f.group}.write`);
}

class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

// One field: its wrapper and read() -> undefined (not collected) or the JSON value.
function fieldControl(reg, f, value, { withheld, readOnly }) {
  const id = `cf-${f.name}`;
  const errId = `${id}-error`;
  const hints = [];
  const label = fieldLabel(f);
  if (f.type === 'date' || f.type === 'sealed_date') hints.push(t('case.date_hint'));
  if (withheld) hints.push(t('case.withheld_hint'));
  else if (readOnly) hints.push(t('case.readonly_hint'));
  const hintId = hints.length ? `${id}-hint` : null;
  const describedBy = [hintId, errId].filter(Boolean).join(' ');
  const locked = withheld || readOnly;
  const isMulti = f.type === 'multi';
  // For a multi-select, [] means "known: none of them": a state of its own beside the missing ones.
  const none = isMulti && Array.isArray(value) && value.length === 0;
  const missing = isMissing(value) ? value.missing : none ? 'none' : '';
  const plain = isMissing(value) ? undefined : value;
  const hint = hints.length ? h('p', { class: 'hint', id: hintId }, hints.join(' ')) : null;
  const err = h('p', { class: 'field-error', id: errId, 'aria-live': 'polite' });

  // The missing-state select; for yes/no fields "unknown" is one of the radios.
  const isBool = f.type === 'bool';
  const missSel = h('select', {
    id: `${id}-missing`, name: `${f.name}-missing`, class: 'missing-select', 'aria-describedby': errId,
    disabled: locked || null, title: t('case.missing.label', { field: label }),
  },
  h('option', { value: '' }, '—'),
  isMulti ? h('option', { value: 'none', selected: missing === 'none' || null }, t('case.none_of_them')) : null,
  isBool ? null : h('option', { value: 'unknown', selected: missing === 'unknown' || null }, t('case.missing.unknown')),
  h('option', { value: 'not_applicable', selected: missing === 'not_applicable' || null },
    t('case.missing.not_applicable')));
  const missLabel = h('label', { for: missSel.id, class: 'visually-hidden' },
    t('case.missing.label', { field: label }));
  const missBox = h('span', { class: 'missing-box' }, missLabel, missSel);

  let controls = [];
  let read;
  let wrap;
  const common = { name: f.name, 'aria-describedby': describedBy, disabled: locked || null };

  if (f.type === 'multi' || isBool) {
    const chosen = Array.isArray(plain) ? plain.map(String) : [];
    const options = isBool
      ? [{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') },
        { value: 'unknown', label: t('case.missing.unknown') }]
      : codeOptions(reg, f.vocab);
    const boolNow = missing === 'unknown' ? 'unknown' : plain === true ? 'true' : plain === false ? 'false' : '';
    controls = options.map((o, i) => h('input', {
      ...common,
      type: isBool ? 'radio' : 'checkbox',
      id: `${id}-${i}`,
      value: o.value,
      'data-group': f.name,
      'aria-describedby': null,
      checked: (isBool ? boolNow === o.value : chosen.includes(String(o.value))) || null,
    }));
    const choices = h('div', { class: isBool ? 'choices choices-inline' : 'choices' },
      controls.map((c, i) => h('div', { class: 'field-check' }, c, h('label', { for: c.id }, options[i].label))));
    let clear = null;
    if (isBool && !locked) {
      clear = h('button', {
        type: 'button', class: 'small secondary', 'aria-label': t('case.clear_named', { field: label }),
      }, t('case.clear'));
      clear.addEventListener('click', () => {
        for (const c of controls) c.checked = false;
        controls[0].focus();
      });
    }
    wrap = h('div', { class: `field case-field case-${f.type}`, 'data-field': f.name },
      h('fieldset', { class: 'case-group', 'aria-describedby': describedBy },
        h('legend', {}, label), hint, choices,
        h('div', { class: 'case-input' }, clear, missBox), err));
    read = () => {
      if (isBool) {
        const c = controls.find((x) => x.checked);
        if (!c) return undefined;
        if (c.value === 'unknown') return { missing: 'unknown' };
        return c.value === 'true';
      }
      const list = controls.filter((x) => x.checked).map((x) => x.value);
      return list.length ? list : undefined;
    };
  } else {
    let control;
    if (f.type === 'code') {
      control = h('select', { ...common, id },
        h('option', { value: '' }, t('common.choose')),
        codeOptions(reg, f.vocab).map((o) => h('option', {
          value: o.value, selected: String(o.value) === String(plain ?? '') || null,
        }, o.label)));
      // A stored code the vocabulary no longer lists stays choosable.
      if (plain !== undefined && plain !== null && control.value !== String(plain)) {
        control.append(h('option', { value: String(plain), selected: true }, String(plain)));
      }
      read = () => control.value || undefined;
    } else if (f.type === 'int') {
      control = h('input', {
        ...common, id, type: 'number', inputmode: 'numeric', step: '1', min: '0', class: 'short', dir: 'ltr',
        value: plain === undefined || plain === null ? '' : String(plain),
      });
      read = () => {
        if (control.validity.badInput) throw new FieldError(f.name, t('form.number'));
        const s = control.value.trim();
        if (!s) return undefined;
        if (!/^-?\d+$/.test(s)) throw new FieldError(f.name, t('form.number'));
        return Number(s);
      };
    } else {
      const isDate = f.type === 'date' || f.type === 'sealed_date';
      const attrs = {
        ...common, id, value: plain === undefined || plain === null ? '' : String(plain),
        maxlength: f.max_bytes ? String(f.max_bytes) : null, autocomplete: 'off',
      };
      if (isDate) {
        control = h('input', {
          ...attrs, type: 'text', class: 'short', dir: 'ltr', spellcheck: 'false', maxlength: '10',
        });
      } else if (textarea(f)) {
        control = h('textarea', { ...attrs, rows: f.name === 'narrative' ? 8 : 3 }, attrs.value);
      } else {
        const ltr = ['identity_number', 'phone', 'email'].includes(f.name);
        control = h('input', {
          ...attrs, type: f.name === 'email' ? 'email' : f.name === 'phone' ? 'tel' : 'text', dir: ltr ? 'ltr' : null,
        });
      }
      read = () => {
        const s = control.value.trim();
        if (!s) return undefined;
        if (isDate && !APPROX_DATE.test(s)) throw new FieldError(f.name, t('case.date_invalid'));
        if (f.max_bytes && bytes(s) > f.max_bytes) throw new FieldError(f.name, t('case.too_long'));
        return s;
      };
    }
    controls = [control];
    const cls = `field case-field case-${f.type}${textarea(f) ? ' case-wide' : ''}`;
    wrap = h('div', { class: cls, 'data-field': f.name },
      h('label', { for: id }, label), hint,
      h('div', { class: 'case-input' }, control, missBox), err);
  }

  // A missing state set: the value controls step aside.
  const sync = () => {
    const off = locked || Boolean(missSel.value);
    for (const c of controls) c.disabled = off;
    wrap.classList.toggle('is-missing', Boolean(missSel.value));
  };
  missSel.addEventListener('change', sync);
  sync();

  return {
    f,
    wrap,
    locked,
    read: () => {
      if (missSel.value === 'none') return [];
      return missSel.value ? { missing: missSel.value } : read();
    },
  };
}

// Canonical text of a value for comparing (multi values in any order are equal; "" is not
// collected, as null).
function canon(v) {
  if (v === undefined || v === null || v === '') return '';
  if (Array.isArray(v)) return JSON.stringify([...v].map(String).sort());
  return JSON.stringify(v);
}

// The whole form: section links, the sections, and the controls by field name.
function caseForm(ctx, reg, c, submitLabel, cancelHref, extra) {
  const fields = (c && c.fields) || {};
  const withheld = new Set((c && c.withheld) || []);
  const controls = new Map();
  const sections = reg.sections.map((s) => {
    const headId = `cs-${s.key}`;
    return h('section', { class: 'card case-section', 'aria-labelledby': headId },
      h('h2', { id: headId, tabindex: '-1' }, sectionTitle(s.key)),
      h('div', { class: 'case-grid' }, s.fields.map((f) => {
        const ctl = fieldControl(reg, f, fields[f.name],
          { withheld: withheld.has(f.name), readOnly: !writable(ctx, f) });
        controls.set(f.name, ctl);
        return ctl.wrap;
      })));
  });
  const jump = h('nav', { class: 'section-nav', 'aria-label': t('case.sections') },
    h('ul', {}, reg.sections.map((s) => {
      const a = h('a', { href: `#cs-${s.key}` }, sectionTitle(s.key));
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        const head = document.getElementById(`cs-${s.key}`);
        if (head) {
          head.scrollIntoView({ block: 'start' });
          head.focus({ preventScroll: true });
        }
      });
      return h('li', {}, a);
    })));
  const form = h('form', { class: 'form case-form', novalidate: true },
    jump, extra || null, sections,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, submitLabel),
      h('a', { href: cancelHref, class: 'button secondary' }, t('common.cancel'))));
  return { form, controls };
}

// Reads every field the user may change: { name: value|undefined }. Throws FieldError.
function readAll(controls) {
  const out = {};
  for (const [name, ctl] of controls) {
    if (!ctl.locked) out[name] = ctl.read();
  }
  return out;
}

// The field an API error names: "given_name", "/fields/given_name", "fields.given_name".
function errorField(err, controls) {
  if (!err || !err.field) return err;
  const parts = String(err.field).split(/[/.]/).filter(Boolean);
  const name = parts.find((p) => controls.has(p)) || parts[parts.length - 1];
  return { ...err, code: err.code, message: err.message, field: name };
}

function fail(form, e, controls) {
  if (e instanceof FieldError) {
    showError(form, { code: 'invalid', field: e.field }, e.message);
  } else {
    showError(form, errorField(e, controls));
  }
}

export async function renderNew(ctx) {
  const reg = await registry();
  const restricted = h('div', { class: 'field field-check' },
    h('input', {
      type: 'checkbox', id: 'case-restricted', name: 'restricted', 'aria-describedby': 'case-restricted-hint',
    }),
    h('label', { for: 'case-restricted' }, t('case.restricted_label')),
    h('p', { class: 'hint', id: 'case-restricted-hint' }, t('case.restricted_hint')));
  const { form, controls } = caseForm(ctx, reg, null, t('cases.create'), '#/cases',
    h('section', { class: 'card case-section' }, restricted));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    let values;
    try {
      values = readAll(controls);
    } catch (e) {
      fail(form, e, controls);
      return;
    }
    const fields = {};
    for (const [k, v] of Object.entries(values)) if (v !== undefined) fields[k] = v;
    if (!Object.keys(fields).length) {
      showError(form, { code: 'invalid' }, t('case.empty'));
      return;
    }
    await busy(form, async () => {
      try {
        const data = await api.post('/api/v1/cases', { fields, restricted: form.elements.restricted.checked });
        const c = unwrap(data);
        ctx.flash(notice('success', t('case.created', { id: c.id })));
        ctx.navigate(c.id !== undefined ? `cases/${c.id}` : 'cases');
      } catch (e) {
        fail(form, e, controls);
      }
    });
  });
  return h('div', { class: 'page' },
    h('p', { class: 'crumb' }, h('a', { href: '#/cases' }, t('cases.back'))),
    h('h1', { tabindex: '-1' }, t('cases.new')),
    h('p', { class: 'hint' }, t('case.form_intro')),
    form);
}

export async function renderEdit(ctx) {
  const id = ctx.params[0];
  const reg = await registry();
  const holder = h('div', {});
  const draw = async (flashNode) => {
    const r = await api.getWithVersion(`/api/v1/cases/${id}`);
    const c = unwrap(r.data);
    const version = r.version ?? c.version;
    const { form, controls } = caseForm(ctx, reg, c, t('common.save'), `#/cases/${id}`);
    const original = c.fields || {};
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      let values;
      try {
        values = readAll(controls);
      } catch (e) {
        fail(form, e, controls);
        return;
      }
      const changed = {};
      for (const [k, v] of Object.entries(values)) {
        if (canon(v) !== canon(original[k])) changed[k] = v === undefined ? null : v;
      }
      if (!Object.keys(changed).length) {
        showError(form, { code: 'invalid' }, t('form.unchanged'));
        return;
      }
      await busy(form, async () => {
        try {
          await api.patch(`/api/v1/cases/${id}`, { fields: changed }, version);
          ctx.flash(notice('success', t('case.saved')));
          ctx.navigate(`cases/${id}`);
        } catch (e) {
          if (e.status === 412) {
            await draw(notice('warning', t('case.conflict_form')));
            const box = holder.querySelector('.notice');
            if (box) box.focus();
            return;
          }
          fail(form, e, controls);
        }
      });
    });
    holder.replaceChildren(...[flashNode ? Object.assign(flashNode, { tabIndex: -1 }) : null, form].filter(Boolean));
  };
  await draw(null);
  return h('div', { class: 'page' },
    h('p', { class: 'crumb' }, h('a', { href: `#/cases/${id}` }, t('case.back'))),
    h('h1', { tabindex: '-1' }, t('case.edit_title', { id })),
    holder);
}
