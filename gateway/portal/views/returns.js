// Returns (RMA): eligible orders, the request form with per-line fields and photos,
// the timeline, the label, the shipment confirmation, the offer, the chat.
import { download, get, post, query, upload } from '../api.js';
import { h } from '../dom.js';
import { t, money, date, label } from '../i18n.js';
import { UserError, badge, button, definitions, empty, field, flash, form, nest, onSubmit, pager, section, submit, table } from '../ui.js';
import { navigate } from '../app.js';
import { chat, replyForm } from './orders.js';

export const SEAL_STATES = ['intact', 'broken', 'absent'];
export const USAGE = ['unused', 'used', 'defective', 'damaged_in_transit'];

export async function list({ params }) {
  const page = Number(params.get('page') || 1);
  const [eligible, mine] = await Promise.all([get('/returns/eligible-orders?per_page=100').then((page) => page.items), get(`/returns${query({ page, per_page: 20 })}`)]);
  const eligibleRows = eligible.map((order) => [order.order_number, date(order.delivered_at, false), date(order.window_closes_at, false),
    h('a', { class: 'button', href: `#/returns/new/${order.order_number}` }, t('returns.requestFor', { number: order.order_number }))]);
  const rows = mine.items.map((rma) => [h('a', { href: `#/return/${rma.number}` }, rma.number), rma.order_number,
    label('requestType', rma.request_type), badge('rma', rma.status), date(rma.created_at)]);
  return h('div', {}, h('h1', {}, t('returns.title')),
    section(t('returns.mine'), rows.length ? table([t('col.number'), t('returns.order'), t('returns.type'), t('col.status'), t('returns.opened')], rows) : empty(t('returns.none')),
      pager(mine.page, mine.pages, (p) => `#/returns?page=${p}`)),
    section(t('returns.eligible'), eligibleRows.length ? table([t('returns.order'), t('orders.deliveredAt'), t('returns.windowCloses'), ''], eligibleRows) : empty(t('returns.noEligible'))));
}

function lineFieldset(line, index) {
  const prefix = `lines.${index}`;
  const include = field(t('returns.includeLine', { name: line.name }), `${prefix}.include`, { type: 'checkbox' });
  const details = h('div', { class: 'form-row' },
    field(t('field.quantity'), `${prefix}.quantity`, { type: 'number', value: 1, attrs: { min: 1, max: line.returnable_quantity } }),
    field(t('returns.seal'), `${prefix}.seal_state`, { options: SEAL_STATES.map((s) => [s, label('seal', s)]) }),
    field(t('returns.usage'), `${prefix}.usage_condition`, { options: USAGE.map((s) => [s, label('usage', s)]) }));
  const texts = [
    field(t('returns.justification'), `${prefix}.justification`, { required: true }),
    field(t('returns.lineNote'), `${prefix}.note`),
    field(t('returns.exceptions'), `${prefix}.exceptions`)];
  return h('fieldset', { class: 'rma-line' }, h('legend', {}, `${line.position}. ${line.name}`),
    h('p', { class: 'muted' }, t('returns.returnable', { count: line.returnable_quantity, of: line.delivered_quantity }), ' · ', money(line.unit_price)),
    include, details, ...texts);
}

export async function create({ args }) {
  const orderNumber = args[0];
  const [eligible, me] = await Promise.all([get('/returns/eligible-orders?per_page=100').then((page) => page.items), get('/me')]);
  const order = eligible.find((o) => o.order_number === orderNumber);
  if (!order) return h('div', {}, h('h1', {}, t('returns.new')), h('p', { role: 'alert' }, t('returns.notEligible')));
  const lines = order.lines.filter((line) => line.returnable_quantity > 0);
  const rmaForm = form(
    field(t('returns.type'), 'request_type', { options: order.request_types.map((type) => [type, label('requestType', type)]) }),
    field(t('returns.invoice'), 'invoice_number'),
    ...lines.map(lineFieldset),
    field(t('returns.message'), 'message', { type: 'textarea', required: true }),
    h('fieldset', {}, h('legend', {}, t('returns.address')),
      field(t('field.name'), 'return_address.name', { required: true, value: `${me.first_name} ${me.last_name}` }),
      field(t('field.street'), 'return_address.street', { required: true }),
      h('div', { class: 'form-row' },
        field(t('field.postalCode'), 'return_address.postal_code', { required: true }),
        field(t('field.city'), 'return_address.city', { required: true }),
        field(t('field.country'), 'return_address.country', { required: true, value: 'IT', hint: t('field.countryHint'), attrs: { maxlength: 2 } }))),
    field(t('returns.photos'), 'photos', { type: 'file', hint: t('returns.photosHint'), attrs: { multiple: true, accept: 'image/jpeg,image/png,image/webp,application/pdf' } }),
    h('div', { class: 'actions' }, submit(t('returns.submit'))),
  );
  const idempotencyKey = crypto.randomUUID();
  onSubmit(rmaForm, async (values) => {
    const { photos, ...rest } = values;
    const body = nest(rest);
    const chosen = [];
    (body.lines ? Object.entries(body.lines) : []).forEach(([index, line]) => {
      if (!line.include) return;
      const { include, ...fields } = line;
      chosen.push({ ...fields, position: lines[Number(index)].position, _index: index });
    });
    if (!chosen.length) throw new UserError(t('returns.pickLine'));
    // The API numbers lines by their place in the list sent; keep the form's numbering for errors.
    const sent = { ...body, order_number: orderNumber, lines: chosen.map(({ _index, ...line }) => line) };
    let rma;
    try {
      rma = await post('/returns', sent, { 'Idempotency-Key': idempotencyKey });
    } catch (error) {
      if (error.fields) {
        const renamed = {};
        for (const [name, messages] of Object.entries(error.fields)) {
          const m = /^lines\.(\d+)\.(.+)$/.exec(name);
          renamed[m && chosen[Number(m[1])] ? `lines.${chosen[Number(m[1])]._index}.${m[2]}` : name] = messages;
        }
        error.fields = renamed;
      }
      throw error;
    }
    for (const file of photos || []) await upload(`/returns/${rma.number}/attachments`, file);
    flash(t('returns.created', { number: rma.number }));
    navigate(`/return/${rma.number}`);
  });
  return h('div', {}, h('p', {}, h('a', { href: '#/returns' }, t('returns.back'))),
    h('h1', {}, t('returns.newFor', { number: orderNumber })), section(t('returns.new'), rmaForm));
}

export function rmaFacts(rma) {
  return definitions([
    [t('col.status'), [badge('rma', rma.status), rma.overdue ? [' ', h('span', { class: 'badge overdue' }, t('staff.overdue'))] : null]],
    [t('returns.order'), rma.order_number], [t('returns.type'), label('requestType', rma.request_type)],
    [t('returns.opened'), date(rma.created_at)], [t('returns.reviewBy'), date(rma.review_deadline)],
    rma.resolution ? [t('returns.resolution'), label('resolution', rma.resolution)] : null,
    rma.offer ? [t('returns.offer'), `${label('offer', rma.offer.kind)} ${money(rma.offer.amount)} ${rma.offer.description || ''}`] : null,
    rma.carrier ? [t('returns.shipment'), `${rma.carrier} ${rma.tracking_number || ''}`] : null,
    rma.refund_due_at ? [t('returns.refundDue'), date(rma.refund_due_at, false)] : null,
    [t('returns.message'), rma.message]]);
}

export function rmaLines(rma) {
  return table([t('col.item'), t('field.quantity'), t('returns.justification'), t('returns.seal'), t('returns.usage')],
    rma.lines.map((line) => [`${line.position}. ${line.name}`, String(line.quantity), [line.justification, line.note ? [h('br', {}), h('small', {}, line.note)] : null],
      label('seal', line.seal_state), label('usage', line.usage_condition)]));
}

export function timeline(rma, authors = 'author') {
  return h('ol', { class: 'timeline' }, rma.timeline.map((entry) => h('li', {},
    h('strong', {}, label('rma', entry.status)), ` · ${date(entry.at)} · ${label(authors, entry.actor)}`, entry.note ? ` — ${entry.note}` : '')));
}

export async function detail({ args }) {
  const rmaNumber = args[0];
  const [rma, channel] = await Promise.all([get(`/returns/${rmaNumber}`), get(`/returns/${rmaNumber}/messages`)]);
  const reload = () => navigate(`/return/${rmaNumber}`);
  const steps = [];
  if (rma.label_available) {
    steps.push(section(t('returns.label'), h('p', {}, rma.label_prepaid ? t('returns.labelPrepaid') : t('returns.labelOwn')),
      button(t('returns.downloadLabel'), async () => { const name = await download(`/returns/${rmaNumber}/label`, `${rmaNumber}-label.pdf`); flash(t('returns.downloaded', { name })); }, { class: 'primary' })));
  }
  if (rma.status === 'approved') {
    const shipForm = form(h('div', { class: 'form-row' }, field(t('orders.carrier'), 'carrier', { required: true }), field(t('returns.tracking'), 'tracking_number', { required: true })),
      h('div', { class: 'actions' }, submit(t('returns.confirmShipment'))));
    onSubmit(shipForm, async (values) => { await post(`/returns/${rmaNumber}/shipment`, values); flash(t('returns.shipped')); reload(); });
    steps.push(section(t('returns.shipment'), shipForm));
  }
  if (rma.status === 'info_requested') {
    const resubmitForm = form(field(t('returns.details'), 'message', { type: 'textarea', required: true }), h('div', { class: 'actions' }, submit(t('returns.resubmit'))));
    onSubmit(resubmitForm, async (values) => { await post(`/returns/${rmaNumber}/resubmit`, values); reload(); });
    steps.push(section(t('returns.infoRequested'), resubmitForm));
  }
  if (rma.status === 'offered') {
    steps.push(section(t('returns.offer'), h('p', {}, `${label('offer', rma.offer.kind)} ${money(rma.offer.amount)}`),
      h('div', { class: 'actions' },
        button(t('returns.acceptOffer'), async () => { await post(`/returns/${rmaNumber}/offer`, { decision: 'accept' }); reload(); }, { class: 'primary' }),
        button(t('returns.declineOffer'), async () => { await post(`/returns/${rmaNumber}/offer`, { decision: 'decline' }); reload(); }))));
  }
  const photoInput = h('input', { type: 'file', id: 'rma-photo', accept: 'image/jpeg,image/png,image/webp,application/pdf' });
  const attachments = h('section', { class: 'card' }, h('h2', {}, t('returns.attachments')),
    rma.attachments.length ? h('ul', {}, rma.attachments.map((a) => h('li', {},
      button(a.filename, () => download(`/returns/${rmaNumber}/attachments/${a.id}`, a.filename), { class: 'link' }), ` ${Math.ceil(a.size / 1024)} KB`))) : empty(t('returns.noAttachments')),
    rma.status !== 'closed' ? h('div', { class: 'actions' }, h('label', { for: 'rma-photo' }, t('returns.addPhoto')), photoInput,
      button(t('returns.upload'), async () => {
        if (!photoInput.files.length) return;
        await upload(`/returns/${rmaNumber}/attachments`, photoInput.files[0]);
        flash(t('returns.uploaded')); reload();
      })) : null);
  return h('div', {}, h('p', {}, h('a', { href: '#/returns' }, t('returns.back'))),
    h('h1', {}, t('returns.rma', { number: rma.number })),
    h('div', { class: 'cols' }, section(t('returns.summary'), rmaFacts(rma)), section(t('returns.timeline'), timeline(rma))),
    ...steps,
    section(t('returns.lines'), rmaLines(rma)),
    attachments,
    section(t('returns.chat'), channel.thread ? chat(channel.thread.messages) : empty(t('messages.noneYet')),
      replyForm(async (body) => { await post(`/returns/${rmaNumber}/messages`, { body }); flash(t('messages.sent')); reload(); })));
}
