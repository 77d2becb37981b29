/**
 * What main.ts lends the modules of the demo page's later sections (mfa.ts,
 * recovery.ts): the client, and its helpers for a section's live region and
 * forms, so that every section reports and fails the same way.
 */
import type { AuthClient } from '../client';

export interface PanelKit {
  auth: AuthClient;
  /** Writes `text` into the live region of section `id`. */
  report(id: string, text: string, ok: boolean): void;
  /**
   * Calls `handler` with the values of a form of section `id` (its first, or
   * the one `form` selects) on each submit; a failure is reported in the
   * section, and the page's sign-in state is shown again either way.
   */
  onSubmit(
    id: string,
    handler: (values: Record<string, string>, form: HTMLFormElement) => Promise<void>,
    form?: string,
  ): void;
}
