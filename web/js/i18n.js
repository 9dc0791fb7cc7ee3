// i18n: loads the message catalogue /i18n/<lang>.json (the same files the C side embeds),
// translates keys with {name} substitution, sets <html lang dir>, and formats dates.

export const LANGS = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];
// Each language's name in itself (also "meta.name" in each catalogue), for the switch.
export const LANG_NAMES = {
  ar: 'العربية', en: 'English', es: 'Español', fr: 'Français', ru: 'Русский', zh: '中文',
};
const STORAGE_KEY = 'ctis.lang';

const loaded = new Map(); // lang -> catalogue object
let lang = 'en';
let messages = {};
let fallback = {};

async function load(code) {
  if (loaded.has(code)) return loaded.get(code);
  const res = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`catalogue ${code}: HTTP ${res.status}`);
  const cat = await res.json();
  loaded.set(code, cat);
  return cat;
}

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode, policy)
  }
}

// The saved choice, else the first browser language we have, else English.
export function initialLang() {
  const saved = stored();
  if (LANGS.includes(saved)) return saved;
  const prefs = navigator.languages && navigator.languages.length
    ? navigator.languages : [navigator.language || 'en'];
  for (const p of prefs) {
    const primary = String(p).toLowerCase().split(/[-_]/)[0];
    if (LANGS.includes(primary)) return primary;
  }
  return 'en';
}

export function currentLang() {
  return lang;
}

// Loads a language, makes it current and remembers it. Listeners of 'ctis:lang' re-render.
export async function setLang(code, { remember = true } = {}) {
  if (!LANGS.includes(code)) code = 'en';
  fallback = await load('en');
  messages = code === 'en' ? fallback : await load(code);
  lang = code;
  const root = document.documentElement;
  root.lang = code;
  root.dir = messages['meta.dir'] === 'rtl' ? 'rtl' : 'ltr';
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, code);
    } catch {
      // not remembered; the choice still holds for this page
    }
  }
  window.dispatchEvent(new CustomEvent('ctis:lang', { detail: code }));
}

// The message for key with {name} placeholders replaced; English, then the key, as fallback.
export function t(key, params) {
  let msg = messages[key] ?? fallback[key] ?? key;
  if (params) {
    msg = msg.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return msg;
}

// Dates: epoch milliseconds or ISO text; 0, null and '' show as a dash.
export function formatDate(value, { time = true } = {}) {
  if (value === null || value === undefined || value === '' || value === 0) return '—';
  const d = typeof value === 'number' ? new Date(value) : new Date(String(value));
  if (Number.isNaN(d.getTime())) return String(value);
  const opts = time ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(lang, opts).format(d);
}
