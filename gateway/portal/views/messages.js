// The message desk: my threads, a new message, one thread with replies.
import { get, post, query } from '../api.js';
import { h } from '../dom.js';
import { t, date, label } from '../i18n.js';
import { badge, empty, field, flash, form, nest, onSubmit, pager, section, submit, table } from '../ui.js';
import { navigate } from '../app.js';
import { chat, replyForm } from './orders.js';

export function contextLink(context, staff = false) {
  if (!context) return t('messages.general');
  if (staff) return `${label('context', context.type)} ${context.ref}`;
  const href = context.type === 'order' ? `#/order/${context.ref}` : `#/return/${context.ref}`;
  return h('a', { href }, `${label('context', context.type)} ${context.ref}`);
}

export async function list({ params }) {
  const page = Number(params.get('page') || 1);
  const result = await get(`/messages${query({ page, per_page: 20 })}`);
  const newForm = form(field(t('messages.body'), 'body', { type: 'textarea', required: true }), h('div', { class: 'actions' }, submit(t('messages.send'))));
  onSubmit(newForm, async (values) => {
    const thread = await post('/messages', nest(values));
    flash(t('messages.sent'));
    navigate(`/messages/${thread.id}`);
  });
  const rows = result.items.map((thread) => [
    h('a', { href: `#/messages/${thread.id}` }, thread.subject), contextLink(thread.context), badge('thread', thread.status),
    thread.unread ? h('strong', {}, t('messages.unread', { count: thread.unread })) : '0', date(thread.last_activity_at)]);
  return h('div', {}, h('h1', {}, t('messages.title')),
    section(t('messages.threads'), rows.length ? table([t('messages.subject'), t('messages.about'), t('col.status'), t('messages.unreadCol'), t('messages.last')], rows) : empty(t('messages.none')),
      pager(result.page, result.pages, (p) => `#/messages?page=${p}`)),
    section(t('messages.new'), newForm));
}

export async function thread({ args }) {
  const current = await get(`/messages/${args[0]}`);
  return h('div', {}, h('p', {}, h('a', { href: '#/messages' }, t('messages.back'))),
    h('h1', {}, current.subject),
    h('p', {}, contextLink(current.context), ' ', badge('thread', current.status)),
    section(t('messages.conversation'), chat(current.messages),
      current.status === 'closed' ? h('p', { class: 'muted' }, t('messages.closed'))
        : replyForm(async (body) => { await post(`/messages/${current.id}`, { body }); flash(t('messages.sent')); navigate(`/messages/${current.id}`); })));
}
