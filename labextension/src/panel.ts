/**
 * What a trainee needs from nbgrader's Assignments panel: when a review is due, whether the
 * work has been graded, and the score.
 *
 * nbgrader's panel (its own labextension, not forked here) draws each assignment from its
 * listing (`GET assignments?course_id=...`) but shows only names and buttons: no due date, no
 * score, and "Fetch Feedback" on every submission, graded or not. Each time the panel draws
 * its rows, this plugin reads the same listing from nbgrader's endpoint and adds, as text:
 *
 * - under a released or fetched review sitting (a listing item with `due_date`, which the
 *   course service gives on the hub): "Due Wednesday 31 March 2027";
 * - on a submitted assignment none of whose submissions has feedback released
 *   (`has_exchange_feedback` false for all): "Not graded yet", in place of the Fetch Feedback
 *   button, which is hidden until feedback is released (hidden from the first draw, so it is
 *   never offered while the listing is read; shown again if the listing cannot be read);
 * - on a submission whose letter has been fetched: the letter's score sentence (`score`,
 *   which trainingkit's exchange reads from the local letter as text, server-side).
 *
 * Everything added is text (textContent), in the row it is about, so a screen reader reads it
 * with the row and the keyboard order is unchanged; nothing from the listing becomes HTML.
 *
 * It also retitles nbgrader's dialog over a refused submission: nbgrader calls every refusal
 * (late, a second submission of a review, a file too large) "Invalid Submission", as if the work
 * were at fault; the course says "Not submitted", above the refusal's own words.
 */

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

/** nbgrader's three lists in the Assignments panel; their rows are their direct `.list_item` children. */
const LISTS = ['#released_assignments_list', '#fetched_assignments_list', '#submitted_assignments_list'];
const ROWS = LISTS.map(list => `${list} > .list_item`).join(', ');
/** The class of everything this plugin adds (removed and drawn again on each pass). */
const ADDED = 'tk-panel-added';
/** Hides nbgrader's Fetch Feedback button (bootstrap's `.btn` display overrides the `hidden` attribute). */
const HIDDEN = 'tk-panel-hidden';
/** Set on a row once this plugin has seen it: `pending` until the listing is read, then `done`. */
const SEEN = 'data-tk-panel';
export const NOT_GRADED = 'Not graded yet';
/** nbgrader's title over a refused submission, and the course's. */
const NBGRADER_REFUSAL_TITLE = 'Invalid Submission';
export const NOT_SUBMITTED = 'Not submitted';
const FETCH_FEEDBACK = 'Fetch Feedback';

/** One submission in nbgrader's listing (trainingkit's exchange adds `score`). */
export interface ListedSubmission {
  timestamp: string;
  has_exchange_feedback?: boolean;
  has_local_feedback?: boolean;
  score?: string;
}

/** One assignment in nbgrader's listing (trainingkit's course service adds `due_date` to a review sitting). */
export interface ListedAssignment {
  course_id: string;
  assignment_id: string;
  status: string;
  due_date?: string;
  submissions?: ListedSubmission[];
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

/** "Due Wednesday 31 March 2027" for a listing's `2027-03-31`, in the course's words; '' for anything not a date. */
export function dueWords(due: unknown): string {
  const found = typeof due === 'string' ? /^(\d{4})-(\d{2})-(\d{2})(?![\d])/.exec(due.trim()) : null;
  if (!found) {
    return '';
  }
  const [year, month, day] = found.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return ''; // 2027-02-30 is no day
  }
  return `Due ${WEEKDAYS[date.getUTCDay()]} ${day} ${MONTHS[month - 1]} ${year}`;
}

/** Has the supervisor released feedback on any submission of this assignment? */
export function feedbackReleased(assignment: ListedAssignment): boolean {
  return (assignment.submissions ?? []).some(submission => submission.has_exchange_feedback === true);
}

function textOf(row: Element, selector: string): string {
  return row.querySelector(selector)?.textContent?.trim() ?? '';
}

/** The Fetch Feedback button of a submitted assignment's row, if it has one. */
function fetchFeedbackButton(row: Element): HTMLButtonElement | null {
  const button = row.querySelector<HTMLButtonElement>(':scope > div > .item_status > button');
  return button && button.textContent?.trim() === FETCH_FEEDBACK ? button : null;
}

function added(tag: string, className: string, text: string): HTMLElement {
  const element = document.createElement(tag);
  element.className = `${ADDED} ${className}`;
  element.textContent = text;
  return element;
}

/** Add to one top-level row what the listing says about it (after removing what an earlier pass added). */
export function decorate(row: Element, listing: readonly ListedAssignment[]): void {
  row.querySelectorAll(`.${ADDED}`).forEach(element => element.remove());
  const status = row.parentElement?.id.replace('_assignments_list', '') ?? '';
  const course = textOf(row, '.item_course');
  const name = textOf(row, '.item_name');
  const item = listing.find(entry => entry.course_id === course && entry.assignment_id === name &&
    entry.status === status);
  const line = row.querySelector(':scope > div');
  if (!item || !line) {
    fetchFeedbackButton(row)?.classList.remove(HIDDEN);
    return;
  }
  const due = dueWords(item.due_date);
  if (due && status !== 'submitted') {
    line.append(added('div', 'tk-panel-due', due));
  }
  const button = fetchFeedbackButton(row);
  if (status === 'submitted' && button) {
    const released = feedbackReleased(item);
    button.classList.toggle(HIDDEN, !released);
    if (!released) {
      button.after(added('span', 'tk-panel-not-graded', NOT_GRADED));
    }
  }
  for (const nested of Array.from(row.querySelectorAll('.nested_list_item .item_name'))) {
    const when = nested.childNodes[0]?.textContent?.trim() ?? '';
    const score = item.submissions?.find(submission => submission.timestamp === when)?.score;
    if (typeof score === 'string' && score) {
      nested.append(added('span', 'tk-panel-score', ` ${score}`));
    }
  }
}

/** Give each open dialog of a refused submission (nbgrader's `#submission-message`) the course's title. */
export function retitleRefusals(root: ParentNode): void {
  for (const message of Array.from(root.querySelectorAll('#submission-message'))) {
    const header = message.closest('.jp-Dialog-content')?.querySelector('.jp-Dialog-header');
    const title = Array.from(header?.childNodes ?? []).find(node => node.nodeType === Node.TEXT_NODE &&
      node.textContent?.trim() === NBGRADER_REFUSAL_TITLE);
    if (title) {
      title.textContent = NOT_SUBMITTED; // the title's own text node: the dialog's close button is left as it is
    }
  }
}

/** nbgrader's listing of ``course``, from the endpoint its panel reads; null when it cannot be read. */
async function listing(app: JupyterFrontEnd, course: string): Promise<ListedAssignment[] | null> {
  const settings = app.serviceManager.serverSettings;
  const headers: Record<string, string> = settings.token ? { Authorization: `token ${settings.token}` } : {};
  const url = `${settings.baseUrl.replace(/\/?$/, '/')}assignments?course_id=${encodeURIComponent(course)}`;
  try {
    // settings.fetch is the window's own fetch, which refuses to run as a method of another object
    const response = await settings.fetch.call(window, url, { headers, credentials: 'same-origin', cache: 'no-store' });
    const answer = (await response.json()) as { success?: boolean; value?: unknown };
    return response.ok && answer.success && Array.isArray(answer.value) ? (answer.value as ListedAssignment[]) : null;
  } catch (error) {
    console.error('trainingkit: could not read the assignment listing', error);
    return null;
  }
}

/** Watches the panel's lists and adds to each newly drawn set of rows what the listing says. */
class PanelNotes {
  private generation = 0;
  private queued = false;

  constructor(private readonly app: JupyterFrontEnd) {}

  start(): void {
    new MutationObserver(() => {
      retitleRefusals(document); // at once: the dialog is never seen under nbgrader's title
      if (!this.queued) {
        this.queued = true;
        requestAnimationFrame(() => {
          this.queued = false;
          void this.pass();
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  private async pass(): Promise<void> {
    const fresh = Array.from(document.querySelectorAll(ROWS)).filter(row => !row.hasAttribute(SEEN));
    if (!fresh.length) {
      return;
    }
    for (const row of fresh) {
      row.setAttribute(SEEN, 'pending');
      fetchFeedbackButton(row)?.classList.add(HIDDEN); // not offered before the listing says there is feedback
    }
    const generation = ++this.generation;
    const courses = Array.from(new Set(Array.from(document.querySelectorAll(ROWS)).map(row => textOf(row, '.item_course'))))
      .filter(Boolean);
    const lists = await Promise.all(courses.map(course => listing(this.app, course)));
    if (generation !== this.generation) {
      return; // the panel drew again meanwhile: the newer pass decorates every row
    }
    const known = lists.every(list => list !== null);
    const entries = lists.flatMap(list => list ?? []);
    for (const row of Array.from(document.querySelectorAll(ROWS))) {
      if (known) {
        decorate(row, entries);
      } else {
        fetchFeedbackButton(row)?.classList.remove(HIDDEN); // nbgrader's own panel, as it was
      }
      row.setAttribute(SEEN, 'done');
    }
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@trainingkit/autorun:panel',
  description: "Shows a review's due date, 'Not graded yet' and the score in nbgrader's Assignments panel, and titles a refused submission 'Not submitted'.",
  autoStart: true,
  activate: (app: JupyterFrontEnd): void => {
    new PanelNotes(app).start();
  }
};

export default plugin;
