/**
 * The Launcher shows a trainee's progress: one "Your lessons" card per lesson.
 *
 * Each card is named by how many of the lesson's knowledge checks are answered ("3 of 4
 * checks: <title>", or "Done: <title>"), in words, and opens the lesson. The numbers come from
 * the person's own server (`GET trainingkit/progress`, trainingkit.progress_api), which reads
 * their lesson copies and answers file as lesson 00's table does. They are read again whenever
 * a Launcher opens, so a new Launcher shows the answers given since. Where the server has no
 * lessons (a supervisor, the office), no card is added.
 */

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ILauncher } from '@jupyterlab/launcher';
import { ServerConnection } from '@jupyterlab/services';
import { notebookIcon } from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';

/** One lesson as the server's progress route lists it. */
export interface LessonProgress {
  lesson_id: string;
  title: string;
  path: string;
  answered: number;
  checks: number;
  done: boolean;
}

export const CATEGORY = 'Your lessons';
const OPEN_LESSON = 'trainingkit:open-lesson';

/**
 * A lesson card's words: its progress first (a card shows only its first lines), then its title;
 * said in words, not by colour or a symbol alone.
 */
export function cardLabel(lesson: LessonProgress): string {
  if (lesson.checks === 0) {
    return lesson.title;
  }
  return lesson.done
    ? `Done: ${lesson.title}`
    : `${lesson.answered} of ${lesson.checks} checks: ${lesson.title}`;
}

async function readProgress(): Promise<LessonProgress[]> {
  const settings = ServerConnection.makeSettings();
  const response = await ServerConnection.makeRequest(
    `${settings.baseUrl}trainingkit/progress`,
    { method: 'GET' },
    settings
  );
  if (!response.ok) {
    return []; // a server without trainingkit's progress route: no cards
  }
  const body = (await response.json()) as { lessons?: LessonProgress[] };
  return Array.isArray(body.lessons) ? body.lessons : [];
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@trainingkit/autorun:launcher-progress',
  description: "Shows each lesson and the trainee's progress in it on the Launcher.",
  autoStart: true,
  optional: [ILauncher],
  activate: (app: JupyterFrontEnd, launcher: ILauncher | null): void => {
    if (!launcher) {
      return;
    }
    const lessons = new Map<string, LessonProgress>();
    app.commands.addCommand(OPEN_LESSON, {
      label: args => {
        const lesson = lessons.get(String(args.path));
        return lesson ? cardLabel(lesson) : String(args.path);
      },
      icon: notebookIcon,
      caption: args => `Open the lesson ${lessons.get(String(args.path))?.title ?? ''}`,
      execute: args => app.commands.execute('docmanager:open', { path: String(args.path) })
    });
    let cards: IDisposable[] = [];
    const refresh = async (): Promise<void> => {
      const listed = await readProgress();
      cards.forEach(card => card.dispose());
      lessons.clear();
      cards = listed.map((lesson, rank) => {
        lessons.set(lesson.path, lesson);
        return launcher.add({ command: OPEN_LESSON, args: { path: lesson.path }, category: CATEGORY, rank });
      });
    };
    const quietly = (): void => {
      refresh().catch((error: unknown) => console.error('trainingkit: could not read lesson progress', error));
    };
    quietly();
    app.commands.commandExecuted.connect((_, executed) => {
      if (executed.id === 'launcher:create') {
        quietly();
      }
    });
  }
};

export default plugin;
