/**
 * What nbgrader's Assignments panel does, said to a screen reader.
 *
 * nbgrader's panel shows the outcome of Fetch, Submit and Fetch Feedback only by changing a
 * button's words ("Fetching...") and redrawing its lists, which nobody using a screen reader
 * is told. This plugin watches those three buttons (by the ids of nbgrader's lists, whether
 * pressed with the mouse or the keyboard), waits until the panel has redrawn the row, and
 * says in a polite live region what happened: "Fetched practice-foundations ...", "Submitted
 * practice-foundations at ...", "Fetched the feedback for ... Your score: 27 of 30 points." (the
 * score once panel.ts has read it into the row), or the words of nbgrader's error. It also lets the keyboard
 * reach the panel's links that have no address (nbgrader's "(view feedback)" is an <a>
 * without href, which Tab skips): they get a place in the tab order and open with Enter.
 * It changes nothing else in the panel.
 */

import { JupyterFrontEndPlugin } from '@jupyterlab/application';

/** nbgrader's three lists in the Assignments panel. */
const LISTS = {
  released: '#released_assignments_list',
  fetched: '#fetched_assignments_list',
  submitted: '#submitted_assignments_list'
};
const PANEL_LISTS = Object.values(LISTS).join(', ');
/** Set by panel.ts on a row of the lists: `done` once it has added what the listing says (the score). */
const PANEL_READ = 'data-tk-panel';
/** The live region this plugin speaks through (one per page). */
export const ANNOUNCER_ID = 'tk-assignments-announcer';
/** How long to wait for nbgrader to answer before saying nothing more (milliseconds). */
const GIVE_UP_MS = 10 * 60 * 1000;

type Action = 'Fetch' | 'Submit' | 'Fetch Feedback';
const ACTIONS: readonly string[] = ['Fetch', 'Submit', 'Fetch Feedback'];

/** The assignment a row of nbgrader's lists is about (its first name column). */
function assignmentOf(row: Element): string {
  return row.querySelector('.item_name')?.textContent?.trim() ?? '';
}

/** The rows of one list that name ``assignment``. */
function rowsNaming(list: string, assignment: string): Element[] {
  return Array.from(document.querySelectorAll(`${list} > .list_item, ${list} .list_item:not(.nested_list_item)`))
    .filter(row => assignmentOf(row) === assignment);
}

/** What happened to ``assignment`` once the panel has redrawn, in words; null while it has not. */
export function outcome(action: Action, assignment: string, button: HTMLButtonElement): string | null {
  if (button.isConnected) {
    const status = button.parentElement?.textContent?.trim() ?? '';
    if (status.startsWith('Error')) {
      return `${status} (${assignment})`;
    }
    if (action === 'Submit' && !button.disabled && button.textContent === 'Submit') {
      return `${assignment} was not submitted: the dialog that opened says why.`;
    }
    return null; // still working
  }
  if (action === 'Fetch') {
    return rowsNaming(LISTS.fetched, assignment).length
      ? `Fetched ${assignment}: it is now under Downloaded assignments, ready to open.`
      : `Fetch finished, but ${assignment} is not among the downloaded assignments.`;
  }
  const times = rowsNaming(LISTS.submitted, assignment)
    .flatMap(row => Array.from(row.querySelectorAll('.nested_list_item .item_name')))
    .map(name => name.childNodes[0]?.textContent?.trim() ?? '')
    .filter(Boolean)
    .sort();
  const latest = times.length ? times[times.length - 1] : '';
  if (action === 'Submit') {
    return latest ? `Submitted ${assignment} at ${latest}.` : `Submitted ${assignment}.`;
  }
  const rows = rowsNaming(LISTS.submitted, assignment);
  if (rows.some(row => row.getAttribute(PANEL_READ) !== 'done')) {
    return null; // panel.ts is still reading the listing for the score
  }
  const score = rows
    .flatMap(row => Array.from(row.querySelectorAll('.nested_list_item .item_name')))
    .find(name => (name.childNodes[0]?.textContent?.trim() ?? '') === latest)
    ?.querySelector('.tk-panel-score')?.textContent?.trim() ?? '';
  return `Fetched the feedback for ${assignment}${latest ? ` (submission of ${latest})` : ''}.${score ? ` ${score}` : ''}`;
}

/** The page's polite live region, made when first needed. */
function announcer(): HTMLElement {
  let region = document.getElementById(ANNOUNCER_ID);
  if (!region) {
    region = document.createElement('div');
    region.id = ANNOUNCER_ID;
    region.className = 'tk-visually-hidden';
    region.setAttribute('role', 'status');
    region.setAttribute('aria-live', 'polite');
    document.body.append(region);
  }
  return region;
}

/** Say ``message`` once (emptied first, so the same words twice are still read). */
export function announce(message: string): void {
  const region = announcer();
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = message;
  }, 100);
}

/** After a press of one of the panel's buttons, wait for the redraw and announce the outcome. */
function follow(button: HTMLButtonElement): void {
  const action = button.textContent?.trim() ?? '';
  const row = button.closest('.list_item');
  if (!ACTIONS.includes(action) || !row) {
    return;
  }
  const assignment = assignmentOf(row);
  const started = Date.now();
  const watcher = new MutationObserver(() => {
    const said = outcome(action as Action, assignment, button);
    if (said !== null || Date.now() - started > GIVE_UP_MS) {
      watcher.disconnect();
      if (said !== null) {
        announce(said);
      }
    }
  });
  watcher.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ['disabled', PANEL_READ] });
}

/** Give the panel's links without an address a place in the tab order and Enter to open them. */
function reachable(): void {
  const links = document.querySelectorAll<HTMLAnchorElement>(`:is(${PANEL_LISTS}) a:not([href]):not([tabindex])`);
  for (const link of Array.from(links)) {
    link.tabIndex = 0;
    link.setAttribute('role', 'link');
    link.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        link.click();
      }
    });
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@trainingkit/autorun:announce',
  description: "Tells a screen reader the outcome of Fetch, Submit and Fetch Feedback in nbgrader's panel.",
  autoStart: true,
  activate: (): void => {
    document.addEventListener('click', event => {
      const button = (event.target as Element | null)?.closest?.('button');
      if (button && button.closest(PANEL_LISTS)) {
        follow(button as HTMLButtonElement);
      }
    }, true);
    let queued = false;
    new MutationObserver(() => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          reachable();
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
  }
};

export default plugin;
