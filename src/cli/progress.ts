/** Progress on stderr for a TTY only; silent in CI and pipes so stdout stays the command's output. */
export function progressReporter(enabled: boolean): { update: (message: string) => void; done: () => void } {
  const tty = enabled && process.stderr.isTTY === true && !process.env.CI;
  let shown = false;
  return {
    update(message) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[2K${message.slice(0, (process.stderr.columns || 80) - 1)}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
