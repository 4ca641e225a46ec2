// Carts (states, the active one, prices refreshed), checkout with a preview, the quote cart and quotes.
import { ApiError, del, get, patch, post, query } from '../api.js';
import { h } from '../dom.js';
import { t, money, date } from '../i18n.js';
import { badge, button, empty, field, flash, form, nest, onSubmit, pager, section, submit, table, definitions } from '../ui.js';
import { navigate } from '../app.js';

function totalsBlock(totals) {
  if (!totals) return null;
  return h('div', { class: 'totals' }, definitions([
    [t('totals.net'), money(totals.net)], [t('totals.vat'), money(totals.vat)],
    [t('totals.shipping'), money(totals.shipping)], [t('totals.total'), h('strong', {}, money(totals.total))]]));
}

export async function list({ params }) {
  const page = Number(params.get('page') || 1);
  const result = await get(`/carts${query({ page, per_page: 20 })}`);
  const carts = result.items;
  const newForm = form(field(t('cart.name'), 'name', { required: true }), h('div', { class: 'actions' }, submit(t('cart.create'))));
  onSubmit(newForm, async (values) => {
    const cart = await post('/carts', { name: values.name });
    navigate(`/cart/${cart.id}`);
  });
  const rows = carts.map((cart) => [
    h('a', { href: `#/cart/${cart.id}` }, cart.name),
    badge('cart', cart.status),
    String(cart.lines.length),
    money(cart.totals && cart.totals.total),
    date(cart.updated_at),
    cart.status === 'inactive' ? button(t('cart.activate'), async () => { await post(`/carts/${cart.id}/activate`); flash(t('cart.activated', { name: cart.name })); navigate('/carts'); }) : '',
  ]);
  return h('div', {}, h('h1', {}, t('cart.listTitle')),
    section(t('cart.listTitle'), rows.length ? table([t('cart.name'), t('col.status'), t('cart.lines'), t('totals.total'), t('col.updated'), ''], rows) : empty(t('cart.none')),
      pager(result.page, result.pages, (p) => `#/carts${query({ page: p })}`)),
    section(t('cart.create'), newForm));
}

export async function detail({ args }) {
  const cart = await get(`/carts/${args[0]}`);
  const editable = cart.status !== 'purchased';
  const rows = cart.lines.map((line) => {
    const qty = h('input', { type: 'number', min: 1, value: line.quantity, 'aria-label': t('cart.quantityOf', { name: line.name }), class: 'qty' });
    return [
      h('span', {}, line.name, h('br', {}), h('small', { class: 'muted' }, line.reference),
        line.stale ? h('small', { class: 'badge payment-pending' }, t('cart.stale', { price: money(line.catalog_price) })) : null,
        line.unavailable ? h('small', { class: 'badge stock-out_of_stock' }, t('cart.unavailable')) : null),
      editable ? qty : String(line.quantity),
      money(line.unit_price),
      editable ? h('div', { class: 'actions' },
        button(t('action.update'), async () => { await patch(`/carts/${cart.id}/items/${line.id}`, { quantity: Number(qty.value) }); navigate(`/cart/${cart.id}`); }),
        button(t('action.remove'), async () => { await del(`/carts/${cart.id}/items/${line.id}`); navigate(`/cart/${cart.id}`); })) : '',
    ];
  });
  const actions = h('div', { class: 'actions' });
  if (editable) {
    actions.append(
      button(t('cart.refresh'), async () => {
        const result = await post(`/carts/${cart.id}/refresh-prices`);
        flash(result.changes.length ? t('cart.refreshed', { count: result.changes.length }) : t('cart.noChanges'));
        navigate(`/cart/${cart.id}`);
      }),
      cart.status === 'active' ? button(t('cart.deactivate'), async () => { await post(`/carts/${cart.id}/deactivate`); navigate('/carts'); })
        : button(t('cart.activate'), async () => { await post(`/carts/${cart.id}/activate`); navigate(`/cart/${cart.id}`); }),
      button(t('cart.delete'), async () => { if (window.confirm(t('cart.deleteConfirm'))) { await del(`/carts/${cart.id}`); navigate('/carts'); } }, { class: 'danger' }),
      cart.lines.length ? h('a', { class: 'button primary', href: `#/checkout/${cart.id}` }, t('cart.checkout')) : null);
  }
  return h('div', {}, h('p', {}, h('a', { href: '#/carts' }, t('cart.back'))),
    h('h1', {}, cart.name, ' ', badge('cart', cart.status)),
    cart.has_stale_prices ? h('p', { class: 'form-alert' }, t('cart.staleNotice')) : null,
    section(t('cart.lines'), rows.length ? table([t('col.item'), t('field.quantity'), t('col.unitPrice'), ''], rows) : empty(t('cart.empty')),
      totalsBlock(cart.totals)),
    actions);
}

export async function checkout({ args }) {
  const cartId = args[0];
  const [preview, billing] = await Promise.all([
    post(`/carts/${cartId}/checkout/preview`),
    get('/me/billing').catch((error) => { if (error instanceof ApiError && error.status < 500) return {}; throw error; }),
  ]);
  const b = billing || {};
  const address = (prefix, values = {}) => [
    field(t('field.street'), `${prefix}.street`, { required: true, value: values.street, autocomplete: 'street-address' }),
    h('div', { class: 'form-row' },
      field(t('field.postalCode'), `${prefix}.postal_code`, { required: true, value: values.postal_code, autocomplete: 'postal-code' }),
      field(t('field.city'), `${prefix}.city`, { required: true, value: values.city }),
      field(t('field.country'), `${prefix}.country`, { required: true, value: values.country || 'IT', hint: t('field.countryHint'), attrs: { maxlength: 2 } }))];
  const checkoutForm = form(
    h('fieldset', {}, h('legend', {}, t('checkout.shipping')),
      field(t('field.name'), 'shipping_address.name', { required: true, autocomplete: 'name' }),
      ...address('shipping_address', b),
      field(t('field.phone'), 'shipping_address.phone', { type: 'tel', hint: t('field.phoneHint') })),
    h('fieldset', {}, h('legend', {}, t('checkout.billing')),
      field(t('field.companyName'), 'billing.company_name', { value: b.company_name }),
      field(t('field.fiscalCode'), 'billing.fiscal_code', { value: b.fiscal_code }),
      field(t('field.vatNumber'), 'billing.vat_number', { value: b.vat_number }),
      ...address('billing', b)),
    field(t('checkout.payment'), 'payment_method', { options: [['bank_transfer', t('payment.bank_transfer')], ['cash_on_delivery', t('payment.cash_on_delivery')]] }),
    h('div', { class: 'actions' }, submit(t('checkout.place'))),
  );
  const idempotencyKey = crypto.randomUUID();
  onSubmit(checkoutForm, async (values) => {
    const order = await post(`/carts/${cartId}/checkout`, nest(values), { 'Idempotency-Key': idempotencyKey });
    flash(t('checkout.placed', { number: order.number }));
    navigate(`/order/${order.number}`);
  });
  const rows = preview.cart.lines.map((line) => [line.name, String(line.quantity), money(line.unit_price)]);
  return h('div', {}, h('h1', {}, t('checkout.title')),
    h('div', { class: 'cols' },
      section(t('checkout.preview'), table([t('col.item'), t('field.quantity'), t('col.unitPrice')], rows), totalsBlock(preview.totals),
        preview.ready ? null : h('p', { class: 'form-alert' }, t('checkout.notReady'))),
      section(t('checkout.details'), checkoutForm)));
}

export async function quotes({ params }) {
  const page = Number(params.get('page') || 1);
  const [cart, result] = await Promise.all([get('/quote-cart'), get(`/quotes${query({ page, per_page: 20 })}`)]);
  const mine = result.items;
  const requestForm = form(field(t('quote.message'), 'message', { type: 'textarea' }), h('div', { class: 'actions' }, submit(t('quote.request'))));
  onSubmit(requestForm, async (values) => {
    const quote = await post('/quote-cart/request', nest(values));
    flash(t('quote.requestedDone', { number: quote.number }));
    navigate('/quotes');
  });
  const lines = (cart.lines || []).map((line) => [line.name, String(line.quantity),
    Object.entries(line.form || {}).map(([k, v]) => `${k}: ${v}`).join(', '),
    button(t('action.remove'), async () => { await del(`/quote-cart/items/${line.id}`); navigate('/quotes'); })]);
  const rows = mine.map((quote) => [quote.number, badge('quote', quote.status), date(quote.requested_at),
    quote.valid_until ? date(quote.valid_until, false) : '–', money(quote.totals && quote.totals.total),
    h('div', { class: 'actions' },
      quote.status === 'priced' ? button(t('quote.accept'), async () => {
        const accepted = await post(`/quotes/${quote.number}/accept`);
        flash(t('quote.acceptedDone'));
        navigate(`/cart/${accepted.cart.id}`);
      }, { class: 'primary' }) : null,
      quote.status === 'priced' ? button(t('quote.decline'), async () => { await post(`/quotes/${quote.number}/decline`); navigate('/quotes'); }) : null,
      quote.staff_note ? h('span', { class: 'muted' }, quote.staff_note) : null)]);
  return h('div', {}, h('h1', {}, t('quote.title')),
    section(t('quote.cart'), lines.length ? [table([t('col.item'), t('field.quantity'), t('quote.details'), ''], lines), requestForm]
      : [empty(t('quote.cartEmpty')), h('p', {}, h('a', { href: '#/services' }, t('nav.services')))]),
    section(t('quote.mine'), rows.length ? table([t('col.number'), t('col.status'), t('quote.requestedAt'), t('quote.validUntil'), t('totals.total'), ''], rows) : empty(t('quote.none'))));
}
