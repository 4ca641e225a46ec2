// Catalog search with paging and thumbnails, the product page, services with their forms.
import { get, post, query } from '../api.js';
import { h } from '../dom.js';
import { t, money, label } from '../i18n.js';
import { field, flash, form, nest, onSubmit, section, submit, pager, empty, badge } from '../ui.js';
import { navigate, state } from '../app.js';

export function home(ctx) {
  return search(ctx);
}

// Names under .example, .invalid and .test never resolve (RFC 2606, RFC 6761): the demo
// catalog's pictures live there, so they get the placeholder without a doomed request.
const RESERVED_HOSTS = /\.(example|invalid|test)$/i;

function loadable(url) {
  try {
    return Boolean(url) && !RESERVED_HOSTS.test(new URL(url, location.href).hostname);
  } catch {
    return false;
  }
}

function thumbnail(url, alt) {
  const usable = loadable(url);
  const img = h('img', { class: 'thumb', alt, loading: 'lazy', width: 320, height: 240, src: usable ? url : null });
  if (!usable) img.classList.add('missing');
  // A picture host that does not answer leaves a neutral placeholder, not a broken image.
  img.addEventListener('error', () => { img.removeAttribute('src'); img.classList.add('missing'); });
  return img;
}

function addToCartForm(code) {
  const addForm = form(
    h('div', { class: 'search' },
      field(t('field.quantity'), 'quantity', { type: 'number', value: 1, attrs: { min: 1, max: 9999 } }),
      submit(t('cart.add'))),
  );
  addForm.setAttribute('aria-label', t('cart.addNamed', { code }));
  addForm.classList.add('add-form');
  onSubmit(addForm, async (values) => {
    if (!state.user) { sessionStorage.setItem('sportello.after', location.hash); navigate('/login'); return; }
    const added = await post('/cart/items', { code, quantity: values.quantity || 1 });
    flash(t('cart.added', { name: added.cart.lines.find((l) => l.id === added.line_id)?.name || code, cart: added.cart.name }));
  });
  return addForm;
}

export async function search({ params }) {
  const q = params.get('q') || '';
  const page = Number(params.get('page') || 1);
  const category = params.get('category') || '';
  const sort = params.get('sort') || 'relevance';
  const [result, categories] = await Promise.all([
    get(`/catalog/products${query({ q, page, per_page: 12, category, sort })}`),
    get('/catalog/categories?per_page=100').then((page) => page.items),
  ]);
  const searchForm = h('form', { class: 'search', role: 'search' },
    field(t('catalog.query'), 'q', { type: 'search', value: q }),
    field(t('catalog.category'), 'category', { value: category, options: [['', t('catalog.allCategories')], ...categories.map((c) => [c.slug, `${c.name} (${c.count})`])] }),
    field(t('catalog.sort'), 'sort', { value: sort, options: ['relevance', 'name', 'price_asc', 'price_desc'].map((s) => [s, label('sort', s)]) }),
    h('button', { type: 'submit', class: 'primary' }, t('catalog.search')));
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(searchForm);
    navigate(`/catalog${query({ q: data.get('q').trim(), category: data.get('category'), sort: data.get('sort') })}`);
  });
  const link = (p) => `#/catalog${query({ q, category, sort, page: p })}`;
  const cards = result.items.map((item) => h('article', { class: 'card product-card' },
    h('a', { href: `#/product/${encodeURIComponent(item.code)}`, tabindex: '-1', 'aria-hidden': 'true' }, thumbnail(item.thumbnail_url, '')),
    h('div', {},
      h('h2', {}, h('a', { href: `#/product/${encodeURIComponent(item.code)}` }, item.name)),
      h('p', { class: 'muted' }, item.code, item.producer ? ` · ${item.producer.name}` : ''),
      h('p', {}, h('span', { class: 'price' }, money(item.price)), ' ', badge('stock', item.stock_status))),
    addToCartForm(item.code)));
  return h('div', {},
    h('h1', {}, t('catalog.title')),
    searchForm,
    h('p', { class: 'muted', role: 'status' }, t('catalog.found', { total: result.total })),
    cards.length ? h('div', { class: 'grid' }, cards) : empty(t('catalog.none')),
    pager(result.page, result.pages, link));
}

export async function product({ args }) {
  const code = args[0];
  const item = await get(`/catalog/products/${encodeURIComponent(code)}`);
  return h('div', {},
    h('p', {}, h('a', { href: '#/catalog' }, t('catalog.back'))),
    h('h1', {}, item.name),
    h('div', { class: 'cols' },
      h('div', {}, thumbnail(item.thumbnail_url, item.name),
        item.image_urls.length ? h('div', { class: 'gallery' }, item.image_urls.map((url, i) => thumbnail(url, `${item.name} ${i + 1}`))) : null),
      section(t('product.buy'),
        h('p', { class: 'muted' }, `${t('product.code')}: ${item.code}`, item.producer ? ` · ${item.producer.name}` : ''),
        h('p', {}, h('span', { class: 'price' }, money(item.price)), ' ', h('span', { class: 'muted' }, t('product.vat', { rate: item.vat_rate }))),
        h('p', {}, badge('stock', item.stock_status)),
        item.active ? addToCartForm(item.code) : h('p', {}, t('product.inactive')),
        item.categories.length ? h('p', { class: 'muted' }, item.categories.map((c) => c.name).join(', ')) : null)),
    section(t('product.description'), h('p', { class: 'prewrap' }, item.technical_description || '–')));
}

function serviceForm(service) {
  const inputs = (service.form || []).map((def) => {
    const name = `form.${def.name}`;
    const attrs = {};
    if (def.max_length) attrs.maxlength = def.max_length;
    if (def.min !== undefined && def.min !== null) attrs.min = def.min;
    if (def.max !== undefined && def.max !== null) attrs.max = def.max;
    if (def.type === 'choice') {
      return field(def.label, name, { required: def.required, options: [['', '—'], ...(def.choices || []).map((c) => [c, c])] });
    }
    return field(def.label, name, { required: def.required, type: def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : 'text', attrs });
  });
  const orderForm = form(...inputs,
    field(t('field.quantity'), 'quantity', { type: 'number', value: 1, attrs: { min: 1 } }),
    h('div', { class: 'actions' }, submit(service.pricing === 'quote' ? t('services.toQuote') : t('cart.add'))));
  onSubmit(orderForm, async (values) => {
    if (!state.user) { navigate('/login'); return; }
    const body = nest(values);
    const payload = { service_id: service.id, quantity: body.quantity || 1, form: body.form || {} };
    try {
      if (service.pricing === 'quote') {
        await post('/quote-cart/items', payload);
        flash(t('services.addedQuote', { name: service.name }));
      } else {
        const added = await post('/cart/items', payload);
        flash(t('cart.added', { name: service.name, cart: added.cart.name }));
      }
    } catch (error) {
      // The order form's problems come keyed by the form's own field names.
      const names = new Set((service.form || []).map((def) => def.name));
      if (error.fields) {
        error.fields = Object.fromEntries(Object.entries(error.fields).map(([name, messages]) =>
          [names.has(name) ? `form.${name}` : name, messages]));
      }
      throw error;
    }
  });
  return orderForm;
}

export async function services({ params }) {
  const category = params.get('category') || '';
  const [list, categories] = await Promise.all([
    get(`/catalog/services${query({ category, per_page: 100 })}`).then((page) => page.items),
    get('/catalog/service-categories?per_page=100').then((page) => page.items)]);
  const picker = h('nav', { class: 'actions', 'aria-label': t('services.categories') },
    h('a', { href: '#/services', 'aria-current': category ? null : 'page' }, t('catalog.allCategories')),
    categories.map((c) => h('a', { href: `#/services?category=${encodeURIComponent(c.slug)}`, 'aria-current': c.slug === category ? 'page' : null }, `${c.name} (${c.count})`)));
  return h('div', {}, h('h1', {}, t('services.title')), picker,
    list.length ? h('div', { class: 'cols' }, list.map((service) => h('section', { class: 'card' },
      h('h2', {}, service.name),
      h('p', { class: 'muted' }, service.category.name, ' · ',
        service.pricing === 'quote' ? t('services.onQuote') : money(service.price)),
      h('p', {}, service.description),
      serviceForm(service)))) : empty(t('services.none')));
}
