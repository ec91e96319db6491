/** Types of scripts/build-action.mjs, for the test that checks the committed bundle. */
export const ROOT: string;
export const OUT_DIR: string;
export const EXTERNAL: (string | RegExp)[];
export function bundleAction(): Promise<{ fileName: string; code: string }[]>;
export function committedFiles(dir?: string): string[];
