import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScheduleStore } from '../src/ports.ts';
import { schedule as aSchedule, scheduleRun as aRun } from './factories.ts';

const at = (minute: number) => new Date(Date.UTC(2031, 0, 6, 8, minute)).toISOString();

/** What every schedule store must do; SQLite and the in-memory fake always, MongoDB with MONGODB_URI. */
export function scheduleStoreContract(open: () => Promise<ScheduleStore>): void {
  let store: ScheduleStore;
  before(async () => (store = await open()));

  it('when schedules are created, then at most `max` per workspace, listed newest first in pages, each workspace its own', async () => {
    const ws = `ws_${randomUUID()}`;
    const [a, b, c] = [1, 2, 3].map((m) => aSchedule(ws, { created_at: at(m) }));
    assert.equal(await store.create(a!, 2), true);
    assert.equal(await store.create(b!, 2), true);
    assert.equal(await store.create(c!, 2), false, 'the third is refused');
    const first = await store.list(ws, { limit: 1 });
    assert.deepEqual(first.schedules, [b]);
    const second = await store.list(ws, { limit: 1, cursor: first.nextCursor! });
    assert.deepEqual(second.schedules, [a]);
    assert.equal(second.nextCursor, null);
    assert.deepEqual(await store.get(ws, a!.schedule_id), a);
    assert.equal(
      await store.get('ws_other', a!.schedule_id),
      null,
      'another workspace sees nothing',
    );
    assert.deepEqual(await store.activeIds(ws), [a!.schedule_id, b!.schedule_id], 'oldest first');
  });

  it('when two rounds claim one due time, then only the first compare-and-set on next_run_at wins', async () => {
    const ws = `ws_${randomUUID()}`;
    const schedule = aSchedule(ws, { next_run_at: at(0) });
    await store.create(schedule, 10);
    const claims = await Promise.all(
      [1, 2, 3].map(() =>
        store.update(ws, schedule.schedule_id, { next_run_at: at(30) }, { next_run_at: at(0) }),
      ),
    );
    assert.equal(claims.filter(Boolean).length, 1, 'one claim wins');
    assert.equal((await store.get(ws, schedule.schedule_id))!.next_run_at, at(30));
    assert.equal(
      await store.update('ws_other', schedule.schedule_id, { name: 'x' }),
      null,
      'another workspace cannot change it',
    );
  });

  it('when schedules fall due, then findDue lists the active ones due by now, the longest due first', async () => {
    const ws = `ws_${randomUUID()}`;
    const now = new Date(Date.UTC(2040, 0, 1)).toISOString();
    const later = aSchedule(ws, { next_run_at: '2039-12-31T23:00:00.000Z', created_at: at(1) });
    const earlier = aSchedule(ws, { next_run_at: '2039-12-31T22:00:00.000Z', created_at: at(2) });
    const paused = aSchedule(ws, {
      next_run_at: null,
      status: 'paused',
      paused_reason: { code: 'paused_by_user', message: 'x' },
    });
    const future = aSchedule(ws, { next_run_at: '2040-01-01T00:00:01.000Z', created_at: at(3) });
    for (const s of [later, earlier, paused, future]) await store.create(s, 10);
    const due = (await store.findDue(now, 1000)).filter((s) => s.workspace_id === ws);
    assert.deepEqual(
      due.map((s) => s.schedule_id),
      [earlier.schedule_id, later.schedule_id],
    );
    assert.deepEqual(
      await store.activeIds(ws),
      [later, earlier, future].map((s) => s.schedule_id),
    );
  });

  it('when a run is written twice for one scheduled time, then the unique (schedule, time) keeps one', async () => {
    const ws = `ws_${randomUUID()}`;
    const schedule = aSchedule(ws);
    await store.create(schedule, 10);
    const inserted = await Promise.all([1, 2, 3].map(() => store.addRun(aRun(schedule, at(0)))));
    assert.deepEqual(inserted.filter(Boolean).length, 1);
    const run = (await store.getRun(schedule.schedule_id, at(0)))!;
    assert.equal(run.outcome, 'pending');
    const outcome = { outcome: 'job' as const, reason: null, job_id: 'job_1' };
    assert.equal(await store.recordRun(run.run_id, outcome), true);
    assert.equal(
      await store.recordRun(run.run_id, { ...outcome, job_id: 'job_2' }),
      false,
      'an outcome is recorded once',
    );
    assert.deepEqual(await store.getRun(schedule.schedule_id, at(0)), { ...run, ...outcome });
  });

  it('when runs are listed, then the latest scheduled first; pending ones older than a time are found for repair', async () => {
    const ws = `ws_${randomUUID()}`;
    const schedule = aSchedule(ws);
    await store.create(schedule, 10);
    const old = aRun(schedule, at(1), '2000-01-01T00:00:00.000Z');
    const recent = aRun(schedule, at(2), at(2));
    const skipped = {
      ...aRun(schedule, at(3), '2000-01-01T00:00:00.000Z'),
      outcome: 'missed' as const,
      reason: { code: 'missed', message: 'down' },
    };
    for (const run of [old, recent, skipped]) await store.addRun(run);
    assert.deepEqual(
      (await store.runs(schedule.schedule_id, 10)).map((r) => r.scheduled_for),
      [at(3), at(2), at(1)],
    );
    assert.deepEqual(await store.runs(schedule.schedule_id, 1), [skipped]);
    const pending = await store.findPendingRuns('2000-01-02T00:00:00.000Z', 100);
    assert.deepEqual(
      pending.filter((r) => r.schedule_id === schedule.schedule_id),
      [old],
    );
  });

  it('when a schedule is paused or removed, then it is no longer due and its runs go with it', async () => {
    const ws = `ws_${randomUUID()}`;
    const schedule = aSchedule(ws, { next_run_at: '2000-01-01T00:00:00.000Z' });
    await store.create(schedule, 10);
    await store.addRun(aRun(schedule, at(0)));
    const paused = await store.update(ws, schedule.schedule_id, {
      status: 'paused',
      paused_reason: { code: 'repeated_failures', message: 'three failed runs' },
      next_run_at: null,
    });
    assert.equal(paused!.paused_reason!.code, 'repeated_failures');
    const due = await store.findDue('2001-01-01T00:00:00.000Z', 1000);
    assert.equal(
      due.some((s) => s.schedule_id === schedule.schedule_id),
      false,
    );
    assert.deepEqual(await store.activeIds(ws), []);
    assert.equal(await store.remove('ws_other', schedule.schedule_id), false);
    assert.equal(await store.remove(ws, schedule.schedule_id), true);
    assert.equal(await store.get(ws, schedule.schedule_id), null);
    assert.deepEqual(await store.runs(schedule.schedule_id, 10), []);
  });

  it('when a cursor was not written by the API, then the list refuses it by name', async () => {
    await assert.rejects(store.list('ws_a', { limit: 5, cursor: 'bogus' }), { field: 'cursor' });
  });
}
