/**
 * Local mode's mail: every message is written to `DATA_DIR/outbox/` as an
 * .eml file instead of being sent, mode 0600 in a 0700 folder (a reset link
 * is a credential: no other local user may read it), and its link is
 * printed on the console. The rehearsal's SES stand-in writes the same files.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailSender, OutgoingMail } from '../auth/ports';
import type { Clock } from '../clock';
import { UnavailableError } from '../errors';
import { formatEml } from './eml';

/** Owner only: a message may carry a reset link. */
export const OUTBOX_FILE_MODE = 0o600;
export const OUTBOX_DIR_MODE = 0o700;

/** A file name that sorts by time and never collides: `<ISO time>-<random>.eml`. */
function fileName(date: Date, id: string): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}-${id}.eml`;
}

export interface OutboxOptions {
  dir: string;
  from: string;
  clock: Clock;
  /** Where the link is printed; default stdout. */
  print?: (line: string) => void;
}

/** Writes one .eml file per message; returns its path. */
export async function writeToOutbox(
  { dir, from, clock }: Pick<OutboxOptions, 'dir' | 'from' | 'clock'>,
  mail: OutgoingMail,
): Promise<string> {
  const date = clock();
  const id = randomBytes(9).toString('base64url');
  await mkdir(dir, { recursive: true, mode: OUTBOX_DIR_MODE });
  const path = join(dir, fileName(date, id));
  const eml = formatEml(mail, { from, date, messageId: `${id}@outbox.local` });
  // 'wx': never through an existing file or link; the mode applies at creation.
  await writeFile(path, eml, { mode: OUTBOX_FILE_MODE, flag: 'wx' });
  return path;
}

export function createOutboxMailer(options: OutboxOptions): MailSender {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  return {
    async send(mail) {
      let path: string;
      try {
        path = await writeToOutbox(options, mail);
      } catch (cause) {
        throw new UnavailableError(undefined, { cause });
      }
      print(`outbox: "${mail.subject}" to ${mail.to} → ${path}`);
      if (mail.link) print(`  link: ${mail.link}`);
    },
  };
}
