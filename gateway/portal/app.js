// Sportello portal: a hash-routed single-page app over the public /api/v1 API.
import { get, onUnauthorized, session, patch } from './api.js';
import { h, clear } from './dom.js';
import { LANGUAGES, browserLanguage, language, setLanguage, t } from './i18n.js';
import { errorText, expireFlash } from './ui.js';
import * as account from './views/account.js';
import * as catalog from './views/catalog.js';
import * as carts from './views/carts.js';
import * as orders from './views/orders.js';
import * as returns from './views/returns.js';
import * as messages from './views/messages.js';
import * as staff from './views/staff.js';

export const state = { user: null };

// [pattern, view, who may see it: 'any' | 'guest' | 'customer' | 'staff']
const ROUTES = [
  [/^\/?$/, catalog.home, 'any'],
  [/^\/login$/, account.login, 'guest'],
  [/^\/register$/, account.register, 'guest'],
  [/^\/forgot$/, account.forgot, 'guest'],
  [/^\/reset$/, account.reset, 'guest'],
  [/^\/activate$/, account.activate, 'guest'],
  [/^\/catalog$/, catalog.search, 'any'],
  [/^\/product\/(.+)$/, catalog.product, 'any'],
  [/^\/services$/, catalog.services, 'any'],
  [/^\/profile$/, account.profile, 'customer'],
  [/^\/company$/, account.company, 'customer'],
  [/^\/carts$/, carts.list, 'customer'],
  [/^\/cart\/([^/]+)$/, carts.detail, 'customer'],
  [/^\/checkout\/([^/]+)$/, carts.checkout, 'customer'],
  [/^\/quotes$/, carts.quotes, 'customer'],
  [/^\/orders$/, orders.list, 'customer'],
  [/^\/order\/([^/]+)$/, orders.detail, 'customer'],
  [/^\/returns$/, returns.list, 'customer'],
  [/^\/returns\/new\/([^/]+)$/, returns.create, 'customer'],
  [/^\/return\/([^/]+)$/, returns.detail, 'customer'],
  [/^\/messages$/, messages.list, 'customer'],
  [/^\/messages\/([^/]+)$/, messages.thread, 'customer'],
  [/^\/staff$/, staff.inbox, 'staff'],
  [/^\/staff\/thread\/([^/]+)$/, staff.thread, 'staff'],
  [/^\/staff\/orders$/, staff.orders, 'staff'],
  [/^\/staff\/quotes$/, staff.quotes, 'staff'],
  [/^\/staff\/returns$/, staff.returns, 'staff'],
  [/^\/staff\/return\/([^/]+)$/, staff.returnDetail, 'staff'],
  [/^\/staff\/notifications$/, staff.notifications, 'staff'],
];

export const isStaff = () => Boolean(state.user && state.user.staff_role);

export function navigate(path) {
  if (location.hash === `#${path}`) render();
  else location.hash = path;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: decodeURIComponent(path), params: new URLSearchParams(search) };
}

function navLink(href, text) {
  const here = location.hash.split('?')[0];
  const SUBPAGES = { '#/carts': ['#/cart/', '#/checkout/'], '#/orders': ['#/order/'], '#/returns': ['#/return/', '#/returns/'],
    '#/messages': ['#/messages/'], '#/staff': ['#/staff/thread/'], '#/staff/returns': ['#/staff/return/'], '#/catalog': ['#/product/'] };
  const current = here === href || (SUBPAGES[href] || []).some((prefix) => here.startsWith(prefix));
  return h('li', {}, h('a', { href, 'aria-current': current ? 'page' : null }, text));
}

function renderHeader() {
  const nav = clear(document.getElementById('nav'));
  const links = [];
  if (isStaff()) {
    links.push(navLink('#/staff', t('nav.inbox')), navLink('#/staff/orders', t('nav.staffOrders')),
      navLink('#/staff/quotes', t('nav.staffQuotes')), navLink('#/staff/returns', t('nav.staffReturns')),
      navLink('#/staff/notifications', t('nav.notifications')));
  } else {
    links.push(navLink('#/catalog', t('nav.catalog')), navLink('#/services', t('nav.services')));
    if (state.user) {
      links.push(navLink('#/carts', t('nav.carts')), navLink('#/quotes', t('nav.quotes')),
        navLink('#/orders', t('nav.orders')), navLink('#/returns', t('nav.returns')),
        navLink('#/messages', t('nav.messages')), navLink('#/profile', t('nav.profile')));
    }
  }
  nav.append(h('ul', {}, links));
  const who = clear(document.getElementById('who'));
  const languageSelect = h('select', { id: 'lang', 'aria-label': t('nav.language') },
    Object.entries(LANGUAGES).map(([code, name]) => h('option', { value: code, selected: code === language(), lang: code }, name)));
  languageSelect.addEventListener('change', async () => {
    await setLanguage(languageSelect.value, true);
    if (state.user && !isStaff()) {
      try { state.user = await patch('/me', { language: languageSelect.value }); } catch { /* kept locally */ }
    }
    render();
  });
  who.append(languageSelect);
  if (state.user) {
    who.append(h('span', { class: 'user' }, `${state.user.first_name || ''} ${state.user.last_name || ''}`.trim() || state.user.email),
      h('button', { type: 'button', id: 'logout', on: { click: account.logout } }, t('nav.logout')));
  } else {
    who.append(h('a', { href: '#/login', class: 'button' }, t('nav.login')), h('a', { href: '#/register', class: 'button' }, t('nav.register')));
  }
  document.querySelector('.skip').textContent = t('nav.skip');
  document.getElementById('brand').setAttribute('aria-label', t('app.home'));
}

let renderCount = 0;
export async function render() {
  const { path, params } = parseHash();
  const main = document.getElementById('main');
  const match = ROUTES.map(([pattern, view, who]) => [pattern.exec(path), view, who]).find(([m]) => m);
  renderHeader();
  expireFlash();
  const ticket = ++renderCount;
  if (!match) {
    clear(main).append(h('h1', { tabindex: '-1' }, t('notFound.title')), h('p', {}, h('a', { href: '#/' }, t('notFound.home'))));
    return;
  }
  const [found, view, who] = match;
  if ((who === 'customer' || who === 'staff') && !state.user) {
    sessionStorage.setItem('sportello.after', location.hash);
    navigate('/login');
    return;
  }
  if (who === 'guest' && state.user) { navigate(isStaff() ? '/staff' : '/catalog'); return; }
  if (who === 'customer' && isStaff()) { navigate('/staff'); return; }
  if (who === 'staff' && !isStaff()) { navigate('/catalog'); return; }
  if (view === catalog.home && isStaff()) { navigate('/staff'); return; }
  main.setAttribute('aria-busy', 'true');
  let content;
  try {
    content = await view({ args: found.slice(1), params, state });
  } catch (error) {
    content = h('div', {}, h('h1', { tabindex: '-1' }, t('error.title')), h('p', { role: 'alert' }, errorText(error)));
  }
  if (ticket !== renderCount) return; // a newer navigation won
  clear(main).append(content);
  main.removeAttribute('aria-busy');
  document.body.dataset.route = location.hash; // which route the page shows (tests wait for it)
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    document.title = `${heading.textContent} · Sportello`;
    if (renderCount > 1) heading.focus({ preventScroll: false });
  }
}

export async function signedIn(user) {
  state.user = user;
  if (user && user.language && !isStaff()) await setLanguage(user.language);
  const after = sessionStorage.getItem('sportello.after');
  sessionStorage.removeItem('sportello.after');
  if (after && !after.startsWith('#/login')) location.hash = after;
  else navigate(isStaff() ? '/staff' : '/catalog');
}

export async function signedOut() {
  state.user = null;
  session.token = null;
  navigate('/login');
}

// The shop's mails link to plain paths (/orders/N, /reset-password?token=...): the gateway
// serves this page there, and they become the app's own routes.
const MAIL_LINKS = [
  [/^\/reset-password$/, () => '/reset'], [/^\/activate$/, () => '/activate'], [/^\/quotes$/, () => '/quotes'],
  [/^\/orders\/(.+)$/, (m) => `/order/${m[1]}`], [/^\/returns\/(.+)$/, (m) => `/return/${m[1]}`],
  [/^\/messages\/(.+)$/, (m) => `/messages/${m[1]}`], [/^\/staff\/messages\/(.+)$/, (m) => `/staff/thread/${m[1]}`],
];

function adoptMailLink() {
  if (location.pathname === '/') return;
  for (const [pattern, route] of MAIL_LINKS) {
    const match = pattern.exec(location.pathname);
    if (match) {
      history.replaceState(null, '', `/#${route(match)}${location.search}`);
      return;
    }
  }
  history.replaceState(null, '', '/#/');
}

async function start() {
  adoptMailLink();
  await setLanguage(browserLanguage());
  onUnauthorized(() => { state.user = null; navigate('/login'); });
  if (session.token) {
    try {
      state.user = await get('/me');
      if (state.user.language && !isStaff() && !localStorage.getItem('sportello.lang')) await setLanguage(state.user.language);
    } catch {
      session.token = null;
      state.user = null;
    }
  }
  // The skip link must not become a route (#main): it only moves the focus.
  document.querySelector('.skip').addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('main').focus();
  });
  window.addEventListener('hashchange', render);
  await render();
  document.body.dataset.ready = 'true';
}

start();
