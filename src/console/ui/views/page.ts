import type { Child } from '../dom.ts';

/** Where a view draws, and what it may ask of the console around it. */
export interface Page {
  /** Replaces what the page shows and puts the reader at its heading. */
  show(...children: Child[]): void;
  /** False once the reader went elsewhere: a late answer must not draw over the new page. */
  isCurrent(): boolean;
  /** Draws the page again from fresh reads, with a note of what just happened. */
  refresh(notice?: string): void;
  /** Says something to screen readers without moving the focus. */
  announce(message: string): void;
}
