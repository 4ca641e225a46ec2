// Log in/out, registration, password reset, activation, profile, billing, privacy, company.
import { ApiError, del, get, patch, post, put, query, session } from '../api.js';
import { h } from '../dom.js';
import { LANGUAGES, language, setLanguage, t, label, date } from '../i18n.js';
import { field, flash, form, nest, onSubmit, pager, section, submit, table, empty, button, badge } from '../ui.js';
import { navigate, signedIn, signedOut, state } from '../app.js';

const COUNTRY_HINT = () => t('field.countryHint');
const languageOptions = () => Object.entries(LANGUAGES).map(([code, name]) => [code, name]);

export function login() {
  const loginForm = form(
    field(t('field.identifier'), 'identifier', { required: true, autocomplete: 'username', hint: t('login.identifierHint') }),
    field(t('field.password'), 'password', { type: 'password', required: true, autocomplete: 'current-password' }),
    h('div', { class: 'actions' }, submit(t('login.submit')), h('a', { href: '#/forgot' }, t('login.forgot'))),
  );
  onSubmit(loginForm, async (values) => {
    const result = await post('/auth/login', values);
    session.token = result.token;
    await signedIn(result.customer);
  });
  return h('div', { class: 'narrow' }, h('h1', {}, t('login.title')), section(t('login.title'), loginForm),
    h('p', {}, t('login.noAccount'), ' ', h('a', { href: '#/register' }, t('nav.register'))));
}

export async function logout() {
  try { await post('/auth/logout'); } catch { /* the session ends here either way */ }
  await signedOut();
  flash(t('logout.done'));
}

export function register() {
  const company = h('fieldset', { hidden: true },
    h('legend', {}, t('register.company')),
    field(t('field.companyName'), 'company.name', { required: true, autocomplete: 'organization' }),
    field(t('field.taxId'), 'company.tax_id', { required: true }),
    field(t('field.street'), 'company.address.street', { required: true }),
    h('div', { class: 'form-row' },
      field(t('field.postalCode'), 'company.address.postal_code', { required: true }),
      field(t('field.city'), 'company.address.city', { required: true }),
      field(t('field.country'), 'company.address.country', { required: true, hint: COUNTRY_HINT(), attrs: { maxlength: 2 } })),
    field(t('register.resale'), 'resale_declaration', { type: 'checkbox' }));
  const kind = field(t('register.kind'), 'kind', { options: [['private', t('register.private')], ['business', t('register.business')]] });
  kind.querySelector('select').addEventListener('change', (event) => {
    company.hidden = event.target.value !== 'business';
    company.querySelectorAll('input').forEach((input) => { input.disabled = company.hidden; });
  });
  company.querySelectorAll('input').forEach((input) => { input.disabled = true; });
  const registerForm = form(
    kind,
    h('div', { class: 'form-row' },
      field(t('field.firstName'), 'first_name', { required: true, autocomplete: 'given-name' }),
      field(t('field.lastName'), 'last_name', { required: true, autocomplete: 'family-name' })),
    field(t('field.email'), 'email', { type: 'email', required: true, autocomplete: 'email' }),
    field(t('field.password'), 'password', { type: 'password', required: true, autocomplete: 'new-password', hint: t('register.passwordHint') }),
    field(t('field.phone'), 'phone', { type: 'tel', autocomplete: 'tel', hint: t('field.phoneHint') }),
    field(t('field.language'), 'language', { options: languageOptions(), value: language() }),
    company,
    field(t('register.terms'), 'accept_terms', { type: 'checkbox', required: true }),
    h('div', { class: 'actions' }, submit(t('register.submit'))),
  );
  onSubmit(registerForm, async (values) => {
    const { kind: chosen, ...rest } = values;
    const body = nest(rest);
    if (chosen !== 'business') { delete body.company; delete body.resale_declaration; }
    if (!body.accept_terms) body.accept_terms = false;
    await post('/accounts', body);
    const result = await post('/auth/login', { identifier: body.email, password: body.password });
    session.token = result.token;
    flash(t('register.done'));
    await signedIn(result.customer);
  });
  return h('div', {}, h('h1', {}, t('register.title')), section(t('register.title'), registerForm));
}

export function forgot() {
  const forgotForm = form(
    h('p', {}, t('forgot.intro')),
    field(t('field.email'), 'email', { type: 'email', autocomplete: 'email' }),
    field(t('field.phone'), 'phone', { type: 'tel', hint: t('field.phoneHint') }),
    h('div', { class: 'actions' }, submit(t('forgot.submit'))),
  );
  onSubmit(forgotForm, async (values) => {
    await post('/auth/password-reset', nest(values));
    flash(t('forgot.sent'));
  });
  return h('div', {}, h('h1', {}, t('forgot.title')), section(t('forgot.title'), forgotForm),
    h('p', {}, h('a', { href: '#/reset' }, t('forgot.haveToken'))));
}

export function reset({ params }) {
  const resetForm = form(
    field(t('field.token'), 'token', { required: true, value: params.get('token') || '' }),
    field(t('field.newPassword'), 'password', { type: 'password', required: true, autocomplete: 'new-password' }),
    h('div', { class: 'actions' }, submit(t('reset.submit'))),
  );
  onSubmit(resetForm, async (values) => {
    await post('/auth/password-reset/confirm', values);
    flash(t('reset.done'));
    navigate('/login');
  });
  return h('div', {}, h('h1', {}, t('reset.title')), section(t('reset.title'), resetForm));
}

export function activate({ params }) {
  const activateForm = form(
    field(t('field.token'), 'token', { required: true, value: params.get('token') || '' }),
    h('div', { class: 'form-row' },
      field(t('field.firstName'), 'first_name', { required: true }),
      field(t('field.lastName'), 'last_name', { required: true })),
    field(t('field.newPassword'), 'password', { type: 'password', required: true, autocomplete: 'new-password' }),
    h('div', { class: 'actions' }, submit(t('activate.submit'))),
  );
  onSubmit(activateForm, async (values) => {
    await post('/auth/activate', values);
    flash(t('activate.done'));
    navigate('/login');
  });
  return h('div', {}, h('h1', {}, t('activate.title')), section(t('activate.title'), activateForm));
}

function profileSection(me) {
  const profileForm = form(
    h('div', { class: 'form-row' },
      field(t('field.firstName'), 'first_name', { value: me.first_name }),
      field(t('field.lastName'), 'last_name', { value: me.last_name })),
    field(t('field.phone'), 'phone', { type: 'tel', value: me.phone, hint: t('field.phoneHint') }),
    field(t('field.language'), 'language', { options: languageOptions(), value: me.language }),
    field(t('field.email'), 'email', { type: 'email', value: me.email }),
    field(t('field.newPassword'), 'new_password', { type: 'password', autocomplete: 'new-password' }),
    field(t('field.currentPassword'), 'current_password', { type: 'password', autocomplete: 'current-password', hint: t('profile.currentHint') }),
    h('div', { class: 'actions' }, submit(t('action.save'))),
  );
  onSubmit(profileForm, async (values) => {
    const body = nest(values);
    if (body.email === me.email) delete body.email;
    state.user = await patch('/me', body);
    await setLanguage(state.user.language);
    flash(t('saved'));
    navigate('/profile');
  });
  return section(t('profile.title'), definitions(me), profileForm);
}

function definitions(me) {
  return h('p', { class: 'muted' }, t('profile.number', { number: me.customer_number || '–' }), ' · ',
    label('kind', me.kind), me.company_role ? [' · ', label('role', me.company_role)] : null);
}

function billingSection(billing) {
  const b = billing || {};
  const billingForm = form(
    field(t('field.companyName'), 'company_name', { value: b.company_name }),
    h('div', { class: 'form-row' },
      field(t('field.vatNumber'), 'vat_number', { value: b.vat_number }),
      field(t('field.fiscalCode'), 'fiscal_code', { value: b.fiscal_code })),
    field(t('field.street'), 'street', { value: b.street, required: true }),
    h('div', { class: 'form-row' },
      field(t('field.postalCode'), 'postal_code', { value: b.postal_code, required: true }),
      field(t('field.city'), 'city', { value: b.city, required: true }),
      field(t('field.country'), 'country', { value: b.country, required: true, hint: COUNTRY_HINT(), attrs: { maxlength: 2 } })),
    h('div', { class: 'form-row' },
      field(t('field.sdi'), 'sdi_code', { value: b.sdi_code }),
      field(t('field.pec'), 'pec', { type: 'email', value: b.pec }),
      field(t('field.invoiceEmail'), 'invoice_email', { type: 'email', value: b.invoice_email })),
    field(t('field.currentPassword'), 'current_password', { type: 'password', required: true, autocomplete: 'current-password' }),
    h('div', { class: 'actions' }, submit(t('action.save'))),
  );
  onSubmit(billingForm, async (values) => {
    await put('/me/billing', nest(values));
    billingForm.querySelector('[name=current_password]').value = '';
    flash(t('saved'));
  });
  return section(t('billing.title'), billingForm);
}

function privacySection(consents) {
  const privacyForm = form(
    field(t('privacy.marketing'), 'marketing_email', { type: 'checkbox', value: consents.marketing_email }),
    field(t('privacy.profiling'), 'profiling', { type: 'checkbox', value: consents.profiling }),
    consents.updated_at ? h('p', { class: 'muted' }, t('privacy.updated', { at: date(consents.updated_at) })) : null,
    h('div', { class: 'actions' }, submit(t('action.save'))),
  );
  onSubmit(privacyForm, async (values) => {
    await put('/me/privacy', { marketing_email: values.marketing_email, profiling: values.profiling });
    flash(t('saved'));
  });
  const exportButton = button(t('privacy.export'), async () => {
    const data = await get('/me/export');
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: 'sportello-export.json' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  const eraseForm = form(
    h('p', {}, t('erase.warning')),
    field(t('field.currentPassword'), 'password', { type: 'password', required: true, autocomplete: 'current-password' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, t('erase.submit'))),
  );
  onSubmit(eraseForm, async (values) => {
    if (!window.confirm(t('erase.confirm'))) return;
    await del('/me', { password: values.password });
    await signedOut();
    flash(t('erase.done'));
  });
  return section(t('privacy.title'), privacyForm, h('div', { class: 'actions' }, exportButton),
    h('details', {}, h('summary', {}, t('erase.title')), eraseForm));
}

export async function profile() {
  const me = await get('/me');
  state.user = me;
  let billing = null;
  try { billing = await get('/me/billing'); } catch (error) { if (!(error instanceof ApiError) || error.status !== 404) throw error; }
  const consents = await get('/me/privacy');
  return h('div', {}, h('h1', {}, t('profile.title')),
    me.company_role === 'admin' ? h('p', {}, h('a', { href: '#/company' }, t('company.manage'))) : null,
    h('div', { class: 'cols' }, profileSection(me), h('div', {}, billingSection(billing), privacySection(consents))));
}

export async function company({ params }) {
  const page = Number(params.get('page') || 1);
  const result = await get(`/company/employees${query({ page, per_page: 50 })}`);
  const employees = result.items;
  const inviteForm = form(
    field(t('field.email'), 'email', { type: 'email', required: true }),
    field(t('company.role'), 'role', { options: ['buyer', 'viewer', 'admin'].map((r) => [r, label('role', r)]) }),
    h('div', { class: 'actions' }, submit(t('company.invite'))),
  );
  onSubmit(inviteForm, async (values) => {
    await post('/company/employees', values);
    flash(t('company.invited'));
    navigate('/company');
  });
  const rows = employees.map((e) => {
    const role = h('select', { 'aria-label': t('company.roleOf', { name: e.email }) },
      ['admin', 'buyer', 'viewer'].map((r) => h('option', { value: r, selected: r === e.company_role }, label('role', r))));
    const enabled = e.status !== 'disabled';
    return [e.email, `${e.first_name || ''} ${e.last_name || ''}`, badge('status', e.status), role,
      h('div', { class: 'actions' },
        button(t('action.save'), async () => { await patch(`/company/employees/${e.id}`, { role: role.value }); flash(t('saved')); }),
        button(enabled ? t('company.disable') : t('company.enable'), async () => {
          await patch(`/company/employees/${e.id}`, { enabled: !enabled });
          navigate('/company');
        }))];
  });
  return h('div', {}, h('h1', {}, t('company.title')),
    section(t('company.people'), rows.length ? table([t('field.email'), t('field.name'), t('col.status'), t('company.role'), ''], rows) : empty(t('company.none')),
      pager(result.page, result.pages, (p) => `#/company${query({ page: p })}`)),
    section(t('company.invite'), inviteForm));
}
