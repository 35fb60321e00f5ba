/**
 * A trainingkit lesson or assignment opens with its questions drawn.
 *
 * When JupyterLab opens a notebook whose metadata carries `trainingkit` (written by
 * `trainingkit build`), this plugin draws the code cells tagged `trainingkit-widget`, in
 * order, and nothing else. It never runs their code: it sends each source, as a string, to
 * `trainingkit.autorun.draw` in the kernel, which reads it as data and draws only the
 * question or figure calls `trainingkit build` writes (a notebook from someone else that
 * carries the marker runs nothing of its own by being opened). It runs them again after
 * the kernel restarts. The CSS classes it adds hide those cells' code, prompts and
 * collapsers, so a trainee sees text and answer boxes only. Running is not an edit: a
 * notebook that was clean before stays clean. Any other notebook is left alone.
 *
 * It also opens returned feedback as a page: nbgrader's "(view feedback)" link only moves
 * the file browser to a folder named by the submission time; the letters in it open here, in a
 * titled frame that keeps the letter's language.
 */

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Cell, CodeCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import announce from './announce';
import launcherProgress from './launcher';
import panel from './panel';

/** The tag `trainingkit build` gives every cell that only draws a widget. */
const WIDGET_TAG = 'trainingkit-widget';
/** The notebook metadata key `trainingkit build` writes (`{lesson: ...}` or `{assignment: ...}`). */
const NOTEBOOK_KEY = 'trainingkit';
const NOTEBOOK_CLASS = 'tk-autorun-notebook';
const CELL_CLASS = 'tk-autorun-cell';

/** Is this a notebook `trainingkit build` wrote? */
export function isTrainingkitNotebook(panel: NotebookPanel): boolean {
  const marker = panel.content.model?.getMetadata(NOTEBOOK_KEY);
  return typeof marker === 'object' && marker !== null && !Array.isArray(marker);
}

/** Is this a code cell that only draws a trainingkit widget? */
export function isWidgetCell(cell: Cell): cell is CodeCell {
  const tags = cell.model.getMetadata('tags');
  return cell instanceof CodeCell && Array.isArray(tags) && tags.includes(WIDGET_TAG);
}

/** Runs one trainingkit notebook's widget cells on open and after each kernel restart. */
class AutoRun {
  private running: Promise<void> | null = null;
  private restarted = false;

  constructor(private readonly panel: NotebookPanel) {}

  async start(): Promise<void> {
    await this.panel.context.ready;
    if (!isTrainingkitNotebook(this.panel)) {
      return;
    }
    this.panel.content.node.classList.add(NOTEBOOK_CLASS);
    this.markCells();
    this.panel.content.model?.cells.changed.connect(this.markCells, this);
    const session = this.panel.sessionContext;
    session.statusChanged.connect((_, status) => {
      if (status === 'restarting' || status === 'autorestarting') {
        this.restarted = true;
      } else if (status === 'idle' && this.restarted) {
        this.restarted = false;
        void this.run();
      }
    });
    session.kernelChanged.connect((_, change) => {
      if (change.oldValue && change.newValue) {
        void this.run(); // another kernel chosen: its questions need drawing again
      }
    });
    await session.ready;
    await this.run();
  }

  /** Hide the code of every widget cell (cells are created as the model loads). */
  private markCells(): void {
    for (const cell of this.panel.content.widgets) {
      cell.node.classList.toggle(CELL_CLASS, isWidgetCell(cell));
    }
  }

  /** Run the widget cells in order, one run at a time; stop at the first error. */
  private run(): Promise<void> {
    if (!this.running) {
      this.running = this.runCells().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async runCells(): Promise<void> {
    const { content, sessionContext } = this.panel;
    const model = content.model;
    if (!model || !sessionContext.session?.kernel) {
      return;
    }
    const kernel = sessionContext.session.kernel;
    const wasDirty = model.dirty;
    for (const cell of content.widgets.filter(isWidgetCell)) {
      // The cell's source goes to the kernel as a string to be read, not run: see
      // trainingkit.autorun.draw, which draws only what `trainingkit build` writes.
      const source = JSON.stringify(cell.model.sharedModel.getSource());
      const future = kernel.requestExecute({
        code: `__import__("trainingkit.autorun").autorun.draw(${source})`,
        silent: false,
        store_history: false,
        stop_on_error: true
      });
      // What draw() displays comes from trainingkit's own functions, every string escaped, so
      // the output is trusted as JupyterLab trusts a cell the person runs (widgets and the
      // questions' keyboard support render only in trusted output).
      cell.model.trusted = true;
      cell.outputArea.future = future;
      const reply = await future.done;
      if (reply.content.status !== 'ok') {
        break;
      }
    }
    if (!wasDirty) {
      model.dirty = false; // drawing the questions is not a change the trainee has to save
    }
  }
}

/** JupyterLab's command that nbgrader's "(view feedback)" link runs with the feedback folder's path. */
const GO_TO_PATH = 'filebrowser:go-to-path';

/** Is this the folder (or a letter in it) that nbgrader's exchange fetches feedback into? */
export function isFeedbackPath(path: string): boolean {
  const parts = path.split('/').filter(part => part !== '');
  const at = parts.lastIndexOf('feedback');
  return at >= 0 && at >= parts.length - 3 && at < parts.length - 1;
}

/**
 * Returned feedback opens as a page where the trainee is, not as a folder to search:
 * when nbgrader's Assignments panel moves the file browser to a feedback folder (its
 * "(view feedback)" link), each letter in that folder is opened in JupyterLab's HTML viewer.
 */
async function openFeedback(app: JupyterFrontEnd, path: string): Promise<void> {
  const item = await app.serviceManager.contents.get(path, { content: true });
  const letters =
    item.type === 'directory'
      ? (item.content as Array<{ path: string; name: string; type: string }>).filter(
          entry => entry.type === 'file' && entry.name.endsWith('.html')
        )
      : item.name.endsWith('.html')
        ? [item]
        : [];
  for (const letter of letters) {
    const viewer = await app.commands.execute('docmanager:open', { path: letter.path, factory: 'HTML Viewer' });
    // JupyterLab's viewer leaves its frame untitled: a screen reader would announce a nameless frame
    const frame = (viewer as { node?: HTMLElement } | undefined)?.node?.querySelector('iframe');
    if (frame) {
      frame.setAttribute('title', `Feedback letter: ${letter.name.replace(/\.html$/, '')}`);
      const source = await app.serviceManager.contents.get(letter.path, { content: true, format: 'text' });
      keepLanguage(frame, declaredLanguage(String(source.content ?? '')));
    }
  }
}

/** The language a letter declares on its `<html>` element ('' if none). */
export function declaredLanguage(html: string): string {
  return new DOMParser().parseFromString(html, 'text/html').documentElement.lang.trim();
}

/**
 * Gives the letter in the viewer's frame the language the letter declares, each time the frame
 * loads it. JupyterLab's HTML viewer shows only what is inside the letter's `<html>` element
 * (`documentElement.innerHTML`), so its `lang` is lost and a screen reader would read the letter
 * in no declared language. The viewer's frame is same-origin (`allow-same-origin`), so its
 * document can be reached; nothing else in it is changed.
 */
function keepLanguage(frame: HTMLIFrameElement, lang: string): void {
  if (!lang) {
    return;
  }
  const apply = (): void => {
    const root = frame.contentDocument?.documentElement;
    if (root && root.lang !== lang) {
      root.lang = lang;
    }
  };
  frame.addEventListener('load', apply);
  apply();
}

/** What nbgrader's Validate says when it finds nothing wrong, in the words of a workbook with no tests. */
export const VALIDATED =
  'Your answers are saved. Nothing is tested before grading: when you are ready, press Submit in the Assignments panel.';

/**
 * nbgrader's Validate dialog says "Your notebook passes all the tests", which a trainee
 * with no tests to pass cannot make sense of; its success message is reworded here.
 */
function rewordValidation(): void {
  let queued = false;
  const reword = (): void => {
    queued = false;
    document.querySelectorAll('.validation-success p').forEach(line => {
      if (line.textContent !== VALIDATED) {
        line.textContent = VALIDATED;
      }
    });
  };
  new MutationObserver(() => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(reword);
    }
  }).observe(document.body, { childList: true, subtree: true });
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@trainingkit/autorun:plugin',
  description: 'Opens a trainingkit lesson or assignment with its questions drawn and no code shown.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    tracker.widgetAdded.connect((_, panel) => {
      new AutoRun(panel).start().catch((error: unknown) => {
        console.error('trainingkit: could not draw the questions', error);
      });
    });
    rewordValidation();
    app.commands.commandExecuted.connect((_, executed) => {
      const path = executed.args?.path;
      if (executed.id === GO_TO_PATH && typeof path === 'string' && isFeedbackPath(path)) {
        openFeedback(app, path).catch((error: unknown) => {
          console.error('trainingkit: could not open the feedback', error);
        });
      }
    });
  }
};

export default [plugin, announce, panel, launcherProgress];
