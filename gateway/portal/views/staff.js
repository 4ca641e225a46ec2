// The staff desk: inbox with overdue marks, orders (status, payments), quote pricing,
// the RMA review queue and receipt, the notifications log.
import { download, get, post, query } from '../api.js';
import { h } from '../dom.js';
import { t, money, date, label } from '../i18n.js';
import { badge, button, empty, field, flash, form, nest, onSubmit, pager, section, submit, table } from '../ui.js';
import { navigate, state } from '../app.js';
import { chat } from './orders.js';
import { contextLink } from './messages.js';
import { rmaFacts, rmaLines, timeline } from './returns.js';

const overdueMark = (overdue) => (overdue ? h('span', { class: 'badge overdue' }, t('staff.overdue')) : '');

function filters(base, current, values, prefix, extra = {}) {
  return h('nav', { class: 'actions', 'aria-label': t('staff.filter') },
    ['', ...values].map((value) => h('a', { href: `#${base}${query({ ...extra, status: value })}`, 'aria-current': value === current ? 'page' : null },
      value ? label(prefix, value) : t('orders.all'))));
}

export async function inbox({ params }) {
  const page = Number(params.get('page') || 1);
  const status = params.get('status') || '';
  const overdue = params.get('overdue') || '';
  const result = await get(`/staff/messages${query({ page, per_page: 20, status, overdue })}`);
  const rows = result.items.map((thread) => [
    h('a', { href: `#/staff/thread/${thread.id}` }, thread.subject), contextLink(thread.context, true), badge('thread', thread.status),
    thread.unread ? h('strong', {}, String(thread.unread)) : '0', date(thread.first_response_due_at), overdueMark(thread.overdue), date(thread.last_activity_at)]);
  return h('div', {}, h('h1', {}, t('staff.inbox')),
    filters('/staff', status, ['open', 'answered', 'closed'], 'thread'),
    h('p', {}, h('a', { href: `#/staff${query({ overdue: overdue ? '' : 'true' })}` }, overdue ? t('staff.showAll') : t('staff.onlyOverdue'))),
    rows.length ? table([t('messages.subject'), t('messages.about'), t('col.status'), t('messages.unreadCol'), t('staff.dueBy'), '', t('messages.last')], rows) : empty(t('messages.none')),
    pager(result.page, result.pages, (p) => `#/staff${query({ status, overdue, page: p })}`));
}

export async function thread({ args }) {
  const current = await get(`/staff/messages/${args[0]}`);
  const reload = () => navigate(`/staff/thread/${current.id}`);
  const replyBox = form(field(t('messages.body'), 'body', { type: 'textarea', required: true }), h('div', { class: 'actions' }, submit(t('staff.answer'))));
  onSubmit(replyBox, async (values) => { await post(`/staff/messages/${current.id}`, values); flash(t('messages.sent')); reload(); });
  return h('div', {}, h('p', {}, h('a', { href: '#/staff' }, t('staff.backInbox'))),
    h('h1', {}, current.subject),
    h('p', {}, contextLink(current.context, true), ' ', badge('thread', current.status), ' ', overdueMark(current.overdue), ' ',
      h('span', { class: 'muted' }, t('staff.dueBy'), ': ', date(current.first_response_due_at))),
    h('div', { class: 'actions' },
      current.assigned_to !== state.user.id ? button(t('staff.assignMe'), async () => { await post(`/staff/messages/${current.id}/assign`, { staff_id: state.user.id }); reload(); }) : h('span', { class: 'muted' }, t('staff.assignedMe')),
      current.context && current.context.type === 'rma' ? h('a', { class: 'button', href: `#/staff/return/${current.context.ref}` }, t('staff.openRma')) : null,
      current.status !== 'closed' ? button(t('staff.close'), async () => { await post(`/staff/messages/${current.id}/close`); reload(); }) : null),
    section(t('messages.conversation'), chat(current.messages, 'staffAuthor'), current.status !== 'closed' ? replyBox : null));
}

const NEXT_STATUS = { placed: ['processing', 'cancelled'], processing: ['fulfilled', 'cancelled'], fulfilled: ['delivered'], delivered: [], cancelled: [] };

function orderActions(order) {
  const reload = () => navigate(location.hash.slice(1));
  const nexts = NEXT_STATUS[order.status] || ['processing', 'fulfilled', 'delivered', 'cancelled'];
  const statusForm = form(
    h('div', { class: 'form-row' },
      field(t('staff.moveTo'), 'status', { options: nexts.map((s) => [s, label('order', s)]) }),
      field(t('orders.carrier'), 'carrier'),
      field(t('returns.tracking'), 'tracking_number'),
      field(t('staff.note'), 'note')),
    h('div', { class: 'actions' }, submit(t('staff.move'))));
  statusForm.setAttribute('aria-label', t('staff.statusOf', { number: order.number }));
  onSubmit(statusForm, async (values) => {
    await post(`/staff/orders/${order.number}/status`, nest(values));
    flash(t('staff.moved', { number: order.number, status: label('order', values.status) }));
    reload();
  });
  const paymentForm = form(
    h('div', { class: 'form-row' },
      field(t('staff.amount'), 'amount', { type: 'number', required: true, attrs: { step: '0.01', min: '0.01' }, value: order.total ? order.total.amount : '' }),
      field(t('staff.reference'), 'reference')),
    h('div', { class: 'actions' }, submit(t('staff.recordPayment'))));
  paymentForm.setAttribute('aria-label', t('staff.paymentOf', { number: order.number }));
  onSubmit(paymentForm, async (values) => {
    await post(`/staff/orders/${order.number}/payments`, nest(values));
    flash(t('staff.paid', { number: order.number }));
    reload();
  });
  return h('details', {}, h('summary', {}, t('staff.manage', { number: order.number })), nexts.length ? statusForm : null,
    order.payment_status !== 'paid' ? paymentForm : null);
}

const ORDER_SEARCH = ['customer_number', 'number', 'placed_from', 'placed_to'];

export async function orders({ params }) {
  const page = Number(params.get('page') || 1);
  const status = params.get('status') || '';
  const search = Object.fromEntries(ORDER_SEARCH.map((name) => [name, params.get(name) || '']));
  const result = await get(`/staff/orders${query({ page, per_page: 20, status, ...search })}`);
  const searchForm = form(h('div', { class: 'search' },
    field(t('staff.customerNumber'), 'customer_number', { value: search.customer_number, attrs: { placeholder: 'CUS-000042' } }),
    field(t('staff.orderNumber'), 'number', { value: search.number, attrs: { placeholder: 'ORD-2026-000042' } }),
    field(t('staff.placedFrom'), 'placed_from', { type: 'date', value: search.placed_from }),
    field(t('staff.placedTo'), 'placed_to', { type: 'date', value: search.placed_to }),
    submit(t('catalog.search'))));
  searchForm.setAttribute('role', 'search');
  searchForm.setAttribute('aria-label', t('staff.findOrders'));
  onSubmit(searchForm, async (values) => {
    const wanted = { status, ...values };
    await get(`/staff/orders${query({ ...wanted, per_page: 1 })}`); // a refused search shows on its field
    navigate(`/staff/orders${query(wanted)}`);
  });
  const rows = result.items.map((order) => [h('strong', {}, order.number), date(order.placed_at), badge('order', order.status),
    badge('payment', order.payment_status), money(order.total), orderActions(order)]);
  return h('div', {}, h('h1', {}, t('staff.orders')), searchForm,
    filters('/staff/orders', status, ['placed', 'processing', 'fulfilled', 'delivered', 'cancelled'], 'order', search),
    rows.length ? table([t('col.number'), t('orders.placed'), t('col.status'), t('orders.payment'), t('totals.total'), ''], rows) : empty(t('orders.none')),
    pager(result.page, result.pages, (p) => `#/staff/orders${query({ status, ...search, page: p })}`));
}

export async function quotes({ params }) {
  const status = params.has('status') ? params.get('status') : 'requested';
  const page = Number(params.get('page') || 1);
  const result = await get(`/staff/quotes${query({ status, page, per_page: 20 })}`);
  const cards = result.items.map((quote) => {
    const priceForm = form(
      ...quote.lines.map((line) => h('div', { class: 'form-row' },
        h('p', {}, h('strong', {}, line.name), ` × ${line.quantity}`, h('br', {}),
          h('small', { class: 'muted' }, Object.entries(line.form || {}).map(([k, v]) => `${k}: ${v}`).join(', '))),
        field(t('staff.unitPrice', { name: line.name }), `price.${line.id}`, { type: 'number', required: true, attrs: { step: '0.01', min: '0' } }))),
      field(t('quote.validUntil'), 'valid_until', { type: 'date', required: true }),
      field(t('staff.note'), 'note', { type: 'textarea' }),
      h('div', { class: 'actions' }, submit(t('staff.price'))));
    onSubmit(priceForm, async (values) => {
      const lines = quote.lines.map((line) => ({ line_id: line.id, unit_price: values[`price.${line.id}`] }));
      const body = { lines, valid_until: values.valid_until };
      if (values.note) body.note = values.note;
      await post(`/staff/quotes/${quote.number}/price`, body);
      flash(t('staff.priced', { number: quote.number }));
      navigate('/staff/quotes');
    });
    return h('section', { class: 'card' }, h('h2', {}, quote.number, ' ', badge('quote', quote.status)),
      h('p', { class: 'muted' }, date(quote.requested_at)), quote.message ? h('p', {}, quote.message) : null,
      quote.status === 'requested' ? priceForm : h('p', {}, money(quote.totals && quote.totals.total)));
  });
  return h('div', {}, h('h1', {}, t('staff.quotes')),
    filters('/staff/quotes', status, ['requested', 'priced', 'accepted', 'ordered', 'declined', 'expired'], 'quote'),
    cards.length ? cards : empty(t('quote.none')),
    pager(result.page, result.pages, (p) => `#/staff/quotes${query({ status, page: p })}`));
}

export async function returns({ params }) {
  const page = Number(params.get('page') || 1);
  const status = params.get('status') || '';
  const overdue = params.get('overdue') || '';
  const result = await get(`/staff/returns${query({ page, per_page: 20, status, overdue })}`);
  const rows = result.items.map((rma) => [h('a', { href: `#/staff/return/${rma.number}` }, rma.number), rma.order_number,
    label('requestType', rma.request_type), badge('rma', rma.status), date(rma.review_deadline), overdueMark(rma.overdue)]);
  return h('div', {}, h('h1', {}, t('staff.returns')),
    filters('/staff/returns', status, ['submitted', 'info_requested', 'approved', 'shipped', 'received', 'accepted', 'refused', 'resolved'], 'rma'),
    rows.length ? table([t('col.number'), t('returns.order'), t('returns.type'), t('col.status'), t('returns.reviewBy'), ''], rows) : empty(t('returns.none')),
    pager(result.page, result.pages, (p) => `#/staff/returns${query({ status, overdue, page: p })}`));
}

export async function returnDetail({ args }) {
  const number = args[0];
  const rma = await get(`/staff/returns/${number}`);
  const reload = () => navigate(`/staff/return/${number}`);
  const steps = [];
  if (rma.status === 'submitted') {
    const reviewForm = form(
      field(t('staff.decision'), 'decision', { options: ['approve', 'request_info', 'reject', 'offer'].map((d) => [d, label('decision', d)]) }),
      field(t('staff.messageToCustomer'), 'message', { type: 'textarea', required: true }),
      h('fieldset', {}, h('legend', {}, t('staff.offerIfAny')),
        field(t('staff.offerKind'), 'offer.kind', { options: [['', '—'], ['discount', label('offer', 'discount')], ['voucher', label('offer', 'voucher')]] }),
        field(t('staff.amount'), 'offer.amount.amount', { type: 'number', attrs: { step: '0.01', min: '0.01' } }),
        field(t('staff.offerDescription'), 'offer.description')),
      h('div', { class: 'actions' }, submit(t('staff.review'))));
    onSubmit(reviewForm, async (values) => {
      const body = nest(values);
      if (body.decision !== 'offer') delete body.offer;
      else if (body.offer && body.offer.amount) body.offer.amount = { amount: String(body.offer.amount.amount), currency: 'EUR' };
      await post(`/staff/returns/${number}/review`, body);
      flash(t('staff.reviewed', { number }));
      reload();
    });
    steps.push(section(t('staff.review'), reviewForm));
  }
  if (rma.status === 'shipped') {
    const receiptForm = form(field(t('staff.decision'), 'decision', { options: [['accept', label('decision', 'accept')], ['refuse', label('decision', 'refuse')]] }),
      field(t('staff.note'), 'note'), h('div', { class: 'actions' }, submit(t('staff.receive'))));
    onSubmit(receiptForm, async (values) => { await post(`/staff/returns/${number}/receipt`, nest(values)); reload(); });
    steps.push(section(t('staff.receipt'), receiptForm));
  }
  if (rma.status === 'accepted') {
    const resolveForm = form(field(t('staff.note'), 'note'), h('div', { class: 'actions' }, submit(t('staff.resolve'))));
    onSubmit(resolveForm, async (values) => { await post(`/staff/returns/${number}/resolution`, nest(values)); reload(); });
    steps.push(section(t('staff.resolution'), resolveForm));
  }
  if (rma.status === 'refused') {
    const backForm = form(h('div', { class: 'form-row' }, field(t('orders.carrier'), 'carrier', { required: true }), field(t('returns.tracking'), 'tracking_number', { required: true })),
      field(t('staff.note'), 'note'), h('div', { class: 'actions' }, submit(t('staff.sendBack'))));
    onSubmit(backForm, async (values) => { await post(`/staff/returns/${number}/return-shipment`, nest(values)); reload(); });
    steps.push(section(t('staff.sendBack'), backForm));
  }
  if (['rejected', 'resolved', 'returned_to_customer'].includes(rma.status)) {
    const closeForm = form(field(t('staff.note'), 'note'), h('div', { class: 'actions' }, submit(t('staff.closeRma'))));
    onSubmit(closeForm, async (values) => { await post(`/staff/returns/${number}/close`, nest(values)); reload(); });
    steps.push(section(t('staff.closeRma'), closeForm));
  }
  return h('div', {}, h('p', {}, h('a', { href: '#/staff/returns' }, t('staff.backReturns'))),
    h('h1', {}, t('returns.rma', { number: rma.number })),
    h('div', { class: 'cols' }, section(t('returns.summary'), rmaFacts(rma)), section(t('returns.timeline'), timeline(rma, 'staffAuthor'))),
    ...steps,
    section(t('returns.lines'), rmaLines(rma)),
    section(t('returns.attachments'), rma.attachments.length ? h('ul', {}, rma.attachments.map((a) => h('li', {},
      button(a.filename, () => download(`/staff/returns/${number}/attachments/${a.id}`, a.filename), { class: 'link' }), ` ${a.content_type}, ${Math.ceil(a.size / 1024)} KB`)))
      : empty(t('returns.noAttachments'))));
}

export async function notifications({ params }) {
  const page = Number(params.get('page') || 1);
  const status = params.get('status') || '';
  const result = await get(`/staff/notifications${query({ page, per_page: 25, status })}`);
  const rows = result.items.map((n) => [date(n.created_at), n.kind, n.channel, n.recipient, n.subject, n.language, badge('notification', n.status),
    String(n.attempts), n.last_error || '']);
  return h('div', {}, h('h1', {}, t('staff.notifications')),
    filters('/staff/notifications', status, ['pending', 'waiting_for_order', 'sent', 'failed', 'cancelled'], 'notification'),
    rows.length ? table([t('staff.when'), t('staff.kind'), t('staff.channel'), t('staff.recipient'), t('messages.subject'), t('field.language'), t('col.status'), t('staff.attempts'), t('staff.lastError')], rows) : empty(t('staff.noNotifications')),
    pager(result.page, result.pages, (p) => `#/staff/notifications${query({ status, page: p })}`));
}
