// UI texts in five languages: the profile's language, else the one chosen here,
// else the browser's first supported one, else English. Missing keys fall back to English.
export const LANGUAGES = { it: 'Italiano', de: 'Deutsch', pl: 'Polski', uk: 'Українська', en: 'English' };
const CHOICE_KEY = 'sportello.lang';
const catalogs = {};
let current = 'en';

async function load(lang) {
  if (!catalogs[lang]) {
    const response = await fetch(`/portal/i18n/${lang}.json`);
    catalogs[lang] = response.ok ? await response.json() : {};
  }
  return catalogs[lang];
}

export function browserLanguage() {
  const stored = localStorage.getItem(CHOICE_KEY);
  if (stored && LANGUAGES[stored]) return stored;
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES[base]) return base;
  }
  return 'en';
}

export async function setLanguage(lang, remember = false) {
  if (!LANGUAGES[lang]) lang = 'en';
  await Promise.all([load('en'), load(lang)]);
  current = lang;
  if (remember) localStorage.setItem(CHOICE_KEY, lang);
  document.documentElement.lang = lang;
}

export const language = () => current;

export function t(key, vars) {
  let text = (catalogs[current] && catalogs[current][key]) ?? (catalogs.en && catalogs.en[key]) ?? key;
  if (vars) for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

export function money(value) {
  if (!value || value.amount === undefined || value.amount === null) return '–';
  return new Intl.NumberFormat(current, { style: 'currency', currency: value.currency || 'EUR' }).format(Number(value.amount));
}

export function number(value, currency = 'EUR') {
  return money({ amount: value, currency });
}

export function date(value, withTime = true) {
  if (!value) return '–';
  const options = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(current, options).format(new Date(value));
}

// Status words come from the API as codes (in_stock, delivered...): translate when known.
export function label(prefix, code) {
  if (code === null || code === undefined || code === '') return '–';
  const key = `${prefix}.${code}`;
  const text = t(key);
  return text === key ? String(code).replaceAll('_', ' ') : text;
}
