// My orders: status, details, printing, and the order's message channel.
import { get, post, query } from '../api.js';
import { h } from '../dom.js';
import { t, money, number, date, label } from '../i18n.js';
import { badge, button, empty, field, flash, form, onSubmit, pager, section, submit, table, definitions } from '../ui.js';
import { navigate } from '../app.js';

export async function list({ params }) {
  const page = Number(params.get('page') || 1);
  const status = params.get('status') || '';
  const result = await get(`/orders${query({ page, per_page: 20, status })}`);
  const filter = h('nav', { class: 'actions', 'aria-label': t('orders.filter') },
    ['', 'placed', 'processing', 'fulfilled', 'delivered', 'cancelled'].map((s) =>
      h('a', { href: `#/orders${query({ status: s })}`, 'aria-current': s === status ? 'page' : null }, s ? label('order', s) : t('orders.all'))));
  const rows = result.items.map((order) => [
    h('a', { href: `#/order/${order.number}` }, order.number), date(order.placed_at),
    badge('order', order.status), badge('payment', order.payment_status), money(order.total)]);
  return h('div', {}, h('h1', {}, t('orders.title')), filter,
    rows.length ? table([t('col.number'), t('orders.placed'), t('col.status'), t('orders.payment'), t('totals.total')], rows) : empty(t('orders.none')),
    pager(result.page, result.pages, (p) => `#/orders${query({ status, page: p })}`));
}

export function chat(messages, authors = 'author') {
  return h('ol', { class: 'chat', 'aria-label': t('messages.conversation') }, messages.map((m) =>
    h('li', { class: m.author }, h('span', { class: 'meta' }, `${label(authors, m.author)} · ${date(m.created_at)}`), m.body)));
}

export function replyForm(onSend) {
  const replyBox = form(field(t('messages.body'), 'body', { type: 'textarea', required: true }), h('div', { class: 'actions' }, submit(t('messages.send'))));
  onSubmit(replyBox, async (values) => { await onSend(values.body); });
  return replyBox;
}

export async function detail({ args }) {
  const numberArg = args[0];
  const [order, channel] = await Promise.all([get(`/orders/${numberArg}`), get(`/orders/${numberArg}/messages`)]);
  const rows = order.lines.map((line) => [line.name, line.reference, String(line.quantity), number(line.unit_price, order.currency),
    `${line.vat_rate}%`, number(line.net_amount, order.currency)]);
  const address = order.shipping_address || {};
  const billing = order.billing || {};
  return h('div', {},
    h('p', { class: 'no-print' }, h('a', { href: '#/orders' }, t('orders.back'))),
    h('h1', {}, t('orders.order', { number: order.number })),
    h('div', { class: 'actions' },
      button(t('orders.print'), () => window.print()),
      order.customer_status === 'delivered' || order.status === 'delivered' ? h('a', { class: 'button', href: '#/returns' }, t('returns.request')) : null),
    h('div', { class: 'cols' },
      section(t('orders.status'), definitions([
        [t('col.status'), badge('order', order.status)],
        [t('orders.payment'), badge('payment', order.payment_status)],
        [t('orders.placed'), date(order.placed_at)],
        [t('checkout.payment'), label('payment', order.payment_method)],
        order.payment_instructions ? [t('orders.instructions'), order.payment_instructions] : null,
        order.carrier ? [t('orders.carrier'), `${order.carrier} ${order.tracking_number || ''}`] : null,
        order.delivered_at ? [t('orders.deliveredAt'), date(order.delivered_at)] : null])),
      section(t('orders.addresses'), definitions([
        [t('checkout.shipping'), [address.name, address.street, `${address.postal_code || ''} ${address.city || ''}`, address.country].filter(Boolean).join(', ')],
        [t('checkout.billing'), [billing.company_name, billing.street, `${billing.postal_code || ''} ${billing.city || ''}`, billing.country].filter(Boolean).join(', ')]]))),
    section(t('cart.lines'), table([t('col.item'), t('col.code'), t('field.quantity'), t('col.unitPrice'), t('totals.vat'), t('totals.net')], rows),
      h('div', { class: 'totals' }, definitions([
        [t('totals.net'), number(order.net_total, order.currency)], [t('totals.vat'), number(order.vat_total, order.currency)],
        [t('totals.shipping'), number(order.shipping_total, order.currency)], [t('totals.total'), h('strong', {}, money(order.total))]]))),
    section(t('orders.history'), h('ol', { class: 'timeline' }, order.history.map((change) =>
      h('li', {}, h('strong', {}, label('order', change.status)), ' · ', date(change.at), change.note ? ` — ${change.note}` : '')))),
    h('section', { class: 'card no-print' }, h('h2', {}, t('orders.messages')),
      channel.thread ? chat(channel.thread.messages) : empty(t('messages.noneYet')),
      replyForm(async (body) => { await post(`/orders/${order.number}/messages`, { body }); flash(t('messages.sent')); navigate(`/order/${order.number}`); })));
}
