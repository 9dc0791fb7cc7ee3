// My work: the signed-in user's open tasks (dated ones first, overdue first) and their agency's
// unowned queue, with counts; complete, take, give back to the queue, postpone; a form for a new
// task. Automatic tasks show the label of their kind and the case; manual ones their title.
import { api, request } from '../api.js';
import {
  h, page, notice, errorBlock, table, field, formValues, busy, showError, clearErrors,
} from '../dom.js';
import { t, formatDate } from '../i18n.js';

export const TASK_KINDS = ['manual', 'reflection_ending', 'referral_unanswered', 'determination_pending',
  'follow_up_due', 'glass_notice', 'permit_expiring', 'coop_deadline',
  'fund_call_closing', 'fund_review_due', 'fund_report_due']; // issue 8

// What a task is about, for a person: a manual task's title, else its kind's label.
export function taskLabel(task) {
  if (task.kind === 'manual' && task.title) return task.title;
  return TASK_KINDS.includes(task.kind) ? t(`task.kind.${task.kind}`) : task.kind;
}

function dueCell(task) {
  if (!task.due_at) return t('task.no_due');
  const d = formatDate(task.due_at, { time: false });
  return task.overdue
    ? h('span', { class: 'task-overdue', 'data-overdue': '' }, d, ' ', h('span', { class: 'badge badge-overdue' }, t('task.overdue')))
    : d;
}

function caseCell(task) {
  if (task.record_type === 'coop_request' && task.record_id) { // issue 5, part J6
    return h('a', { href: `#/cooperation/${task.record_id}` }, t('nav.cooperation'));
  }
  if (task.record_type === 'fund_call') return h('a', { href: '#/fundcalls' }, t('nav.fundcalls')); // issue 8, part A
  if (task.record_type === 'fund_tranche') return h('a', { href: '#/fundgrants' }, t('nav.fundgrants')); // issue 8, part G
  if (!task.case_id) return '—';
  return h('a', { href: `#/cases/${task.case_id}` }, t('task.case_link', { id: task.case_id }));
}

// The tasks of one case, for its page: open ones first, then the latest done or cancelled; the
// actions are on "My work".
export function caseTasksSection(c, ctx) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('common.loading')));
  (async () => {
    try {
      const data = await api.get(`/api/v1/cases/${c.id}/tasks`);
      const items = ((data && data.items) || []).slice()
        .sort((a, b) => (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1));
      body.replaceChildren(items.length
        ? table(t('task.case_tasks'), [
          { label: t('task.due'), cell: dueCell, cls: 'nowrap' },
          { label: t('task.what'), cell: (x) => h('span', { 'data-task': x.id, 'data-kind': x.kind }, taskLabel(x)) },
          { label: t('common.status'), cell: (x) => h('span', { 'data-status': x.status }, t(`task.status.${x.status}`)) },
        ], items)
        : h('p', { class: 'empty' }, t('task.case_none')),
      h('p', {}, h('a', { href: '#/my-work' }, t('task.to_my_work'))));
    } catch (e) {
      body.replaceChildren(errorBlock(e));
    }
  })();
  return ctx.allowed('task.read')
    ? h('section', { class: 'card', 'aria-labelledby': 'case-tasks' }, h('h2', { id: 'case-tasks' }, t('task.case_tasks')), body)
    : null;
}

export async function render(ctx) {
  const status = h('div', { 'aria-live': 'polite' });
  const body = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  const canWrite = ctx.allowed('task.write');
  const me = ctx.me;

  const act = async (form, fn, message) => {
    await busy(form, async () => {
      try {
        await fn();
        status.replaceChildren(notice('success', message));
        await load();
      } catch (e) {
        showError(form, e);
      }
    });
  };

  function button(label, attrs, fn, message, cls = 'small') {
    const f = h('form', { class: 'form inline', novalidate: true },
      h('button', { type: 'submit', class: cls, ...attrs }, label));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(f, fn, message);
    });
    return f;
  }

  function postpone(task) {
    const f = h('form', { class: 'form inline', novalidate: true },
      field({ name: 'due_at', label: t('task.new_due'), type: 'date', required: true }),
      h('button', { type: 'submit', class: 'small secondary', 'data-postpone': task.id }, t('task.postpone')));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      if (!v.due_at) return;
      act(f, () => api.patch(`/api/v1/tasks/${task.id}`, { due_at: v.due_at }, task.version), t('task.saved'));
    });
    return h('details', { class: 'task-postpone' }, h('summary', {}, t('task.postpone')), f);
  }

  function actions(task, mine) {
    if (!canWrite) return '';
    const name = taskLabel(task);
    return h('div', { class: 'task-actions' },
      button(t('task.complete'), { 'data-complete': task.id, 'aria-label': `${t('task.complete')}: ${name}` },
        () => request('POST', `/api/v1/tasks/${task.id}/complete`, undefined, { ifMatch: task.version }), t('task.done_msg')),
      mine
        ? button(t('task.release'), { 'data-release': task.id, 'aria-label': `${t('task.release')}: ${name}` },
          () => api.patch(`/api/v1/tasks/${task.id}`, { owner_id: null }, task.version), t('task.saved'), 'small secondary')
        : button(t('task.take'), { 'data-take': task.id, 'aria-label': `${t('task.take')}: ${name}` },
          () => api.patch(`/api/v1/tasks/${task.id}`, { owner_id: me.id }, task.version), t('task.saved'), 'small secondary'),
      postpone(task));
  }

  function list(caption, tasks, mine) {
    if (!tasks.length) return h('p', { class: 'empty' }, t('mywork.empty'));
    return table(caption, [
      { label: t('task.due'), cell: dueCell, cls: 'nowrap' },
      { label: t('task.what'), cell: (x) => h('span', { 'data-task': x.id, 'data-kind': x.kind }, taskLabel(x)) },
      { label: t('task.case'), cell: caseCell, cls: 'nowrap' },
      { label: t('task.actions'), cell: (x) => actions(x, mine) },
    ], tasks);
  }

  function newTaskForm() {
    const f = h('form', { class: 'form', novalidate: true },
      field({ name: 'title', label: t('task.title'), required: true, attrs: { maxlength: '500' }, hint: t('task.title_hint') }),
      field({ name: 'due_at', label: t('task.due'), type: 'date' }),
      field({ name: 'case_id', label: t('task.case_id'), attrs: { inputmode: 'numeric', pattern: '[0-9]*' } }),
      field({ name: 'queue', label: t('task.to_queue'), type: 'checkbox' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('task.add'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(f);
      const v = formValues(f);
      const b = { title: v.title || '' };
      if (v.due_at) b.due_at = v.due_at;
      if (v.case_id) b.case_id = Number(v.case_id);
      if (!v.queue) b.owner_id = me.id;
      act(f, async () => {
        await api.post('/api/v1/tasks', b);
        f.reset();
      }, t('task.added'));
    });
    return h('details', { class: 'case-action' }, h('summary', {}, t('task.new')), f);
  }

  const load = async () => {
    try {
      const w = await api.get('/api/v1/my-work');
      const c = w.counts || {};
      body.replaceChildren(
        h('p', { class: 'task-counts', 'data-counts': '' },
          h('span', { class: c.overdue ? 'badge badge-overdue' : 'badge', 'data-count': 'overdue' },
            t('mywork.overdue_count', { n: c.overdue || 0 })),
          h('span', { class: 'badge', 'data-count': 'week' }, t('mywork.week_count', { n: c.due_this_week || 0 }))),
        h('section', { class: 'card', 'aria-labelledby': 'mywork-mine' },
          h('h2', { id: 'mywork-mine' }, t('mywork.mine')), list(t('mywork.mine'), w.mine || [], true)),
        h('section', { class: 'card', 'aria-labelledby': 'mywork-queue' },
          h('h2', { id: 'mywork-queue' }, t('mywork.queue')), list(t('mywork.queue'), w.queue || [], false)),
        canWrite ? newTaskForm() : null);
      window.dispatchEvent(new CustomEvent('ctis:overdue', { detail: c.overdue || 0 }));
    } catch (e) {
      body.replaceChildren(errorBlock(e));
    }
  };
  await load();
  return page(t('mywork.title'), status, body);
}
