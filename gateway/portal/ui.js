// Form and page helpers shared by the views: labelled fields, problem+json errors
// shown next to the field at fault, a live region for outcomes.
import { ApiError } from './api.js';
import { h, clear, nextId } from './dom.js';
import { t, label } from './i18n.js';

export function field(labelText, name, { type = 'text', value = '', required = false, options = null,
  hint = null, autocomplete = null, attrs = {} } = {}) {
  const id = nextId(name.replaceAll('.', '-'));
  let input;
  if (options) {
    input = h('select', { id, name, required, ...attrs },
      options.map(([optValue, optLabel]) => h('option', { value: optValue, selected: String(optValue) === String(value ?? '') }, optLabel)));
  } else if (type === 'textarea') {
    input = h('textarea', { id, name, required, rows: 4, ...attrs });
    input.value = value ?? '';
  } else if (type === 'checkbox') {
    input = h('input', { id, name, type, checked: Boolean(value), required, ...attrs });
    return h('div', { class: 'field check', dataset: { field: name } }, input, h('label', { for: id }, labelText),
      h('p', { class: 'error', id: `${id}-error`, hidden: true }));
  } else {
    input = h('input', { id, name, type, value: value ?? '', required, autocomplete, ...attrs });
  }
  const errorId = `${id}-error`;
  input.setAttribute('aria-describedby', hint ? `${id}-hint ${errorId}` : errorId);
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, labelText, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('p', { class: 'error', id: errorId, hidden: true }));
}

export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') values[el.name] = el.checked;
    else if (el.type === 'file') values[el.name] = el.files;
    else if (el.type === 'number') values[el.name] = el.value === '' ? null : Number(el.value);
    else values[el.name] = el.value.trim();
  }
  return values;
}

// {"a.b": 1} -> {a: {b: 1}}; empty strings left out (optional fields stay absent).
export function nest(values) {
  const out = {};
  for (const [path, value] of Object.entries(values)) {
    if (value === '' || value === null || value === undefined) continue;
    const parts = path.split('.');
    let node = out;
    parts.slice(0, -1).forEach((part) => { node = node[part] = node[part] || {}; });
    node[parts[parts.length - 1]] = value;
  }
  return out;
}

export function clearErrors(form) {
  form.querySelectorAll('.error').forEach((el) => { el.hidden = true; el.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const summary = form.querySelector('.form-alert');
  if (summary) { summary.hidden = true; summary.textContent = ''; }
}

export function showError(form, error) {
  let summary = form.querySelector('.form-alert');
  if (!summary) {
    summary = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1' });
    form.prepend(summary);
  }
  const unplaced = [];
  let first = null;
  const fields = error instanceof ApiError ? error.fields : {};
  for (const [name, messages] of Object.entries(fields)) {
    const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!wrapper) { unplaced.push(`${name}: ${messages.join(' ')}`); continue; }
    const message = wrapper.querySelector('.error');
    message.textContent = messages.join(' ');
    message.hidden = false;
    const input = wrapper.querySelector('input, select, textarea');
    if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
  }
  const text = [errorText(error), ...unplaced].filter(Boolean).join(' ');
  summary.textContent = text;
  summary.hidden = false;
  (first || summary).focus?.();
}

// A mistake the portal itself finds before asking the API (shown as is).
export class UserError extends Error {}

export function errorText(error) {
  if (error instanceof ApiError) return error.message || t('error.generic');
  if (error instanceof UserError) return error.message;
  return t('error.network');
}

// Runs a form's submit handler with the button disabled and errors shown on the form.
export function onSubmit(form, handler) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const buttons = form.querySelectorAll('button[type=submit]');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await handler(formValues(form), event);
    } catch (error) {
      if (!(error instanceof ApiError) && !(error instanceof UserError)) console.warn(error);
      showError(form, error);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  return form;
}

export function form(...children) {
  return h('form', { novalidate: true }, h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true }), ...children);
}

export function submit(text) {
  return h('button', { type: 'submit', class: 'primary' }, text);
}

export function button(text, onClick, attrs = {}) {
  const el = h('button', { type: 'button', ...attrs }, text);
  el.addEventListener('click', async (event) => {
    el.disabled = true;
    try { await onClick(event); } catch (error) { flash(errorText(error), 'error'); } finally { el.disabled = false; }
  });
  return el;
}

export function flash(text, kind = 'ok') {
  const region = document.getElementById('flash');
  clear(region);
  region.className = `flash ${kind}`;
  region.append(h('p', {}, text));
  region.hidden = false;
  flash.pending = true;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { region.hidden = true; }, 6000);
}

export function badge(prefix, code, extra = '') {
  return h('span', { class: `badge ${prefix}-${code} ${extra}` }, label(prefix, code));
}

export function table(headers, rows, caption) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))));
}

export function pager(page, pages, go) {
  if (!pages || pages <= 1) return null;
  return h('nav', { class: 'pager', 'aria-label': t('pager.label') },
    page > 1 ? h('a', { href: go(page - 1), rel: 'prev' }, t('pager.prev')) : null,
    h('span', {}, t('pager.position', { page, pages })),
    page < pages ? h('a', { href: go(page + 1), rel: 'next' }, t('pager.next')) : null);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

export function definitions(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '–')]));
}

// A message outlives the page drawn right after it (the one its action led to), not the next.
export function expireFlash() {
  if (flash.pending) flash.pending = false;
  else document.getElementById('flash').hidden = true;
}
