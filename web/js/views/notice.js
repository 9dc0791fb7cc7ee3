// Rights notice section of the case page: a language picker (the six UN languages, each in its
// own name, preselected from the person's primary language when it is one of them) and a button
// that downloads the printable notice of the person's rights as a PDF. The file is fetched with
// the session cookie and handed to the browser as a Blob; it shows the case number, never a name.
import { ApiError } from '../api.js';
import { h, field, errorBlock } from '../dom.js';
import { t, LANGS, LANG_NAMES, currentLang } from '../i18n.js';

// ISO 639-3 (and 639-2) codes of the person's language -> the notice's language.
const FROM_ISO639 = {
  ara: 'ar', arb: 'ar', eng: 'en', spa: 'es', fra: 'fr', fre: 'fr', rus: 'ru', zho: 'zh', chi: 'zh', cmn: 'zh',
};

function initialLang(c) {
  const code = c.fields && typeof c.fields.primary_language === 'string' ? c.fields.primary_language : '';
  return FROM_ISO639[code.toLowerCase()] || currentLang();
}

async function download(c, lang) {
  const res = await fetch(`/api/v1/cases/${c.id}/rights-notice.pdf?lang=${encodeURIComponent(lang)}`, {
    credentials: 'same-origin', cache: 'no-store',
  });
  if (!res.ok) {
    let err = {};
    try {
      err = (await res.json()).error || {};
    } catch {
      err = {};
    }
    throw new ApiError(res.status, err.code || 'error', err.message, err.field);
  }
  const url = URL.createObjectURL(await res.blob());
  const link = h('a', { href: url, download: `rights-notice-${c.id}-${lang}.pdf` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function noticeSection(c) {
  const status = h('div', { 'aria-live': 'polite' });
  const langField = field({
    name: 'notice_lang', label: t('notice.lang_label'), value: initialLang(c),
    options: LANGS.map((code) => ({ value: code, label: LANG_NAMES[code] })),
  });
  const select = langField.querySelector('select');
  for (const opt of select.options) opt.lang = opt.value; // each name is in its own language
  const button = h('button', {
    type: 'button', class: 'secondary', 'data-rights-notice': '',
    onClick: async () => {
      status.replaceChildren();
      button.disabled = true;
      try {
        await download(c, select.value);
      } catch (e) {
        status.replaceChildren(errorBlock(e));
      } finally {
        button.disabled = false;
      }
    },
  }, t('notice.button'));
  return h('section', { class: 'card case-notice', 'aria-labelledby': 'case-notice' },
    h('h2', { id: 'case-notice' }, t('notice.section')),
    h('p', { class: 'hint' }, t('notice.hint')),
    langField,
    h('div', { class: 'actions' }, button),
    status);
}
