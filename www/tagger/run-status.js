// The run's part of the page: its state (body[data-state], which controls are enabled), the
// progress bar with done/total, images per second and the time left, the summary line, and
// what waits in the run queue.
import { plural } from '../ui/plural.js';
import { describeSkipped } from './skipped.js';

const duration = (s) => (s < 90 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

export class RunStatus {
  #$;

  /** @param {(id: string) => HTMLElement} $ */
  constructor($) {
    this.#$ = $;
  }

  /** @param {'idle' | 'running' | 'done' | 'cancelled' | 'failed'} state */
  state(state) {
    const $ = this.#$;
    document.body.dataset.state = state;
    const running = state === 'running';
    $('clear').disabled = running;
    $('progress').hidden = !running && !$('progress-bar').value;
    $('cancel').disabled = !running;
  }

  summary(text) {
    this.#$('summary').textContent = text;
  }

  /** The line under the summary: what the folder held that is not a photo, by kind. */
  skipped(kinds) {
    const summary = this.#$('summary');
    let line = document.getElementById('skipped');
    if (!line) {
      line = Object.assign(document.createElement('p'), { id: 'skipped', className: 'muted' });
      summary.after(line);
    }
    line.textContent = describeSkipped(kinds);
    line.hidden = !line.textContent;
  }

  progress({ done, total, failed, perSecond, secondsLeft }) {
    const $ = this.#$;
    $('progress-bar').value = total ? done / total : 1;
    const parts = [`${done} / ${total}`];
    if (perSecond) parts.push(`${perSecond.toFixed(1)} images/s`);
    if (secondsLeft != null && done < total) parts.push(`${duration(secondsLeft)} left`);
    if (failed) parts.push(`${failed} failed`);
    $('progress-text').textContent = parts.join(' · ');
  }

  /** @param {{picked: {entries: any[]}}[]} jobs what waits behind the run */
  queued(jobs) {
    const $ = this.#$;
    const n = jobs.reduce((sum, j) => sum + j.picked.entries.length, 0);
    $('queued').hidden = jobs.length === 0;
    $('queued').textContent = jobs.length ? `A run is in progress: ${plural(n, 'more photo')} will be tagged after it.` : '';
  }

  noPhotos({ unreadable, skipped, skippedKinds }) {
    const notes = [unreadable && `${unreadable} could not be read`, skipped && `${plural(skipped, 'other file')} skipped`].filter(Boolean);
    this.skipped(skippedKinds);
    this.summary(`No photos found${notes.length ? ` (${notes.join(', ')})` : ''}.`);
  }

  started({ photos, known, todo }) {
    this.summary(`${plural(photos, 'photo')}: ${known} already tagged, ${todo} to tag.`);
    this.progress({ done: 0, total: todo, failed: 0 });
  }

  /** @param {{done: number, failed: number, cancelled: boolean}} res the runner's */
  finished(res, { todo, known, unreadable, skippedKinds = {}, seconds }) {
    const what = `${plural(res.done - res.failed, 'new photo')} tagged` + (res.failed ? `, ${res.failed} failed` : '');
    const unread = unreadable ? `; ${unreadable} could not be read` : '';
    this.skipped(skippedKinds);
    this.summary(
      res.cancelled
        ? `Cancelled: ${what}; ${todo - res.done} not tagged.`
        : `Done: ${what} in ${duration(seconds)}; ${plural(known, 'photo')} already tagged${unread}.`,
    );
    document.body.dataset.newlyTagged = String(res.done);
    this.state(res.cancelled ? 'cancelled' : 'done');
  }

  /** All results forgotten. */
  cleared() {
    const $ = this.#$;
    this.summary('All results forgotten.');
    $('progress-bar').value = 0;
    $('progress-text').textContent = '';
    this.state('idle');
  }
}
