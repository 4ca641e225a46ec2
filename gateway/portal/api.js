// The one door to the gateway: /api/v1 with the session's bearer token.
import { language } from './i18n.js';

const TOKEN_KEY = 'sportello.token';
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.fields = flattenErrors(this.problem.errors || {});
  }
}

// marshmallow nests errors ({"lines": {"0": {"justification": [..]}}}): the form
// fields are named by their dotted path, so flatten to that.
export function flattenErrors(errors, prefix = '', out = {}) {
  if (Array.isArray(errors)) {
    if (errors.every((e) => typeof e === 'string')) out[prefix || '_schema'] = errors;
    else errors.forEach((e, i) => flattenErrors(e, prefix ? `${prefix}.${i}` : String(i), out));
  } else if (errors && typeof errors === 'object') {
    for (const [key, value] of Object.entries(errors)) flattenErrors(value, prefix ? `${prefix}.${key}` : key, out);
  } else if (errors !== undefined && errors !== null) {
    out[prefix || '_schema'] = [String(errors)];
  }
  return out;
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

const listeners = new Set();
export function onUnauthorized(fn) { listeners.add(fn); }

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// A change whose answer was lost (the connection dropped, the gateway gave up: 502/503/504) may
// have happened all the same: it is sent again, with the same Idempotency-Key, so the shop does
// it once and answers as the first time (a second "add to cart" never adds a second piece).
const RETRY_STATUSES = new Set([502, 503, 504]);
const RETRY_DELAYS_MS = [500, 1500];
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchRetryingChanges(method, url, init) {
  if (!UNSAFE.has(method)) return fetch(url, init);
  if (!init.headers['Idempotency-Key']) init.headers['Idempotency-Key'] = newIdempotencyKey();
  for (let attempt = 0; ; attempt += 1) {
    const last = attempt >= RETRY_DELAYS_MS.length;
    try {
      const response = await fetch(url, init);
      if (last || !RETRY_STATUSES.has(response.status)) return response;
    } catch (error) { // a network error: nothing was answered
      if (last) throw error;
    }
    await sleep(RETRY_DELAYS_MS[attempt]);
  }
}

async function send(method, path, { body, formData, headers = {} } = {}) {
  // Problems (title, detail, field messages) come back in the page's language, shown as served.
  const init = {
    method,
    headers: { Accept: 'application/json, application/problem+json', 'Accept-Language': language(), ...headers },
  };
  if (session.token) init.headers.Authorization = `Bearer ${session.token}`;
  if (formData) init.body = formData;
  else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetchRetryingChanges(method, BASE + path, init);
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { problem = null; }
    if (response.status === 401 && session.token) {
      session.token = null;
      listeners.forEach((fn) => fn());
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

export async function api(method, path, options) {
  const response = await send(method, path, options);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path) => api('GET', path);
export const post = (path, body, headers) => api('POST', path, { body: body === undefined ? {} : body, headers });
export const patch = (path, body) => api('PATCH', path, { body });
export const put = (path, body) => api('PUT', path, { body });
export const del = (path, body) => api('DELETE', path, body === undefined ? {} : { body });

export function upload(path, file) {
  const formData = new FormData();
  formData.append('file', file, file.name);
  return api('POST', path, { formData });
}

// Downloads need the bearer header, so a plain link cannot fetch them: fetch the
// bytes and hand them to the browser as a file.
export async function download(path, fallbackName) {
  const response = await send('GET', path);
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="([^"]+)"/.exec(disposition);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = match ? match[1] : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return link.download;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
